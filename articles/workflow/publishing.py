"""Taking an article live, and out: publish (now or scheduled), revise, archive.

Publishing writes an immutable Publication of exactly what the board approved. No one takes
an article live alone: the person who publishes is never the only approver of the revision.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles import checks, notifications, rules
from articles.exceptions import WorkflowError
from articles.models import (
    Article,
    Publication,
    PublicationKind,
    PublicationReference,
    Review,
    ReviewRound,
)
from articles.rendering import RenderedArticle, render_article
from articles.workflow.frame import (
    acting,
    clean_text,
    current_policy,
    record,
    require_conditions,
)
from articles.workflow.rounds import close_round
from editorial.dates import add_months
from references.models import Citation

# A "Publish at" passed this recently (a minute-precision field filled in for "now") is now.
NOW_TOLERANCE = datetime.timedelta(minutes=2)
CHANGE_NOTE_MAX_LENGTH = Publication._meta.get_field("change_note").max_length or 300


def when_to_publish(
    at: datetime.datetime | None, now: datetime.datetime
) -> datetime.datetime | None:
    """None to publish now, or the future time to schedule. The one place that decides it.

    An empty time means now; a future time schedules; a time passed within NOW_TOLERANCE
    (the current minute, as a minute-precision field gives it) means now; a time further in
    the past is refused, never taken as "now", since the person meant some other moment.
    """
    if at is None or now - NOW_TOLERANCE <= at <= now:
        return None
    if at < now:
        shown = timezone.localtime(at).strftime("%d %b %Y %H:%M %Z")
        raise WorkflowError(
            f"“Publish at” {shown} has passed. Leave it empty to publish now, or choose a "
            "time in the future."
        )
    return at


def approved_round(article: Article) -> ReviewRound:
    review_round = (
        article.rounds.filter(outcome=ReviewRound.Outcome.APPROVED).order_by("-number").first()
    )
    if review_round is None or review_round.revision != article.revision:
        raise WorkflowError("The approved revision is missing; the article must be reviewed again.")
    return review_round


def approvers_of(review_round: ReviewRound) -> list[Any]:
    reviews = review_round.reviews.filter(decision=Review.Decision.APPROVE)
    return [review.reviewer for review in reviews.select_related("reviewer")]


def require_four_eyes(article: Article, by: Any) -> None:
    """The publisher is never the only approver of the revision going live."""
    if not rules.may_take_live(approvers_of(approved_round(article)), by):
        raise WorkflowError(
            "You are the only board member who approved this revision, so another editor "
            "must publish it: no one takes an article live alone."
        )


def publish(
    *,
    article: Article,
    by: Any,
    at: datetime.datetime | None = None,
    comment: str = "",
    change_note: str | None = None,
    is_correction: bool | None = None,
) -> Article:
    """approved → published, now; or, with a future `at`, schedule it for then.

    Publishing writes an immutable Publication of the approved revision, with the public
    `change_note` ("what changed") readers see in its Page history, `is_correction` when the
    change fixes an error. A scheduled publication is carried out by `manage.py
    publish_scheduled`, which calls this again as the editor who scheduled it, with the
    note given when it was scheduled.
    """
    now = timezone.now()
    at = when_to_publish(at, now)
    comment = clean_text(comment)
    if change_note is not None and len(change_note.strip()) > CHANGE_NOTE_MAX_LENGTH:
        raise WorkflowError(
            f"Keep the change note to {CHANGE_NOTE_MAX_LENGTH} characters: readers see it "
            "in the Page history."
        )
    with acting(article, "publish", by=by, may=rules.may_manage) as locked:
        require_four_eyes(locked, by)
        if change_note is None:
            change_note = locked.scheduled_change_note
        if is_correction is None:
            is_correction = locked.scheduled_is_correction
        change_note = clean_text(change_note)
        if is_correction and not change_note:
            raise WorkflowError(
                "Say what was corrected: a correction is shown to readers with its note."
            )
        live = locked.current_publication
        if live is not None and live.revision != locked.revision and not change_note:
            raise WorkflowError("Say what changed: readers see this note in the page's history.")
        if at is not None:
            locked.publish_at, locked.publish_scheduled_by = at, by
            locked.scheduled_change_note = change_note
            locked.scheduled_is_correction = bool(is_correction)
            when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")
            record(
                locked,
                "schedule_publication",
                by=by,
                comment=f"to go live at {when}. {comment}".strip(),
                transition=False,
            )
        else:
            # A reference retracted since the approval must not go live with it.
            require_conditions(checks.approval_problems(locked), "published")
            _write_publication(
                locked,
                by=by,
                now=now,
                change_note=change_note,
                is_correction=bool(is_correction),
            )
            locked.publish_at, locked.publish_scheduled_by = None, None
            locked.scheduled_change_note, locked.scheduled_is_correction = "", False
            record(locked, "publish", by=by, comment=comment)
            notifications.published(locked)
    return locked


def publish_due(
    *, now: datetime.datetime | None = None
) -> tuple[list[Article], list[tuple[int, WorkflowError]]]:
    """Publish every approved article whose scheduled time has come. Safe to run anywhere.

    Rows another process is already publishing are skipped (SKIP LOCKED); each article is
    published in its own transaction, and `publish` re-checks the state under the lock,
    so running this twice at once publishes each article once. Returns what was published
    and what was refused (e.g. the scheduling editor has since lost the Editors role).
    """
    now = now or timezone.now()
    published, refused = [], []
    for pk in list(Article.objects.due_for_publication(now).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                # of=("self",): lock the article row only; PostgreSQL refuses FOR UPDATE on
                # the nullable side of the outer join that select_related adds.
                row = (
                    Article.objects.select_for_update(skip_locked=True, of=("self",))
                    .due_for_publication(now)
                    .filter(pk=pk)
                    .select_related("publish_scheduled_by")
                    .first()
                )
                if row is None:
                    continue
                published.append(
                    publish(article=row, by=row.publish_scheduled_by, comment="scheduled")
                )
        except WorkflowError as error:
            refused.append((pk, error))
    return published, refused


def publication_kind(previous: Publication | None, revision: int, is_correction: bool) -> str:
    if previous is None:
        return PublicationKind.FIRST
    if is_correction:
        return PublicationKind.CORRECTION
    if previous.revision == revision:
        return PublicationKind.REREVIEW
    return PublicationKind.UPDATE


def _write_publication(
    article: Article,
    *,
    by: Any,
    now: datetime.datetime,
    change_note: str,
    is_correction: bool,
) -> Publication:
    review_round = approved_round(article)
    approved_at = review_round.closed_at or now
    previous = article.current_publication
    content_approved_at = approved_at
    if previous is not None and previous.revision == article.revision:
        # A re-review of unchanged content: the content date stays, the review date moves.
        content_approved_at = previous.content_approved_at
    policy = review_round.policy or current_policy()
    rendered = (
        RenderedArticle(**review_round.approved_rendering)
        if review_round.approved_rendering
        else render_article(article)
    )
    number = (article.publications.aggregate(n=Max("number"))["n"] or 0) + 1
    kind = publication_kind(previous, article.revision, is_correction)
    entry = {
        "number": number,
        "published_at": now.isoformat(),
        "kind": kind,
        "note": change_note,
    }
    earlier = list(previous.page_history) if previous is not None else []
    publication = Publication.objects.create(
        article=article,
        number=number,
        title=article.title,
        summary=article.summary,
        body_html=rendered.body_html,
        references_html=rendered.references_html,
        citations=rendered.citations,
        revision=article.revision,
        review_round=review_round,
        approved_at=approved_at,
        content_approved_at=content_approved_at,
        policy=policy,
        next_review_due=add_months(timezone.localdate(approved_at), policy.review_interval_months),
        published_at=now,
        published_by=by,  # an editor: publish() has checked rules.may_manage
        audience=article.audience,
        subject=article.subject,
        author_names=[notifications.name_of(user) for user in article.authors.all()],
        change_note=change_note,
        is_correction=is_correction,
        kind=kind,
        page_history=[entry, *earlier],
        corrected_at=now if is_correction else getattr(previous, "corrected_at", None),
    )
    publication.approvers.set(approvers_of(review_round))
    # The approved revision's citation rows: content cannot change once approved.
    PublicationReference.objects.bulk_create(
        PublicationReference(publication=publication, reference_id=reference_id, number=number)
        for number, reference_id in Citation.objects.filter(article=article).values_list(
            "number", "reference_id"
        )
    )
    article.current_publication = publication
    return publication


def _approvers_to_tell(article: Article) -> list[Any]:
    """Who approved what readers saw (or, never published, the last approved round)."""
    if article.current_publication is not None:
        return list(article.current_publication.approvers.all())
    review_round = (
        article.rounds.filter(outcome=ReviewRound.Outcome.APPROVED).order_by("-number").first()
    )
    return approvers_of(review_round) if review_round else []


def revise(*, article: Article, by: Any, comment: str = "") -> Article:
    """published → draft: a new cycle; the live publication stays up meanwhile."""
    with acting(article, "revise", by=by, may=rules.may_edit) as locked:
        record(locked, "revise", by=by, comment=comment)
    return locked


def archive(*, article: Article, by: Any, reason: str) -> Article:
    """any but archived → archived: the public page answers 410 Gone with a notice."""
    reason = clean_text(reason)
    with acting(article, "archive", by=by, may=rules.may_manage) as locked:
        if not reason:
            raise WorkflowError("Give a reason for archiving; readers and the team will see it.")
        close_round(locked, ReviewRound.Outcome.ARCHIVED)
        locked.archived_reason = reason
        locked.publish_at, locked.publish_scheduled_by = None, None
        record(locked, "archive", by=by, comment=reason)
        notifications.archived(locked, _approvers_to_tell(locked))
    return locked
