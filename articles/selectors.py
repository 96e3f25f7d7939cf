"""What the working lists (queue, desk, publishing) select, in a constant number of queries.

Per-article rules live in `articles.rules`; a list of hundreds of articles cannot ask them
row by row. The queries here compute the same answers for a whole page at once, and
tests/test_selectors.py checks them against `rules` for every person on a fixture.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import (
    Article,
    Comment,
    Publication,
    PublicationReference,
    Review,
    ReviewAssignment,
    ReviewRound,
    State,
    WorkflowEvent,
)
from references.models import Citation, Reference

# An open round waiting longer than this is overdue (until review assignments carry their
# own due dates, which will replace this rule in `overdue_q`).
REVIEW_DAYS = 14


def contributed_article_ids(user: Any, among: Iterable[int] | None = None) -> set[int]:
    """Ids of the articles `user` contributed to, as `rules.is_contributor` defines it.

    An author now, anyone who saved an edit, anyone ever on the byline (the authors'
    history). One query; `among` limits it to the articles a page shows.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    authors = Article.authors.through.objects.filter(user=user).values_list("article_id", flat=True)
    editors = WorkflowEvent.objects.filter(actor=user, transition="edit").values_list(
        "article_id", flat=True
    )
    former = Article.history.filter(historicalarticle_authors__user=user).values_list(
        "id", flat=True
    )
    if among is not None:
        ids = list(among)
        if not ids:
            return set()
        authors = authors.filter(article_id__in=ids)
        editors = editors.filter(article_id__in=ids)
        former = former.filter(id__in=ids)
    return set(authors.order_by().union(editors.order_by(), former.order_by()))


def in_open_round_ids(user: Any) -> set[int]:
    """Articles whose open round `user` is part of: they are assigned to it (invited or
    accepted), started it, decided or commented.

    "Mine" on the queue: one query, a small set, used as a literal filter so the queue's
    counts stay simple for the planner.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    open_rounds = ReviewRound.objects.filter(outcome=ReviewRound.Outcome.OPEN)
    started = open_rounds.filter(started_by=user).values_list("article_id", flat=True)
    decided = Review.objects.filter(
        round__outcome=ReviewRound.Outcome.OPEN, reviewer=user
    ).values_list("round__article_id", flat=True)
    commented = Comment.objects.filter(
        round__outcome=ReviewRound.Outcome.OPEN, author=user
    ).values_list("article_id", flat=True)
    assigned = (
        ReviewAssignment.objects.active()
        .filter(round__outcome=ReviewRound.Outcome.OPEN, reviewer=user)
        .values_list("round__article_id", flat=True)
    )
    return set(
        started.order_by().union(decided.order_by(), commented.order_by(), assigned.order_by())
    )


def lists_state() -> tuple[Any, ...]:
    """What the working lists' counts depend on besides the person, the filters and the
    time, in one small query: the latest workflow event (every change to an article, its
    rounds, reviews, assignments and publications writes one; its time too, as an id can be
    used again after a rollback on SQLite) and the latest change of a reference's status
    (a retraction or a notice found by the evidence check is nobody's workflow action)."""
    events = connection.ops.quote_name(WorkflowEvent._meta.db_table)
    references = connection.ops.quote_name(Reference._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {events} ORDER BY id DESC LIMIT 1),"  # noqa: S608
            f" (SELECT created_at FROM {events} ORDER BY id DESC LIMIT 1),"
            f" (SELECT MAX(status_changed_at) FROM {references})"
        )
        return tuple(cursor.fetchone() or ())


def unassigned_q() -> Q:
    """Submitted, nobody has started the review, and no one is invited or has accepted it."""
    assigned = (
        ReviewAssignment.objects.active()
        .filter(round__outcome=ReviewRound.Outcome.OPEN)
        .values("round__article_id")
    )
    return Q(state=State.SUBMITTED) & ~Q(pk__in=assigned)


def cites_retracted_q() -> Q:
    return Q(
        pk__in=Citation.objects.filter(
            reference__retraction_status=Reference.RetractionStatus.RETRACTED
        ).values("article_id")
    )


def review_due_q(on: datetime.date) -> Q:
    """Published and past the re-review date, or citing a retracted reference.

    The condition of `Article.objects.review_due`, written with uncorrelated subqueries
    that PostgreSQL hashes once, instead of one EXISTS per article: the queue counts over
    every live article (tests/test_selectors.py checks that both agree).
    """
    past_date = Publication.objects.filter(next_review_due__lte=on).values("pk")
    return Q(state=State.PUBLISHED) & (Q(current_publication__in=past_date) | cites_retracted_q())


def evidence_flagged_q() -> Q:
    """Live, and a concern or correction found after its publication went live is waiting
    for the board's answer (`Article.has_evidence_flag`, for a page of rows at once)."""
    flagged = PublicationReference.objects.flagged().values("publication_id")
    return ~Q(state=State.ARCHIVED) & Q(current_publication__in=flagged)


def overdue_q(on: datetime.date | None = None) -> Q:
    """Waiting on the board too long: an open round older than REVIEW_DAYS, or a re-review due."""
    today = on or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=REVIEW_DAYS)
    stale = ReviewRound.objects.filter(
        outcome=ReviewRound.Outcome.OPEN, opened_at__lt=since
    ).values("article_id")
    return Q(pk__in=stale) | review_due_q(today)


def open_round_field(name: str) -> Subquery:
    """One column of the article's open round, as a correlated subquery."""
    return Subquery(
        ReviewRound.objects.filter(article=OuterRef("pk"), outcome=ReviewRound.Outcome.OPEN)
        .order_by()  # the model's ordering would join the article again
        .values(name)[:1]
    )


def latest_round_field(name: str) -> Subquery:
    return Subquery(
        ReviewRound.objects.filter(article=OuterRef("pk")).order_by("-number").values(name)[:1]
    )


def open_approvals() -> Coalesce:
    """How many distinct board members approved the open round's revision."""
    approvals = (
        Review.objects.filter(
            round__article=OuterRef("pk"),
            round__outcome=ReviewRound.Outcome.OPEN,
            decision=Review.Decision.APPROVE,
        )
        .order_by()
        .values("round__article")
        .annotate(n=Count("reviewer", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(approvals, output_field=IntegerField()), 0)


def matching(queryset: QuerySet[Article], filters: dict[str, str]) -> QuerySet[Article]:
    """The list filters every working page offers: words of the title, the audience."""
    text = (filters.get("q") or "").replace("\x00", "").strip()
    if text:
        queryset = queryset.filter(title__icontains=text)
    if filters.get("audience"):
        queryset = queryset.filter(audience=filters["audience"])
    return queryset
