"""Every change to an article goes through one function here; nothing else changes its state.

Each action: takes the article's row lock inside a transaction, checks who is acting and
the state with a message a person can act on, checks its conditions (articles.checks),
performs the @transition declared on the model, records the event and the history row
(who and why), and queues its emails for after the commit. Views, the admin and
management commands all call these functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from articles import checks, notifications, rules
from articles.exceptions import EditConflict, WorkflowError
from articles.models import (
    EDITABLE_STATES,
    Article,
    Comment,
    Publication,
    Review,
    ReviewRound,
    State,
    WorkflowEvent,
)
from articles.rendering import RenderedArticle, render_article
from editorial.dates import add_months
from editorial.history import change_reason
from editorial.models import EditorialPolicy

TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length
BODY_MAX_LENGTH = 500_000


# --- shared machinery --------------------------------------------------------------------


def _lock(article: Article) -> Article:
    """The article's row, locked until the transaction ends, with fresh values."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _sync(target: Article, source: Article) -> None:
    """Give the caller's instance the committed values, so it does not go stale."""
    if target is not source:
        target.refresh_from_db()


def _require_permission(article: Article, name: str, user: Any, allowed: bool) -> None:
    if not allowed:
        raise WorkflowError(rules.PERMISSION_MESSAGES[name])


def _require_state(article: Article, name: str) -> None:
    meta = getattr(Article, name)._django_fsm
    if not meta.has_transition(article.state):
        sources = sorted({str(t.source) for t in meta.transitions.values()})
        allowed = ", ".join(State(s).label.lower() for s in sources if s in State.values)
        verb = name.replace("_", " ")
        raise WorkflowError(
            f"“{article.title}” is {article.get_state_display().lower()}, so you cannot "
            f"{verb} it now (only when it is {allowed})."
        )


def _require_conditions(problems: Iterable[str], action: str) -> None:
    problems = list(problems)
    if problems:
        raise WorkflowError(f"The article cannot be {action} yet.", problems=problems)


@contextmanager
def _acting(
    article: Article, name: str, *, by: Any, may: Callable[[Article, Any], bool]
) -> Iterator[Article]:
    """The frame of every transition: a transaction, the row lock, who and from which state.

    Yields the locked, fresh article; once the transaction has committed, the caller's own
    instance is refreshed so it does not go stale.
    """
    with transaction.atomic():
        locked = _lock(article)
        _require_permission(locked, name, by, may(locked, by))
        _require_state(locked, name)
        yield locked
    _sync(article, locked)


def _move(
    article: Article,
    name: str,
    *,
    by: Any,
    comment: str = "",
    **transition_kwargs: Any,
) -> WorkflowEvent:
    """Perform the declared transition, save with history, and record the event."""
    from_state = article.state
    article._in_workflow = True
    try:
        getattr(article, name)(**transition_kwargs)
    finally:
        article._in_workflow = False
    return _save_with_history(article, name, by=by, comment=comment, from_state=from_state)


def _save_with_history(
    article: Article, name: str, *, by: Any, comment: str, from_state: str
) -> WorkflowEvent:
    article._history_user = by if getattr(by, "is_authenticated", False) else None
    article._change_reason = change_reason(name, comment)
    article.save()
    return WorkflowEvent.objects.create(
        article=article,
        actor=article._history_user,
        transition=name,
        from_state=from_state,
        to_state=article.state,
        revision=article.revision,
        comment=comment,
    )


def _after_commit(send: Callable[..., None], *args: Any) -> None:
    transaction.on_commit(lambda: send(*args))


def _open_round(article: Article) -> ReviewRound | None:
    return article.rounds.filter(outcome=ReviewRound.Outcome.OPEN).first()


def _close_round(article: Article, outcome: str) -> ReviewRound | None:
    review_round = _open_round(article)
    if review_round is not None:
        review_round.outcome = outcome
        review_round.closed_at = timezone.now()
        review_round.save(update_fields=["outcome", "closed_at"])
    return review_round


def _new_round(article: Article, *, by: Any, kind: str) -> ReviewRound:
    number = (article.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    return ReviewRound.objects.create(
        article=article, number=number, kind=kind, revision=article.revision, opened_by=by
    )


def _current_policy() -> EditorialPolicy:
    policy = EditorialPolicy.objects.current()
    if policy is None:
        raise WorkflowError(
            "No editorial policy is in effect yet. An editor must add one in the admin "
            "before articles can be approved or published."
        )
    return policy


def _clean_text(value: str, *, name: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(f"{name} is required.")
    return value


# --- creating and editing content --------------------------------------------------------


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:80].strip("-") or "article"
    slug, n = base, 2
    taken = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_content(title: str, summary: str, body: str) -> None:
    problems = []
    if not title.strip():
        problems.append("Title cannot be empty.")
    if len(title) > TITLE_MAX_LENGTH:
        problems.append(
            f"Title is {len(title):,} characters; keep it to {TITLE_MAX_LENGTH} or fewer."
        )
    if len(body) > BODY_MAX_LENGTH:
        problems.append(f"Body is {len(body):,} characters; the limit is {BODY_MAX_LENGTH:,}.")
    if problems:
        raise WorkflowError("The content was not saved.", problems=problems)


def _sync_citations(article: Article) -> list[str]:
    from references.citations import sync_citations

    return sync_citations(article)


def create_article(
    *,
    by: Any,
    title: str,
    summary: str = "",
    body: str = "",
    audience: str = "patient",
    authors: Iterable[Any] = (),
) -> Article:
    """A new draft, written by `by` (and any co-authors). Authors and editors only."""
    from editorial import roles

    if not (roles.is_author(by) or roles.is_editor(by)):
        raise WorkflowError("Only authors and editors can start a new article.")
    validate_content(title, summary, body)
    for attempt in range(5):
        slug = unique_slug(title)
        try:
            with transaction.atomic():
                article = Article(
                    title=title.strip(),
                    summary=summary.strip(),
                    body=body,
                    audience=audience,
                    slug=slug,
                )
                article._history_user = by
                article._change_reason = "create"
                article.save()
                article.authors.add(by, *authors)
                _sync_citations(article)
                _save_with_history(
                    article, "edit", by=by, comment="created", from_state=article.state
                )
            return article
        except IntegrityError:
            # Someone took the same slug a moment ago: the next try picks the next free one.
            if attempt == 4 or not Article.objects.filter(slug=slug).exists():
                raise
    raise AssertionError("unreachable")


def save_content(
    *,
    article: Article,
    by: Any,
    expected_revision: int,
    title: str,
    summary: str,
    body: str,
    audience: str | None = None,
) -> Article:
    """Save title, summary and body over `expected_revision`, the one the editor started from.

    Refused unless the article is a draft or has changes requested, and `by` is one of its
    authors or an editor. A save over a newer revision raises EditConflict, which carries
    the submitted text so that nothing typed is lost.
    """
    submitted = {"title": title, "summary": summary, "body": body}
    with transaction.atomic():
        locked = _lock(article)
        _require_permission(locked, "edit", by, rules.may_edit(locked, by))
        if locked.state not in EDITABLE_STATES:
            raise WorkflowError(
                f"“{locked.title}” is {locked.get_state_display().lower()}; its content can be "
                "changed only while it is a draft or has changes requested."
                + (
                    " Use “Revise” to start a new revision."
                    if locked.state == State.PUBLISHED
                    else ""
                )
            )
        if locked.revision != expected_revision:
            raise EditConflict(
                f"Someone saved a newer version (revision {locked.revision}) while you were "
                f"editing revision {expected_revision}. Your text is below; compare it with the "
                "current version before saving again.",
                current_revision=locked.revision,
                submitted=submitted,
            )
        validate_content(title, summary, body)
        locked.title = title.strip()
        locked.summary = summary.strip()
        locked.body = body
        if audience:
            locked.audience = audience
        locked.revision += 1
        _sync_citations(locked)
        _save_with_history(locked, "edit", by=by, comment="", from_state=locked.state)
    _sync(article, locked)
    return locked


def add_comment(*, article: Article, by: Any, body: str) -> Comment:
    """A message in the review thread, from anyone who may see the working copy."""
    body = _clean_text(body, name="A comment", required=True)
    if not rules.may_view(article, by):
        raise WorkflowError("Only the article's authors, the board and editors can comment.")
    return Comment.objects.create(
        article=article, round=_open_round(article), author=by, revision=article.revision, body=body
    )


# --- the transitions ----------------------------------------------------------------------


def submit(*, article: Article, by: Any, comment: str = "") -> Article:
    """draft → submitted: opens a review round pinned to the current revision."""
    return _submission(article, by=by, comment=comment, name="submit")


def resubmit(*, article: Article, by: Any, comment: str = "") -> Article:
    """changes_requested → submitted: a new round on the revised text."""
    return _submission(article, by=by, comment=comment, name="resubmit")


def _submission(article: Article, *, by: Any, comment: str, name: str) -> Article:
    with _acting(article, name, by=by, may=rules.may_edit) as locked:
        # A reference added to the library since the last save may now resolve a marker.
        _sync_citations(locked)
        _require_conditions(checks.submission_problems(locked), "submitted")
        _move(locked, name, by=by, comment=comment)
        _new_round(locked, by=by, kind=ReviewRound.Kind.SUBMISSION)
        _after_commit(notifications.submitted, locked.pk)
    return locked


def withdraw(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → draft, before a reviewer has picked it up."""
    with _acting(article, "withdraw", by=by, may=rules.may_edit) as locked:
        _close_round(locked, ReviewRound.Outcome.WITHDRAWN)
        _move(locked, "withdraw", by=by, comment=comment)
    return locked


def start_review(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → under_review: a board member picks the submission up."""
    with _acting(article, "start_review", by=by, may=rules.may_review) as locked:
        review_round = _open_round(locked)
        if review_round is not None:
            review_round.started_at, review_round.started_by = timezone.now(), by
            review_round.save(update_fields=["started_at", "started_by"])
        _move(locked, "start_review", by=by, comment=comment)
    return locked


def approve(
    *,
    article: Article,
    by: Any,
    conflict_of_interest: str,
    comment: str = "",
    acknowledged_warnings: Iterable[str] = (),
) -> Article:
    """Record one board member's approval of the revision under review.

    The article becomes `approved` once the current policy's `required_approvals` distinct
    board members have approved the round's revision. An approval needs a conflict-of-
    interest declaration ("none" or the interest) and every evidence warning acknowledged.
    """
    conflict_of_interest = (conflict_of_interest or "").strip()
    comment = (comment or "").strip()
    with _acting(article, "approve", by=by, may=rules.may_review) as locked:
        if not conflict_of_interest:
            raise WorkflowError(
                "Declare any conflict of interest before approving: write “none” or state the interest."
            )
        review_round = _open_round(locked)
        if review_round is None or review_round.revision != locked.revision:
            raise WorkflowError("There is no open review round for this revision.")
        if review_round.reviews.filter(reviewer=by, decision=Review.Decision.APPROVE).exists():
            raise WorkflowError(
                f"You have already approved revision {review_round.revision}; "
                "an approval counts once per reviewer."
            )
        _require_conditions(checks.approval_problems(locked), "approved")
        acknowledged = set(acknowledged_warnings)
        missing = [
            w.message for w in checks.approval_warnings(locked) if w.code not in acknowledged
        ]
        if missing:
            raise WorkflowError(
                "Acknowledge each evidence warning before approving.", problems=missing
            )
        policy = _current_policy()
        try:
            with transaction.atomic():
                Review.objects.create(
                    round=review_round,
                    reviewer=by,
                    decision=Review.Decision.APPROVE,
                    revision=review_round.revision,
                    conflict_of_interest=conflict_of_interest,
                    comment=comment,
                    acknowledged_warnings=sorted(acknowledged),
                )
        except IntegrityError:
            raise WorkflowError("You have already approved this revision.") from None
        approvals = review_round.reviews.filter(decision=Review.Decision.APPROVE).count()
        quorum_met = approvals >= policy.required_approvals
        progress = f"{approvals} of {policy.required_approvals} approvals"
        if quorum_met:
            review_round.outcome = ReviewRound.Outcome.APPROVED
            review_round.closed_at = timezone.now()
            review_round.policy = policy
            # What the board approved, references included: a later edit to a reference
            # in the library must not reach readers without the board seeing it.
            review_round.approved_rendering = asdict(render_article(locked))
            review_round.save(
                update_fields=["outcome", "closed_at", "policy", "approved_rendering"]
            )
        _move(
            locked,
            "approve",
            by=by,
            comment=f"{progress}. {comment}".strip() if comment else progress,
            quorum_met=quorum_met,
        )
        if quorum_met:
            _after_commit(notifications.approved, locked.pk)
    return locked


def request_changes(*, article: Article, by: Any, comment: str) -> Article:
    """under_review → changes_requested: any one reviewer's request sends it back."""
    comment = (comment or "").strip()
    with _acting(article, "request_changes", by=by, may=rules.may_review) as locked:
        if not comment:
            raise WorkflowError("Say what needs to change: a request for changes needs a comment.")
        review_round = _open_round(locked)
        if review_round is None:
            raise WorkflowError("There is no open review round for this revision.")
        Review.objects.create(
            round=review_round,
            reviewer=by,
            decision=Review.Decision.REQUEST_CHANGES,
            revision=review_round.revision,
            comment=comment,
        )
        _close_round(locked, ReviewRound.Outcome.CHANGES_REQUESTED)
        _move(locked, "request_changes", by=by, comment=comment)
        _after_commit(notifications.changes_requested, locked.pk)
    return locked


def revise(*, article: Article, by: Any, comment: str = "") -> Article:
    """published → draft: a new cycle; the live publication stays up meanwhile."""
    with _acting(article, "revise", by=by, may=rules.may_edit) as locked:
        _move(locked, "revise", by=by, comment=comment)
    return locked


def start_rereview(*, article: Article, by: Any, comment: str = "") -> Article:
    """published → under_review: the board re-confirms unchanged content."""
    with _acting(article, "start_rereview", by=by, may=rules.may_review) as locked:
        review_round = _new_round(locked, by=by, kind=ReviewRound.Kind.REREVIEW)
        review_round.started_at, review_round.started_by = timezone.now(), by
        review_round.save(update_fields=["started_at", "started_by"])
        _move(locked, "start_rereview", by=by, comment=comment)
    return locked


def archive(*, article: Article, by: Any, reason: str) -> Article:
    """any but archived → archived: the public page answers 410 Gone with a notice."""
    reason = (reason or "").strip()
    with _acting(article, "archive", by=by, may=rules.may_manage) as locked:
        if not reason:
            raise WorkflowError("Give a reason for archiving; readers and the team will see it.")
        _close_round(locked, ReviewRound.Outcome.ARCHIVED)
        locked.archived_reason = reason
        locked.publish_at, locked.publish_scheduled_by = None, None
        _move(locked, "archive", by=by, comment=reason)
    return locked


def publish(
    *, article: Article, by: Any, at: datetime.datetime | None = None, comment: str = ""
) -> Article:
    """approved → published, now; or, with a future `at`, schedule it for then.

    Publishing writes an immutable Publication of the approved revision. A scheduled
    publication is carried out by `manage.py publish_scheduled`, which calls this again.
    """
    now = timezone.now()
    with _acting(article, "publish", by=by, may=rules.may_manage) as locked:
        if at is not None and at > now:
            locked.publish_at, locked.publish_scheduled_by = at, by
            when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")
            _save_with_history(
                locked,
                "schedule_publication",
                by=by,
                comment=f"to go live at {when}. {comment}".strip(),
                from_state=locked.state,
            )
        else:
            # A reference retracted since the approval must not go live with it.
            _require_conditions(checks.approval_problems(locked), "published")
            _write_publication(locked, by=by, now=now)
            locked.publish_at, locked.publish_scheduled_by = None, None
            _move(locked, "publish", by=by, comment=comment)
            _after_commit(notifications.published, locked.pk)
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


def _write_publication(article: Article, *, by: Any, now: datetime.datetime) -> Publication:
    review_round = (
        article.rounds.filter(outcome=ReviewRound.Outcome.APPROVED).order_by("-number").first()
    )
    if review_round is None or review_round.revision != article.revision:
        raise WorkflowError("The approved revision is missing; the article must be reviewed again.")
    approvers = [
        review.reviewer
        for review in review_round.reviews.filter(decision=Review.Decision.APPROVE).select_related(
            "reviewer"
        )
    ]
    approved_at = review_round.closed_at or now
    previous = article.current_publication
    content_approved_at = approved_at
    if previous is not None and previous.revision == article.revision:
        # A re-review of unchanged content: the content date stays, the review date moves.
        content_approved_at = previous.content_approved_at
    policy = review_round.policy or _current_policy()
    rendered = (
        RenderedArticle(**review_round.approved_rendering)
        if review_round.approved_rendering
        else render_article(article)
    )
    number = (article.publications.aggregate(n=Max("number"))["n"] or 0) + 1
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
        published_by=by if getattr(by, "is_authenticated", False) else None,
    )
    publication.approvers.set(approvers)
    article.current_publication = publication
    return publication


TRANSITIONS: dict[str, Callable[..., Article]] = {
    "submit": submit,
    "withdraw": withdraw,
    "start_review": start_review,
    "approve": approve,
    "request_changes": request_changes,
    "resubmit": resubmit,
    "publish": publish,
    "revise": revise,
    "start_rereview": start_rereview,
    "archive": archive,
}


def perform(name: str, *, article: Article, by: Any, **kwargs: Any) -> Article:
    """Dispatch a transition by name (for the admin and generic views)."""
    try:
        action = TRANSITIONS[name]
    except KeyError:
        raise WorkflowError(f"“{name}” is not a workflow action.") from None
    return action(article=article, by=by, **kwargs)


def available_transitions(article: Article, user: Any) -> list[str]:
    """The transitions this person may attempt from the article's current state."""
    return [t.name for t in article.get_available_user_state_transitions(user)]


ACTION_LABELS = {
    "submit": "Submit for review",
    "withdraw": "Withdraw",
    "start_review": "Start review",
    "approve": "Approve",
    "request_changes": "Request changes",
    "resubmit": "Resubmit",
    "publish": "Publish",
    "revise": "Revise",
    "start_rereview": "Start re-review",
    "archive": "Archive",
}
