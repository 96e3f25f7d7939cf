"""The board's queue, /review/: what needs this reviewer first, then everything waiting.

Every article appears in one section at most. Who may review what is decided by
`articles.rules`; for a page of rows at once the queue uses `articles.selectors`, which
computes the same answer in one query.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from articles import selectors
from articles.models import (
    Article,
    Audience,
    Publication,
    PublicationReference,
    ReviewRound,
    State,
)
from articles.views import assignments, common, evidence
from articles.views.listing import SectionSpec, build_sections, read_listing
from editorial import roles

RECENTLY_DECIDED_DAYS = 30
DECIDED = (ReviewRound.Outcome.APPROVED, ReviewRound.Outcome.CHANGES_REQUESTED)
SHOW_CHOICES = (
    ("mine", "Assigned to me"),
    ("unassigned", "Unassigned"),
    ("overdue", "Overdue"),
)
SECTION_KEYS = ("mine", "waiting", "in_review", "due", "flagged", "decided")


def require_board_or_editor(user: Any) -> None:
    if not (roles.is_board_member(user) or roles.is_editor(user)):
        raise PermissionDenied("The review queue is for the Medical Advisory Board and editors.")


def _live_publication(name: str) -> Subquery:
    return Subquery(
        Publication.objects.filter(pk=OuterRef("current_publication_id"))
        .order_by()
        .values(name)[:1]
    )


def _decided_round(name: str) -> Subquery:
    """A column of the article's latest decided round (approved or changes requested)."""
    return Subquery(
        ReviewRound.objects.filter(article=OuterRef("pk"), outcome__in=DECIDED)
        .order_by("-closed_at")
        .values(name)[:1]
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_board_or_editor(user)
    today = timezone.localdate()
    listing = read_listing(
        request,
        {"q": (), "audience": tuple(Audience.values), "show": tuple(v for v, _ in SHOW_CHOICES)},
        SECTION_KEYS,
    )
    since = timezone.now() - datetime.timedelta(days=RECENTLY_DECIDED_DAYS)
    mine = Q(pk__in=selectors.in_open_round_ids(user))
    due = selectors.review_due_q(today)
    decided_recently = Q(
        pk__in=ReviewRound.objects.filter(outcome__in=DECIDED, closed_at__gte=since).values(
            "article_id"
        )
    )
    active = Q(state__in=[State.SUBMITTED, State.UNDER_REVIEW])
    # A flagged article already in review, or due for re-review, is listed there instead.
    flagged = selectors.evidence_flagged_q() & ~active & ~due
    specs = [
        # What this person was asked to review (answered or not) or is reviewing: each
        # article once, with their part in it, never also in "Waiting for a reviewer".
        SectionSpec(
            "mine",
            "Needs you",
            active & mine,
            "Nobody has asked you to review anything, and no review of yours is in progress.",
        ),
        SectionSpec(
            "waiting",
            "Waiting for a reviewer",
            Q(state=State.SUBMITTED) & ~mine,
            "Nothing is waiting.",
        ),
        SectionSpec(
            "in_review",
            "In review by others",
            Q(state=State.UNDER_REVIEW) & ~mine,
            "Nobody else has a review in progress.",
        ),
        SectionSpec(
            "due",
            "Re-review due",
            due,
            "No published article is past its re-review date or cites a retracted reference.",
        ),
        SectionSpec(
            "flagged",
            "Evidence flagged",
            flagged,
            "No expression of concern or correction found after publication is waiting "
            "for the board.",
        ),
        SectionSpec(
            "decided",
            "Recently decided",
            decided_recently & ~active & ~due & ~flagged,
            f"No decisions in the last {RECENTLY_DECIDED_DAYS} days.",
        ),
    ]

    def narrow(queryset: Any) -> Any:
        """The person's filters, the same for the counts and every section's rows."""
        queryset = selectors.matching(queryset, listing.filters)
        match listing.filters["show"]:
            case "mine":
                queryset = queryset.filter(mine)
            case "unassigned":
                queryset = queryset.filter(selectors.unassigned_q())
            case "overdue":
                queryset = queryset.filter(selectors.overdue_q(today))
        return queryset

    base = narrow(Article.objects.filter(active | due | flagged | decided_recently))
    columns = ("pk", "title", "slug", "state", "revision", "audience", "current_publication")
    # Each section's condition implies the base's: its rows need only the person's filters.
    rows = narrow(Article.objects.all()).only(*columns)
    in_review = rows.annotate(
        open_approvals=selectors.open_approvals(),
        in_review_since=selectors.open_round_field("started_at"),
    ).order_by(F("in_review_since").asc(nulls_last=True), "pk")
    rows_for = {
        "mine": in_review.filter(specs[0].condition).annotate(
            waiting_since=selectors.open_round_field("opened_at")
        ),
        "waiting": rows.filter(specs[1].condition)
        .annotate(waiting_since=selectors.open_round_field("opened_at"))
        .order_by(F("waiting_since").asc(nulls_last=True), "pk"),
        "in_review": in_review.filter(specs[2].condition),
        # The publication's columns by primary key, row by row: a join would scan the
        # whole (wide) publications table to sort on one date.
        "due": rows.filter(due)
        .annotate(
            cites_retracted=ExpressionWrapper(selectors.cites_retracted_q(), BooleanField()),
            review_due_on=_live_publication("next_review_due"),
            last_approved=_live_publication("approved_at"),
        )
        .order_by("review_due_on", "pk"),
        "flagged": rows.filter(flagged)
        .annotate(flag_found_at=_first_flag_found())
        .order_by(F("flag_found_at").asc(nulls_last=True), "pk"),
        "decided": rows.filter(specs[5].condition)
        .annotate(
            decided_at=_decided_round("closed_at"),
            decided_outcome=_decided_round("outcome"),
            decided_round=_decided_round("number"),
        )
        .order_by(F("decided_at").desc(nulls_last=True), "pk"),
    }
    sections = build_sections(listing, base, specs, rows_for)
    shown = [article for section in sections for article in section.rows]
    _annotate_people(shown, user)
    _annotate_flags(next(s.rows for s in sections if s.key == "flagged"), user)
    named = assignments.queue_context(user, shown)
    policy = common.current_policy()
    return render(
        request,
        "articles/queue.html",
        {
            "listing": listing,
            "sections": sections,
            "required": policy.required_approvals if policy else 1,
            "today": today,
            "decided_days": RECENTLY_DECIDED_DAYS,
            "audiences": Audience.choices,
            "show_choices": SHOW_CHOICES,
            "show_help": (
                "Assigned to me: reviews you are assigned to, started, decided or commented "
                "on. Unassigned: nobody is assigned or has started the review. Overdue: "
                "waiting over "
                f"{selectors.REVIEW_DAYS} days, or past the re-review date."
            ),
            "is_board": roles.is_board_member(user),
            **named,
        },
    )


def _first_flag_found() -> Subquery:
    """When the oldest unanswered notice of the live page was found: the longest waiting
    comes first."""
    return Subquery(
        PublicationReference.objects.flagged()
        .filter(publication=OuterRef("current_publication_id"))
        .order_by("reference__status_changed_at")
        .values("reference__status_changed_at")[:1]
    )


def _annotate_flags(articles: list[Article], user: Any) -> None:
    """Each flagged row's unanswered notices (which reference, what, when), one query, and
    whether this person may answer them (`rules.may_review`, as `_annotate_people` read it)."""
    if not articles:
        return
    by_publication: dict[int, list[PublicationReference]] = {}
    flags = (
        PublicationReference.objects.flagged()
        .filter(publication_id__in=[a.current_publication_id for a in articles])
        .select_related("reference")
        .order_by("number")
    )
    for flag in flags:
        by_publication.setdefault(flag.publication_id, []).append(flag)
    board = roles.is_board_member(user)
    for article in articles:
        article.evidence_flags = by_publication.get(article.current_publication_id or 0, [])
        article.may_dismiss = board and not article.i_contributed
        evidence.attach_forms(article.evidence_flags, prefix=f"flag-{article.pk}")


def _annotate_people(articles: list[Article], user: Any) -> None:
    """Authors of the rows (one query) and whether this reviewer contributed (one query)."""
    prefetch_related_objects(articles, "authors")
    contributed = selectors.contributed_article_ids(user, among=[a.pk for a in articles])
    for article in articles:
        article.i_contributed = article.pk in contributed
