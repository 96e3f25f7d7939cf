"""The editors' pages: what is ready to publish, and the Publish and Archive actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import workflow
from articles.exceptions import WorkflowError
from articles.forms import ArchiveForm, PublishForm
from articles.models import Article, State
from articles.views import common
from articles.views.kept import keep_text_when_signed_out
from articles.views.review import ARCHIVE_IDS, PUBLISH_IDS, not_offered, review_page
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
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    refused = not_offered(article, request.user, "publish")
    if refused is not None:
        return review_page(request, article, refused=refused, status=400)
    form = PublishForm(request.POST, auto_id=PUBLISH_IDS)
    if not form.is_valid():
        return review_page(request, article, publish_form=form, status=400)
    at = form.cleaned_data["at"]
    if at is not None and at <= timezone.now():
        at = None  # A time already past means now.
    try:
        workflow.publish(article=article, by=request.user, at=at)
    except WorkflowError as refused:
        return review_page(request, article, publish_form=form, refused=refused, status=400)
    if at is not None:
        when = timezone.localtime(at).strftime("%B %-d, %Y at %H:%M %Z")
        messages.success(request, f"Scheduled: “{article.title}” goes live on {when}.")
    else:
        messages.success(request, f"Published: “{article.title}” is live for readers.")
    return redirect(article.get_review_url())


@keep_text_when_signed_out
@require_POST
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    refused = not_offered(article, request.user, "archive")
    if refused is not None:
        return review_page(request, article, refused=refused, status=400)
    form = ArchiveForm(request.POST, auto_id=ARCHIVE_IDS)
    if not form.is_valid():
        return review_page(request, article, archive_form=form, status=400)
    try:
        workflow.archive(article=article, by=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as refused:
        return review_page(request, article, archive_form=form, refused=refused, status=400)
    messages.success(request, f"Archived: “{article.title}” is no longer shown to readers.")
    return redirect(article.get_review_url())
