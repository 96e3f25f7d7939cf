"""The board's actions: start review, approve, request changes, start re-review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import checks, notifications, rules
from articles.exceptions import WorkflowError
from articles.models import Article, Review, ReviewRound
from articles.rendering import render_article
from articles.workflow.frame import (
    acting,
    clean_text,
    current_policy,
    record,
    require_conditions,
)
from articles.workflow.rounds import close_round, mark_started, new_round, open_round


def start_review(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → under_review: a board member picks the submission up."""
    with acting(article, "start_review", by=by, may=rules.may_review) as locked:
        mark_started(open_round(locked), by=by)
        record(locked, "start_review", by=by, comment=comment)
    return locked


def start_rereview(*, article: Article, by: Any, comment: str = "") -> Article:
    """published → under_review: the board re-confirms unchanged content."""
    with acting(article, "start_rereview", by=by, may=rules.may_review) as locked:
        new_round(locked, by=by, kind=ReviewRound.Kind.REREVIEW, started=True)
        record(locked, "start_rereview", by=by, comment=comment)
    return locked


def _round_under_review(article: Article) -> ReviewRound:
    review_round = open_round(article)
    if review_round is None or review_round.revision != article.revision:
        raise WorkflowError("There is no open review round for this revision.")
    return review_round


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
    conflict_of_interest = clean_text(conflict_of_interest, name="A conflict-of-interest")
    comment = clean_text(comment, name="A comment")
    with acting(article, "approve", by=by, may=rules.may_review) as locked:
        if not conflict_of_interest:
            raise WorkflowError(
                "Declare any conflict of interest before approving: write “none” or state the interest."
            )
        review_round = _round_under_review(locked)
        if review_round.reviews.filter(reviewer=by, decision=Review.Decision.APPROVE).exists():
            raise WorkflowError(
                f"You have already approved revision {review_round.revision}; "
                "an approval counts once per reviewer."
            )
        require_conditions(checks.approval_problems(locked), "approved")
        acknowledged = set(acknowledged_warnings)
        missing = [
            w.message for w in checks.approval_warnings(locked) if w.code not in acknowledged
        ]
        if missing:
            raise WorkflowError(
                "Acknowledge each evidence warning before approving.", problems=missing
            )
        policy = current_policy()
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
        record(
            locked,
            "approve",
            by=by,
            comment=f"{progress}. {comment}" if comment else progress,
            quorum_met=quorum_met,
        )
        if quorum_met:
            notifications.approved(locked)
    return locked


def request_changes(*, article: Article, by: Any, comment: str) -> Article:
    """under_review → changes_requested: any one reviewer's request sends it back."""
    comment = clean_text(comment, name="A comment")
    with acting(article, "request_changes", by=by, may=rules.may_review) as locked:
        if not comment:
            raise WorkflowError("Say what needs to change: a request for changes needs a comment.")
        review_round = _round_under_review(locked)
        review = Review.objects.create(
            round=review_round,
            reviewer=by,
            decision=Review.Decision.REQUEST_CHANGES,
            revision=review_round.revision,
            comment=comment,
        )
        close_round(locked, ReviewRound.Outcome.CHANGES_REQUESTED)
        record(locked, "request_changes", by=by, comment=comment)
        notifications.changes_requested(locked, review)
    return locked
