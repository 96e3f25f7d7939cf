"""The editors' pages: what is ready to publish, and the Publish and Archive actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import workflow
from articles.forms import ArchiveForm, PublishForm
from articles.models import Article, State
from articles.views.kept import keep_text_when_signed_out
from articles.views.review import ARCHIVE_IDS, PUBLISH_IDS, decide
from editorial import roles

RECENTLY_PUBLISHED = 15


@login_required
def publishing(request: HttpRequest) -> HttpResponse:
    if not roles.is_editor(request.user):
        raise PermissionDenied("Publishing is for editors.")
    approved = list(
        Article.objects.filter(state=State.APPROVED)
        .select_related("publish_scheduled_by", "current_publication")
        .prefetch_related("authors")
        .order_by("publish_at", "updated_at")
    )
    published = list(
        Article.objects.live()
        .select_related("current_publication")
        .order_by("-current_publication__published_at")[:RECENTLY_PUBLISHED]
    )
    return render(
        request,
        "articles/publishing.html",
        {
            "ready": [a for a in approved if not a.publish_at],
            "scheduled": [a for a in approved if a.publish_at],
            "published": published,
            "form": PublishForm(),
        },
    )


@keep_text_when_signed_out
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    def act(article: Article, data: dict[str, Any]) -> str:
        workflow.publish(
            article=article,
            by=request.user,
            at=data["at"],
            change_note=data.get("change_note", ""),
            is_correction=data.get("is_correction", False),
        )
        if article.state == State.PUBLISHED:
            return f"Published: “{article.title}” is live for readers."
        when = timezone.localtime(article.publish_at).strftime("%B %-d, %Y at %H:%M %Z")
        return f"Scheduled: “{article.title}” goes live on {when}."

    return decide(
        request,
        pk,
        action="publish",
        form_name="publish_form",
        make_form=lambda article: PublishForm(request.POST, auto_id=PUBLISH_IDS, article=article),
        act=act,
    )


@keep_text_when_signed_out
@require_POST
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    def act(article: Article, data: dict[str, Any]) -> str:
        workflow.archive(article=article, by=request.user, reason=data["reason"])
        return f"Archived: “{article.title}” is no longer shown to readers."

    return decide(
        request,
        pk,
        action="archive",
        form_name="archive_form",
        make_form=lambda article: ArchiveForm(request.POST, auto_id=ARCHIVE_IDS),
        act=act,
    )
