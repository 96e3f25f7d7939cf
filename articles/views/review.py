"""The board's queue. (Foundation version; the browser-UI work replaces it.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/desk.html", {"articles": Article.objects.in_review()})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(request, "articles/desk.html", {"articles": [article]})
