"""Inviting a person by email: an account without a password, and a "set your password" link.

Editors invite authors; only a superuser invites a board member or an editor (the same rule
as the admin's, editorial.roles.may_change_membership). The link is allauth's password
reset link, so it stops working once used or after PASSWORD_RESET_TIMEOUT.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from editorial import roles
from editorial.accounts.membership import record_role_changes, role_snapshot

User = get_user_model()
ROLE_IN_A_SENTENCE = {
    roles.AUTHORS: "an author",
    roles.BOARD: "a member of the Medical Advisory Board",
    roles.EDITORS: "an editor",
}
ROLE_DESCRIPTIONS = {
    roles.AUTHORS: "Author: writes articles on the desk",
    roles.BOARD: "Medical Advisory Board: reviews and approves articles",
    roles.EDITORS: "Editor: publishes articles and manages the site",
}


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)

    def __init__(self, *args: Any, inviter: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        # Offered, and accepted when posted, only the roles this person may hand out.
        role.choices = [
            (name, label)
            for name, label in ROLE_DESCRIPTIONS.items()
            if roles.may_change_membership(inviter, name)
        ]
        role.initial = roles.AUTHORS

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        taken = User.objects.filter(email__iexact=email).exists()
        if taken or EmailAddress.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Someone with this email already has an account. They can use “Forgot your "
                "password?” on the sign-in page."
            )
        return email


def _username_for(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0])[:140] or "user"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def set_password_url(user: Any) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def send_invitation(user: Any, *, role: str, inviter: Any) -> None:
    context = {
        "site_name": settings.SITE_NAME,
        "person": user,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "role": ROLE_IN_A_SENTENCE[role],
        "needs_second_factor": role in roles.SUPERUSER_ONLY_GROUPS,
        "url": set_password_url(user),
        "sign_in_url": settings.SITE_URL + reverse("login"),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()


@transaction.atomic
def invite_person(*, email: str, first_name: str, last_name: str, role: str, by: Any) -> Any:
    """Make the account (no usable password yet), give it its role, log it, send the link."""
    if not roles.may_change_membership(by, role):
        raise PermissionDenied("Only a site administrator can invite board members or editors.")
    user = User(
        username=_username_for(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == roles.EDITORS,
    )
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    user.groups.add(Group.objects.get(name=role))
    record_role_changes(
        user=user, before=frozenset(), after=role_snapshot(user), by=by, via="invitation"
    )
    transaction.on_commit(lambda: send_invitation(user, role=role, inviter=by))
    return user


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    if not roles.is_editor(request.user):
        raise PermissionDenied("Only editors invite people.")
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        user = invite_person(**form.cleaned_data, by=request.user)
        messages.success(
            request,
            f"Invitation sent to {user.email}. They choose their own password from the "
            "link in the email.",
        )
        return redirect("invite")
    return render(request, "account/invite.html", {"form": form})
