"""Each person's notification settings: which optional kinds of email they get."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from articles import notifications
from articles.models import NotificationOptOut


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Turn optional emails on or off; those the workflow needs are listed, always on."""
    user = request.user
    assert user.is_authenticated  # @login_required
    optional = notifications.optional_kinds()
    if request.method == "POST":
        wanted = {kind for kind in request.POST.getlist("kinds") if kind in optional}
        with transaction.atomic():
            mine = NotificationOptOut.objects.filter(user=user)
            mine.filter(kind__in=wanted).delete()
            already_off = set(mine.values_list("kind", flat=True))
            NotificationOptOut.objects.bulk_create(
                NotificationOptOut(user=user, kind=kind)
                for kind in optional
                if kind not in wanted and kind not in already_off
            )
        messages.success(request, "Your notification settings are saved.")
        return redirect("articles:notification_settings")
    off = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return render(
        request,
        "articles/notification_settings.html",
        {
            "optional": [
                {"name": name, "kind": kind, "on": name not in off}
                for name, kind in optional.items()
            ],
            "required": [k for k in notifications.KINDS.values() if k.required],
        },
    )
