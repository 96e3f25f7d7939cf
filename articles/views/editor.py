"""The editors' pages: what is ready to publish, and the Publish and Archive actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import selectors, workflow
from articles.forms import ArchiveForm, PublishForm
from articles.models import Article, Audience, State
from articles.views import common
from articles.views.kept import keep_text_when_signed_out
from articles.views.listing import SectionSpec, build_sections, count_sections, read_listing
from articles.views.review import ARCHIVE_IDS, PUBLISH_IDS, decide
from editorial import roles

PUBLISHING_SECTIONS = ("ready", "scheduled", "published")


@login_required
def publishing(request: HttpRequest) -> HttpResponse:
    """Approved articles first (to publish now or schedule), then scheduled, then live."""
    if not roles.is_editor(request.user):
        raise PermissionDenied("Publishing is for editors.")
    listing = read_listing(
        request, {"q": (), "audience": tuple(Audience.values)}, PUBLISHING_SECTIONS
    )
    ready = Q(state=State.APPROVED, publish_at__isnull=True)
    scheduled = Q(state=State.APPROVED, publish_at__isnull=False)
    live = Q(current_publication__isnull=False) & ~Q(state=State.ARCHIVED)
    specs = [
        SectionSpec(
            "ready", "Approved, ready to publish", ready, "Nothing is waiting to be published."
        ),
        SectionSpec("scheduled", "Scheduled", scheduled, "Nothing is scheduled."),
        SectionSpec("published", "Live", live, "Nothing is live yet."),
    ]
    base = selectors.matching(Article.objects.all(), listing.filters)
    columns = ("pk", "title", "slug", "state", "revision", "audience", "publish_at", "updated_at")
    approved = base.only(*columns, "current_publication__id").select_related("current_publication")
    rows_for = {
        "ready": approved.filter(ready)
        .annotate(approved_at=selectors.latest_round_field("closed_at"))
        .order_by("updated_at", "pk"),
        "scheduled": approved.filter(scheduled)
        .select_related("publish_scheduled_by")
        .only(
            *columns,
            "publish_scheduled_by__first_name",
            "publish_scheduled_by__last_name",
            "publish_scheduled_by__username",
        )
        .order_by("publish_at", "pk"),
        "published": base.filter(live)
        .select_related("current_publication")
        .only(
            *columns,
            "current_publication__published_at",
            "current_publication__next_review_due",
        )
        .order_by("-current_publication__published_at", "-pk"),
    }
    counts = count_sections(base.filter(ready | scheduled | live), specs)
    sections = build_sections(listing, specs, rows_for, counts)
    prefetch_related_objects(sections[0].rows, common.authors_by_name())
    return render(
        request,
        "articles/publishing.html",
        {"listing": listing, "sections": sections, "audiences": Audience.choices},
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
        make_form=lambda article: PublishForm(request.POST, auto_id=PUBLISH_IDS),
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
