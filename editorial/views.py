"""The editorial policy (current and each version) and the Medical Advisory Board."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from articles.rendering import render_markdown
from articles.views.public import LIST_CACHE, cache_publicly, render_public
from editorial import roles
from editorial.models import BoardProfile, EditorialPolicy


def policy(request: HttpRequest, version: int | None = None) -> HttpResponse:
    current = EditorialPolicy.objects.current()
    if version is None:
        if current is None:
            raise Http404("No editorial policy is in effect yet.")
        shown = current
    else:
        shown = get_object_or_404(EditorialPolicy, version=version)
    response = render_public(
        request,
        "editorial/policy.html",
        {
            "policy": shown,
            "current": current,
            "body_html": render_markdown(shown.body),
            "versions": EditorialPolicy.objects.order_by("-effective_date", "-version"),
        },
    )
    cache_publicly(request, response, **LIST_CACHE)
    return response


def board(request: HttpRequest) -> HttpResponse:
    members = (
        BoardProfile.objects.filter(user__is_active=True, user__groups__name=roles.BOARD)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    response = render_public(request, "editorial/board.html", {"members": members})
    cache_publicly(request, response, **LIST_CACHE)
    return response
