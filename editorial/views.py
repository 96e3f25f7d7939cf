"""The editorial policy and the board. (Foundation version; the public-site work replaces it.)"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from editorial.models import EditorialPolicy


def policy(request: HttpRequest, version: int | None = None) -> HttpResponse:
    if version is None:
        found = EditorialPolicy.objects.current()
        if found is None:
            raise Http404("No editorial policy is in effect yet.")
    else:
        found = get_object_or_404(EditorialPolicy, version=version)
    return HttpResponse(found.body, content_type="text/plain")


def board(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Board")
