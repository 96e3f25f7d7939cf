"""The board's actions: start review, approve, request changes, start re-review."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from django.utils import timezone

from articles import checks, notifications, rules
from articles.exceptions import WorkflowError
from articles.models import (
    Article,
    ChecklistAnswer,
    EvidenceFlagReview,
    Review,
    ReviewAssignment,
    ReviewRound,
)
from articles.rendering import render_article
from articles.workflow.assignments import declaration, take_up
from articles.workflow.evidence import rereview_comment, settle_flags
from articles.workflow.frame import (
    acting,
    clean_text,
    current_policy,
    record,
    require_conditions,
)
from articles.workflow.points import clean_points, write_points
from articles.workflow.rounds import close_round, mark_started, new_round, open_round
from editorial.models import EditorialPolicy

# The checklist as given: answers in the order of the policy's questions (the review
# forms gather them so); a missing answer is an unanswered question.
ChecklistInput = Sequence[str] | None
ACCEPTABLE_FOR_APPROVAL = (ChecklistAnswer.YES, ChecklistAnswer.NOT_APPLICABLE)


def start_review(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → under_review: a board member picks the submission up, which makes it
    theirs (their invitation is accepted, or an assignment is made for them)."""
    with acting(article, "start_review", by=by, may=rules.may_review) as locked:
        review_round = open_round(locked)
        mark_started(review_round, by=by)
        if review_round is not None:
            take_up(review_round, by, status=ReviewAssignment.Status.ACCEPTED)
        record(locked, "start_review", by=by, comment=comment)
    return locked


def checklist_answers(
    policy: EditorialPolicy, given: ChecklistInput, *, approving: bool
) -> list[dict[str, str]]:
    """The policy's questions with the reviewer's answers, kept with the review.

    Approving needs every question answered "yes" or "not applicable"; a request for
    changes records whatever was answered.
    """
    supplied = list(given or [])
    answered = [
        {"question": question, "answer": (supplied[i] or "").strip() if i < len(supplied) else ""}
        for i, question in enumerate(policy.review_checklist or [])
    ]
    for item in answered:
        if item["answer"] and item["answer"] not in ChecklistAnswer.values:
            raise WorkflowError(
                f"“{item['answer']}” is not an answer: use yes, no or not applicable."
            )
    if approving:
        problems = [
            f"{'Answered “no”' if item['answer'] else 'Not answered'}: {item['question']}"
            for item in answered
            if item["answer"] not in ACCEPTABLE_FOR_APPROVAL
        ]
        if problems:
            raise WorkflowError(
                "Answer every checklist question “yes” or “not applicable” before approving "
                "(request changes for anything answered “no”).",
                problems=problems,
            )
    return answered


def start_rereview(*, article: Article, by: Any, comment: str = "") -> Article:
    """published → under_review: the board re-confirms unchanged content. It answers the
    live page's open evidence notices (articles.workflow.evidence)."""
    with acting(article, "start_rereview", by=by, may=rules.may_review) as locked:
        new_round(locked, by=by, kind=ReviewRound.Kind.REREVIEW, started=True)
        comment, flags = rereview_comment(locked, comment)
        settle_flags(flags, by=by, outcome=EvidenceFlagReview.Outcome.REREVIEW)
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
    conflict_category: str = "",
    checklist: ChecklistInput = None,
    comment: str = "",
    acknowledged_warnings: Iterable[str] = (),
) -> Article:
    """Record one board member's approval of the revision under review.

    The article becomes `approved` once the current policy's `required_approvals` distinct
    board members have approved the round's revision. An approval needs a conflict-of-
    interest declaration ("none", or a category and a statement), every question of the
    policy's checklist answered "yes" or "not applicable", and every evidence warning
    acknowledged.
    """
    conflict_of_interest = clean_text(conflict_of_interest)
    comment = clean_text(comment)
    with acting(article, "approve", by=by, may=rules.may_review) as locked:
        if not conflict_of_interest and not conflict_category:
            raise WorkflowError(
                "Declare any conflict of interest before approving: write “none” or state the interest."
            )
        category, statement = declaration(conflict_category, conflict_of_interest)
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
        answers = checklist_answers(policy, checklist, approving=True)
        # The check above cannot be raced: a second approval waits for the row lock and
        # then finds the first (tests/test_concurrency.py, on PostgreSQL). The unique
        # constraint one_approval_per_reviewer_per_round stays as the database's backstop.
        review = Review.objects.create(
            round=review_round,
            reviewer=by,
            decision=Review.Decision.APPROVE,
            revision=review_round.revision,
            conflict_of_interest=statement,
            conflict_category=category,
            comment=comment,
            acknowledged_warnings=sorted(acknowledged),
            policy=policy,
            checklist_answers=answers,
        )
        take_up(review_round, by, status=ReviewAssignment.Status.COMPLETED)
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
            approvers = [
                r.reviewer
                for r in review_round.reviews.filter(
                    decision=Review.Decision.APPROVE
                ).select_related("reviewer")
            ]
            notifications.ready_to_publish(locked, approvers)
        else:
            notifications.approval(locked, review, approvals, policy.required_approvals)
    return locked


def request_changes(
    *,
    article: Article,
    by: Any,
    comment: str = "",
    points: Sequence[str] = (),
    checklist: ChecklistInput = None,
) -> Article:
    """under_review → changes_requested: any one reviewer's request sends it back.

    The request is numbered points (a request given only a comment makes it point 1); the
    authors answer each before they can resubmit. Checklist answers given are kept too.
    """
    comment = clean_text(comment)
    with acting(article, "request_changes", by=by, may=rules.may_review) as locked:
        cleaned = clean_points(points, comment)
        review_round = _round_under_review(locked)
        policy = EditorialPolicy.objects.current()  # approving needs one; asking for changes not
        review = Review.objects.create(
            round=review_round,
            reviewer=by,
            decision=Review.Decision.REQUEST_CHANGES,
            revision=review_round.revision,
            comment=comment or "\n".join(f"{n}. {p}" for n, p in enumerate(cleaned, 1)),
            policy=policy,
            checklist_answers=(
                checklist_answers(policy, checklist, approving=False) if policy else []
            ),
        )
        write_points(review, cleaned)
        take_up(review_round, by, status=ReviewAssignment.Status.COMPLETED)
        close_round(locked, ReviewRound.Outcome.CHANGES_REQUESTED)
        record(locked, "request_changes", by=by, comment=review.comment)
        notifications.changes_requested(locked, review)
    return locked
