"""What readers see. (Foundation version; the public-site work replaces it.)"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from articles.models import Article


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/desk.html", {"articles": Article.objects.live()})


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = Article.objects.live().filter(slug=slug).select_related("current_publication").first()
    if found is None:
        raise Http404("No such article.")
    return HttpResponse(found.current_publication.body_html)
