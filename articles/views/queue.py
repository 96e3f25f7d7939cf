"""The board's queue, /review/: what needs this reviewer first, then everything waiting.

Every article appears in one section at most. Who may review what is decided by
`articles.rules`; for a page of rows at once the queue uses `articles.selectors`, which
computes the same answer in one query.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
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
    PublicationReference,
    ReviewRound,
    State,
)
from articles.views import assignments, common, evidence
from articles.views.listing import SectionSpec, build_sections, count_sections, read_listing
from editorial import roles

RECENTLY_DECIDED_DAYS = 30
T = TypeVar("T")
# How long the queue keeps an answer at most (see _kept); any workflow event or change of a
# reference's status makes a new one at once.
KEPT_SECONDS = 300
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
    # What the kept answers below depend on, besides what each names (one small query).
    state = selectors.lists_state()
    mine_ids = _kept(("mine", user.pk, state), lambda: selectors.in_open_round_ids(user))
    mine = Q(pk__in=mine_ids)
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

    def narrow(queryset: Any, *, due_section: bool = False) -> Any:
        """The person's filters, the same for the counts and every section's rows (in the
        "due" section, whose articles are all overdue, "Overdue" has nothing to narrow)."""
        queryset = selectors.matching(queryset, listing.filters)
        match listing.filters["show"]:
            case "mine":
                queryset = queryset.filter(mine)
            case "unassigned":
                queryset = queryset.filter(selectors.unassigned_q())
            case "overdue" if not due_section:
                queryset = queryset.filter(selectors.overdue_q(today))
        return queryset

    def count() -> dict[str, int]:
        base = narrow(Article.objects.filter(active | due | flagged | decided_recently))
        return count_sections(base, specs)

    columns = ("pk", "title", "slug", "state", "revision", "audience", "current_publication")
    # Each section's condition implies the base's: its rows need only the person's filters.
    # Built only for the sections shown with rows (each a function).
    rows = narrow(Article.objects.all()).only(*columns)

    def in_review(condition: Q) -> Any:
        return (
            rows.filter(condition)
            .annotate(
                open_approvals=selectors.open_approvals(),
                in_review_since=selectors.open_round_field("started_at"),
            )
            .order_by(F("in_review_since").asc(nulls_last=True), "pk")
        )

    rows_for = {
        "mine": lambda: in_review(specs[0].condition).annotate(
            waiting_since=selectors.open_round_field("opened_at")
        ),
        "waiting": lambda: (
            rows.filter(specs[1].condition)
            .annotate(waiting_since=selectors.open_round_field("opened_at"))
            .order_by(F("waiting_since").asc(nulls_last=True), "pk")
        ),
        "in_review": lambda: in_review(specs[2].condition),
        "due": lambda: _due_rows(
            narrow(Article.objects.all(), due_section=True).only(*columns), today
        ),
        "flagged": lambda: (
            rows.filter(flagged)
            .annotate(flag_found_at=_first_flag_found())
            .order_by(F("flag_found_at").asc(nulls_last=True), "pk")
        ),
        "decided": lambda: (
            rows.filter(specs[5].condition)
            .annotate(
                decided_at=_decided_round("closed_at"),
                decided_outcome=_decided_round("outcome"),
                decided_round=_decided_round("number"),
            )
            .order_by(F("decided_at").desc(nulls_last=True), "pk")
        ),
    }
    # The counts also change with time alone (what turns overdue, or leaves "Recently
    # decided"): they are counted again each minute.
    minute = timezone.now().replace(second=0, microsecond=0)
    counts = _kept(
        ("counts", state, minute, sorted(mine_ids), sorted(listing.filters.items())), count
    )
    sections = build_sections(listing, specs, rows_for, counts)
    shown = [article for section in sections for article in section.rows]
    _annotate_contributed(shown, user, state)
    # Only "Waiting for a reviewer" names the authors.
    prefetch_related_objects(
        next(s.rows for s in sections if s.key == "waiting"), common.authors_by_name()
    )
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


class _OneAfterTheOther:
    """Two ordered querysets read as one list, every row of the first before the second's,
    sliced without counting either unless a page starts past the end of the first."""

    def __init__(self, first: QuerySet[Article], second: QuerySet[Article]) -> None:
        self.first, self.second = first, second

    def __getitem__(self, page: slice) -> list[Article]:
        start, stop = page.start or 0, page.stop
        found = list(self.first[start:stop])
        if len(found) == stop - start:
            return found
        # Where the page starts in the second: just after the first's last row, if this
        # page holds any; otherwise as far past the first's end as the page starts.
        skip = 0 if found else start - self.first.count()
        return found + list(self.second[skip : skip + stop - start - len(found)])


def _due_rows(rows: QuerySet[Article], today: datetime.date) -> _OneAfterTheOther:
    """ "Re-review due", most overdue first: every article past its re-review date comes
    before those due only for citing a retracted reference (their dates are still to
    come), so the first are read in date order from the publications' index
    (`publication_review_due_idx`: date, id), a page at a time, instead of sorting every
    due article; the second are few. The live publication's columns come by a join."""
    published = rows.filter(state=State.PUBLISHED).annotate(
        cites_retracted=ExpressionWrapper(selectors.cites_retracted_q(), BooleanField()),
        review_due_on=F("current_publication__next_review_due"),
        last_approved=F("current_publication__approved_at"),
    )
    past_date = Q(current_publication__next_review_due__lte=today)
    order = ("review_due_on", "current_publication_id")
    return _OneAfterTheOther(
        published.filter(past_date).order_by(*order),
        published.filter(selectors.cites_retracted_q()).exclude(past_date).order_by(*order),
    )


def _kept(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`'s answer as last computed for the same key, for up to KEPT_SECONDS.

    Every key holds `selectors.lists_state()`, which every workflow event and every change
    of a reference's status moves: an answer built from articles, rounds, reviews,
    comments, assignments, publications and references is never kept past a change to
    them. The queue's costliest queries (the counts over every active and live article,
    the person's "Needs you", who contributed to the rows) are then read once per change.
    """
    name = "queue:" + hashlib.sha256(repr(key).encode()).hexdigest()
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, KEPT_SECONDS)
    return value


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
    whether this person may answer them (`rules.may_review`, read as `_annotate_contributed`
    set `i_contributed`)."""
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


def _annotate_contributed(articles: list[Article], user: Any, state: tuple[Any, ...]) -> None:
    """Whether this reviewer contributed to each row (one query, kept: authors, edits and
    bylines change by workflow events only)."""
    ids = [a.pk for a in articles]
    contributed = _kept(
        ("contributed", user.pk, state, ids),
        lambda: selectors.contributed_article_ids(user, among=ids),
    )
    for article in articles:
        article.i_contributed = article.pk in contributed
