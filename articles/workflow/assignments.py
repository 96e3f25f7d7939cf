"""Named reviewers: assign, accept, decline, withdraw, reassign; and the board's own pick-up.

Each change is one function in the frame every transition uses: the article's row lock
(so an accept and a withdraw at once give one outcome), who may act (articles.rules), the
round's state, an event in the audit trail (the assignment keeps its own history rows;
the article itself does not change), and the emails queued in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from articles import notifications, rules
from articles.exceptions import WorkflowError
from articles.models import Article, ConflictCategory, ReviewAssignment, ReviewRound, State
from articles.workflow.frame import acting, clean_text, log_event
from articles.workflow.rounds import open_round
from editorial.models import EditorialPolicy

Status = ReviewAssignment.Status
ASSIGNABLE_STATES = (State.SUBMITTED, State.UNDER_REVIEW)
DEFAULT_REVIEW_DAYS = 14


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def require_open_round(article: Article, name: str) -> None:
    """Assignments belong to an open round: a submitted article, or one under review."""
    if article.state not in ASSIGNABLE_STATES or open_round(article) is None:
        raise WorkflowError(
            f"“{article.title}” is {article.get_state_display().lower()}, so its reviewers "
            "cannot change now (only while it is submitted or under review)."
        )


def default_due(now: datetime.datetime | None = None) -> datetime.datetime:
    """The current policy's review_days (14 before any policy exists) from now."""
    policy = EditorialPolicy.objects.current()
    days = policy.review_days if policy else DEFAULT_REVIEW_DAYS
    return (now or timezone.now()) + datetime.timedelta(days=days)


def _locked_assignment(assignment: ReviewAssignment, article: Article) -> ReviewAssignment:
    """The assignment as it is now, under the article's lock (its status may have moved)."""
    fresh = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("reviewer", "round")
        .get(pk=assignment.pk)
    )
    if fresh.round.article_id != article.pk or fresh.round.outcome != ReviewRound.Outcome.OPEN:
        raise WorkflowError("This assignment belongs to a round that is closed.")
    return fresh


def _require_status(assignment: ReviewAssignment, allowed: Iterable[str], verb: str) -> None:
    if assignment.status not in allowed:
        raise WorkflowError(
            f"{_name(assignment.reviewer)}'s assignment is {assignment.get_status_display().lower()}, "
            f"so it cannot be {verb} now."
        )


def _create(
    review_round: ReviewRound,
    reviewer: Any,
    *,
    by: Any,
    due_at: datetime.datetime,
    status: str = Status.INVITED,
    actor: Any = None,
) -> ReviewAssignment:
    """A new assignment; `actor` (default `by`) is who acted, for its history row."""
    now = timezone.now()
    assignment = ReviewAssignment(
        round=review_round,
        reviewer=reviewer,
        assigned_by=by,
        due_at=due_at,
        status=status,
        responded_at=now if status != Status.INVITED else None,
    )
    _save(assignment, by=actor or by)
    return assignment


def _save(assignment: ReviewAssignment, *, by: Any, **kwargs: Any) -> None:
    """Save with the person acting on the assignment's history row."""
    assignment._history_user = by if getattr(by, "is_authenticated", False) else None
    assignment.save(**kwargs)


def _check_assignable(article: Article, review_round: ReviewRound, reviewer: Any) -> None:
    if not rules.may_be_assigned(article, reviewer):
        why = (
            "wrote or edited this article"
            if rules.is_contributor(article, reviewer)
            else "is not an active member of the Medical Advisory Board"
        )
        raise WorkflowError(f"{_name(reviewer)} cannot review it: they {why}.")
    if review_round.assignments.filter(
        reviewer=reviewer, status__in=[*ReviewAssignment.ACTIVE, Status.COMPLETED]
    ).exists():
        raise WorkflowError(f"{_name(reviewer)} is already assigned to this round.")


def assign_reviewers(
    *,
    article: Article,
    by: Any,
    reviewers: Iterable[Any],
    due_at: datetime.datetime | None = None,
) -> list[ReviewAssignment]:
    """An editor asks named board members to review the open round by a date.

    The due date defaults to the policy's `review_days` from now. Contributors to the
    article, and anyone not on the board, are refused by name; nobody is assigned twice.
    """
    reviewers = list(dict.fromkeys(reviewers))
    if not reviewers:
        raise WorkflowError("Choose at least one board member to assign.")
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise WorkflowError("The due date has passed: choose a date in the future.")
    with acting(
        article, "assign_reviewers", by=by, may=rules.may_assign, state=require_open_round
    ) as locked:
        review_round = open_round(locked)
        assert review_round is not None  # acting() checked require_open_round
        due_at = due_at or default_due(now)
        for reviewer in reviewers:
            _check_assignable(locked, review_round, reviewer)
        created = [_create(review_round, r, by=by, due_at=due_at) for r in reviewers]
        log_event(
            locked,
            "assign_reviewers",
            by=by,
            comment=f"{', '.join(_name(r) for r in reviewers)}; due {_when(due_at)}",
        )
        for assignment in created:
            notifications.assigned(assignment)
    return created


def accept_assignment(
    *,
    assignment: ReviewAssignment,
    by: Any,
    conflict_category: str,
    conflict_statement: str = "",
) -> ReviewAssignment:
    """The named reviewer accepts, declaring any conflict of interest up front."""
    category, statement = declaration(conflict_category, conflict_statement)
    article = assignment.round.article
    with acting(
        article,
        "accept_assignment",
        by=by,
        may=lambda _, user: rules.may_respond(assignment, user),
        state=require_open_round,
    ) as locked:
        fresh = _locked_assignment(assignment, locked)
        _require_status(fresh, [Status.INVITED], "accepted")
        fresh.status, fresh.responded_at = Status.ACCEPTED, timezone.now()
        fresh.conflict_category, fresh.conflict_statement = category, statement
        _save(fresh, by=by)
        log_event(locked, "accept_assignment", by=by, comment=_declared(category, statement))
        notifications.responded(fresh)
    return fresh


def decline_assignment(*, assignment: ReviewAssignment, by: Any, reason: str) -> ReviewAssignment:
    """The named reviewer declines, saying why; the editors are told to ask someone else."""
    reason = clean_text(reason, name="A reason")
    if not reason:
        raise WorkflowError("Say why you decline, so the editors can ask the right person.")
    article = assignment.round.article
    with acting(
        article,
        "decline_assignment",
        by=by,
        may=lambda _, user: rules.is_assignee(assignment, user),
        state=require_open_round,
    ) as locked:
        fresh = _locked_assignment(assignment, locked)
        _require_status(fresh, [Status.INVITED, Status.ACCEPTED], "declined")
        fresh.status, fresh.responded_at, fresh.decline_reason = (
            Status.DECLINED,
            timezone.now(),
            reason,
        )
        _save(fresh, by=by)
        log_event(locked, "decline_assignment", by=by, comment=reason)
        notifications.responded(fresh)
    return fresh


def withdraw_assignment(
    *, assignment: ReviewAssignment, by: Any, reason: str = ""
) -> ReviewAssignment:
    """An editor takes back an invitation or an accepted assignment not yet completed."""
    article = assignment.round.article
    with acting(
        article, "withdraw_assignment", by=by, may=rules.may_assign, state=require_open_round
    ) as locked:
        fresh = _withdraw(assignment, locked, by=by, reason=reason)
    return fresh


def _withdraw(
    assignment: ReviewAssignment, locked: Article, *, by: Any, reason: str
) -> ReviewAssignment:
    fresh = _locked_assignment(assignment, locked)
    _require_status(fresh, ReviewAssignment.ACTIVE, "withdrawn")
    fresh.status = Status.WITHDRAWN
    _save(fresh, by=by)
    reason = clean_text(reason, name="A reason")
    log_event(
        locked,
        "withdraw_assignment",
        by=by,
        comment=f"{_name(fresh.reviewer)}. {reason}".strip(),
    )
    notifications.assignment_withdrawn(fresh)
    return fresh


def reassign(
    *,
    assignment: ReviewAssignment,
    by: Any,
    reviewer: Any,
    due_at: datetime.datetime | None = None,
) -> ReviewAssignment:
    """An editor hands a review to someone else: the old assignment is withdrawn (unless
    it was declined) and the new reviewer invited, in one transaction."""
    article = assignment.round.article
    with acting(
        article, "reassign", by=by, may=rules.may_assign, state=require_open_round
    ) as locked:
        review_round = open_round(locked)
        assert review_round is not None  # acting() checked require_open_round
        _check_assignable(locked, review_round, reviewer)
        fresh = _locked_assignment(assignment, locked)
        if fresh.status != Status.DECLINED:
            _withdraw(fresh, locked, by=by, reason=f"Reassigned to {_name(reviewer)}.")
        new = _create(review_round, reviewer, by=by, due_at=due_at or fresh.due_at)
        log_event(
            locked,
            "assign_reviewers",
            by=by,
            comment=f"{_name(reviewer)} (in place of {_name(fresh.reviewer)}); due "
            f"{_when(new.due_at)}",
        )
        notifications.assigned(new)
    return new


def take_up(review_round: ReviewRound, reviewer: Any, *, status: str) -> ReviewAssignment:
    """Inside a board action (start review, approve, request changes): the reviewer's own
    assignment moves to `status`; someone picking up unassigned work gets one, so the queue
    shows who has what. Call it with the article locked."""
    now = timezone.now()
    mine = review_round.assignments.filter(
        reviewer=reviewer, status__in=ReviewAssignment.ACTIVE
    ).first()
    if mine is None:
        return _create(
            review_round, reviewer, by=None, due_at=default_due(now), status=status, actor=reviewer
        )
    mine.status = status
    mine.responded_at = mine.responded_at or now
    _save(mine, by=reviewer, update_fields=["status", "responded_at"])
    return mine


def carry_over(previous: ReviewRound | None, review_round: ReviewRound) -> list[Any]:
    """On resubmission, the previous round's reviewers review the new revision: those who
    decided or had accepted are accepted again, by a new due date; invitations stay
    invitations. Returns those reviewers (to be told)."""
    if previous is None:
        return []
    due_at = default_due()
    carried = []
    for old in previous.assignments.filter(
        status__in=[*ReviewAssignment.ACTIVE, Status.COMPLETED]
    ).select_related("reviewer"):
        if not rules.may_be_assigned(review_round.article, old.reviewer):
            continue
        status = Status.INVITED if old.status == Status.INVITED else Status.ACCEPTED
        new = _create(review_round, old.reviewer, by=old.assigned_by, due_at=due_at, status=status)
        new.conflict_category, new.conflict_statement = (
            old.conflict_category,
            old.conflict_statement,
        )
        _save(new, by=old.assigned_by, update_fields=["conflict_category", "conflict_statement"])
        carried.append(old.reviewer)
    return carried


def declaration(category: str | None, statement: str | None) -> tuple[str, str]:
    """A structured conflict-of-interest declaration: ("none", "none") or (kind, statement).

    A free-text declaration without a category (the admin's, older callers') is "none" when
    it says so, otherwise an "other" interest with the text as its statement.
    """
    statement = (statement or "").strip()
    category = (category or "").strip()
    if not category:
        if not statement:
            raise WorkflowError(
                "Declare any conflict of interest: choose “None”, or a kind of interest and "
                "state it."
            )
        category = (
            ConflictCategory.NONE
            if statement.lower() in ("none", "none.", "no")
            else ConflictCategory.OTHER
        )
    if category not in ConflictCategory.values:
        raise WorkflowError(f"“{category}” is not a kind of conflict of interest.")
    if category == ConflictCategory.NONE:
        return category, "none"
    if not statement or statement.lower() == "none":
        label = ConflictCategory(category).label.lower()
        raise WorkflowError(f"State your {label} interest: editors read it before publishing.")
    return category, statement


def _declared(category: str, statement: str) -> str:
    if category == ConflictCategory.NONE:
        return "Declared no conflict of interest."
    return f"Declared a {ConflictCategory(category).label.lower()} interest: {statement}"
