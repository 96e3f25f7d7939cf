"""How django-allauth fits this site: no public sign-up, people land where their work is."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from editorial import roles


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People are invited by an editor (editorial/accounts/invitations.py).
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # A safe ?next= wins before this is asked (allauth checks it against ALLOWED_HOSTS).
        return roles.home_url(request.user)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = {"site_name": settings.SITE_NAME, **context}
        super().send_mail(template_prefix, email, context)
