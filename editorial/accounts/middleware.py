"""Two rules every request passes through.

- A board member, editor or admin user without a second factor may do nothing but set one
  up (when settings.MFA_REQUIRED): pages send them to the set-up page, and any POST (a
  decision, a crafted request, an admin form) is refused with its text shown back.
- Working pages carry a Permissions-Policy and are never stored by a cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from articles.views.kept import kept_fields
from articles.views.public import is_anonymous
from editorial import roles

# Signing in and out, setting up the second factor, passwords (allauth's pages; not the
# invitation page). Static files are answered by whitenoise before this runs.
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/password/",
)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def signed_in(request: HttpRequest) -> bool:
    # Checks the session cookie before the session: reading it for an anonymous request
    # would add "Vary: Cookie" to answers caches share (the public pages, the feed).
    return not is_anonymous(request)


def lacks_required_second_factor(user: Any) -> bool:
    return settings.MFA_REQUIRED and roles.needs_second_factor(user) and not has_second_factor(user)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MFA_REQUIRED
            and not request.path.startswith(OPEN_PREFIXES)
            and signed_in(request)
            and lacks_required_second_factor(request.user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            messages.info(
                request,
                "Set up two-factor authentication (an authenticator app or a security key) "
                "before you review, publish or use the admin.",
            )
            setup = reverse("mfa_index")
            return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
        return render(
            request,
            "account/kept_until_second_factor.html",
            {
                "heading": "Not sent: set up two-factor authentication first",
                "reason": (
                    "Board members and editors need a second factor before they can approve, "
                    "request changes, publish or use the admin, so nothing was changed. Here "
                    "is what you wrote: copy it, set up two-factor authentication, then open "
                    "the page again and paste it in."
                ),
                "kept": kept_fields(request),
            },
            status=403,
        )


class WorkingPageHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # The public pages set their own caching (articles/views/public.py); anything else a
        # signed-in person sees, or any page holding a CSRF token, stays out of every cache.
        if "Cache-Control" not in response and (
            request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or request.META.get("CSRF_COOKIE_USED")
            or signed_in(request)
        ):
            response["Cache-Control"] = "private, no-store"
        return response
