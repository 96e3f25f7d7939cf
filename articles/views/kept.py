"""Nothing typed is lost: a POST that cannot be accepted shows back what was sent.

Two cases reach here: a decision, comment or edit posted after the session ended (the
sign-in redirect would drop the body of the POST), and a form whose CSRF token went stale
because its author signed in again elsewhere (Django's CSRF failure view, see settings).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

NOT_TYPED = {"csrfmiddlewaretoken", "next", "action", "expected_revision"}
LABELS = {
    "title": "Title",
    "summary": "Summary",
    "body": "Body",
    "comment": "Comment",
    "conflict_of_interest": "Conflict of interest",
    "reason": "Reason",
    "at": "Publish at",
}


def kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The text fields a person filled in, labelled, in the order they were sent."""
    kept = []
    for name in request.POST:
        value = request.POST.get(name, "")
        if name in NOT_TYPED or name.startswith("lookup-") or not value.strip():
            continue
        kept.append((LABELS.get(name, name.replace("_", " ").capitalize()), value))
    return kept


def render_kept(request: HttpRequest, *, heading: str, reason: str, status: int) -> HttpResponse:
    return render(
        request,
        "kept_text.html",
        {"heading": heading, "reason": reason, "kept": kept_fields(request)},
        status=status,
    )


def keep_text_when_signed_out(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like @login_required, but a POST from someone signed out gets its text shown back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method != "POST":
            return redirect_to_login(request.get_full_path())
        return render_kept(
            request,
            heading="Not sent: you were signed out",
            reason=(
                "Your session ended before this reached us, so nothing was changed. Here is "
                "what you wrote: copy it, sign in, open the page again and paste it in."
            ),
            status=401,
        )

    return wrapper


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF failure view (settings.CSRF_FAILURE_VIEW), keeping the posted text."""
    return render_kept(
        request,
        heading="Not sent: this page had gone out of date",
        reason=(
            "For your security we refuse a form sent from a page opened before you last "
            "signed in or out, so nothing was changed. Here is what you wrote: copy it, "
            "reload the page and paste it in."
        ),
        status=403,
    )
