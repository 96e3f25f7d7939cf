"""The author's desk. (Foundation version; the browser-UI work replaces it.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles import rules
from articles.models import Article


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.written_by(request.user)
    return render(request, "articles/desk.html", {"articles": articles})


@login_required
def new_article(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/desk.html", {"articles": []})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if not rules.may_view(article, request.user):
        return render(request, "404.html", status=404)
    return render(request, "articles/desk.html", {"articles": [article]})
