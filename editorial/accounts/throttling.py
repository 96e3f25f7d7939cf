"""Failed sign-ins, counted by django-axes in the database (per account and per address).

Once an account or an address reaches the limit, the next attempt is refused before the
password is looked at, and the person is told when they may try again.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from axes.helpers import get_cool_off
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """The address allauth's rate limits use too (TRUSTED_PROXY_COUNT behind a proxy)."""
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:  # no address at all: a request made up in code (force_login)
        return None


def attempted_account(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for, the same whether it was typed as name or email.

    allauth passes `username` or `email` to authenticate(); the form field is `login`.
    """
    typed = ""
    if credentials:
        typed = credentials.get("username") or credentials.get("email") or ""
    if not typed and request is not None and hasattr(request, "POST"):
        typed = request.POST.get("login", "")
    typed = str(typed).strip()
    field = "email__iexact" if "@" in typed else "username__iexact"
    found = get_user_model().objects.filter(**{field: typed}).values_list("username", flat=True)
    return (found.first() or typed).lower()


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    # Every refused attempt starts the wait again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    retry_at = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "account/locked_out.html",
        {"retry_at": retry_at, "minutes": minutes},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
