"""Nothing typed is lost: a POST that cannot be accepted shows back what was sent.

The cases that reach here: a decision, comment or edit posted after the session ended (the
sign-in redirect would drop the body of the POST); a form whose CSRF token went stale because
its author signed in again elsewhere (Django's CSRF failure view, see settings); a server
error while saving (handler500); and a form larger than the site accepts (handler400).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.views import defaults

logger = logging.getLogger(__name__)

NOT_TYPED = {
    "csrfmiddlewaretoken",
    "next",
    "action",
    "expected_revision",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "code",
}
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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a server error while saving shows the person what they sent.

    Renders with as little as possible (the database may be what failed), and falls back to
    a bare page if even that fails: the text must reach the person.
    """
    kept: list[tuple[str, str]] = []
    if request.method == "POST" and getattr(request, "user", None) is not None:
        try:
            kept = kept_fields(request) if request.user.is_authenticated else []
        except Exception:  # the request body itself may be what failed
            logger.exception("Could not read the POST that failed")
    if not kept:
        return defaults.server_error(request)
    context = {
        "heading": "Not saved: something went wrong on our side",
        "reason": (
            "The error has been logged and nothing was changed. Here is what you wrote: copy "
            "it, open the page again and paste it in, or try again in a minute."
        ),
        "kept": kept,
        "SITE_NAME": getattr(settings, "SITE_NAME", ""),
    }
    try:
        return HttpResponse(render_to_string("kept_text.html", context), status=500)
    except Exception:
        logger.exception("The kept-text page failed; sending the bare text")
        rows = format_html_join("", "<h2>{}</h2><pre>{}</pre>", kept)
        page = format_html(
            "<!doctype html><title>Not saved</title><h1>{}</h1><p>{}</p>{}",
            context["heading"],
            context["reason"],
            rows,
        )
        return HttpResponse(page, status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a form too large to read is refused with the exact limit, not silently."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return render(
            request,
            "kept_text.html",
            {
                "heading": "Not saved: what you sent is too large",
                "reason": (
                    f"This site accepts at most {limit / 1_000_000:.1f} MB in one form, and "
                    "an article body of at most 500,000 characters, so nothing was changed. "
                    "Your text is still in the page you came from: go back with your browser, "
                    "shorten it or split it into two articles, and save again."
                ),
                "kept": [],
                "too_large": True,
            },
            status=400,
        )
    return defaults.bad_request(request, exception)
