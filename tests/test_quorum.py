"""An article is approved only when the policy's number of distinct board members approved it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Review, ReviewRound, State
from editorial import roles
from tests.conftest import edit_body


@pytest.fixture
def in_review(make_article: Any, reviewer: Any) -> Any:
    article = make_article("submitted")
    return workflow.start_review(article=article, by=reviewer)


def approvals(article: Any) -> int:
    return Review.objects.filter(round__article=article, decision=Review.Decision.APPROVE).count()


def test_one_approval_is_enough_when_the_policy_requires_one(
    policy: Any, in_review: Any, reviewer: Any
) -> None:
    workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED
    review_round = in_review.rounds.get()
    assert review_round.outcome == ReviewRound.Outcome.APPROVED
    assert review_round.policy == policy


def test_two_required_approvals_need_two_distinct_board_members(
    policy: Any, in_review: Any, reviewer: Any, second_reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()

    workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")
    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW
    assert in_review.events.first().comment == "1 of 2 approvals"

    workflow.approve(
        article=in_review,
        by=second_reviewer,
        conflict_of_interest="Advisory fee, Acme Pharma, 2024",
    )
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED
    assert approvals(in_review) == 2
    stated = Review.objects.get(reviewer=second_reviewer)
    assert stated.conflict_of_interest == "Advisory fee, Acme Pharma, 2024"


def test_a_second_approval_by_the_same_reviewer_does_not_count_twice(
    policy: Any, in_review: Any, reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")

    with pytest.raises(WorkflowError, match="already approved"):
        workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")

    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW
    assert approvals(in_review) == 1


def test_any_one_request_for_changes_sends_the_article_back(
    policy: Any, in_review: Any, reviewer: Any, second_reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")

    workflow.request_changes(
        article=in_review, by=second_reviewer, comment="Dosing is out of date."
    )

    in_review.refresh_from_db()
    assert in_review.state == State.CHANGES_REQUESTED
    assert in_review.rounds.get().outcome == ReviewRound.Outcome.CHANGES_REQUESTED


def test_approvals_of_an_earlier_round_do_not_carry_over_to_the_revised_text(
    policy: Any, in_review: Any, author: Any, reviewer: Any, second_reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")
    workflow.request_changes(article=in_review, by=second_reviewer, comment="Add dosing.")
    edit_body(
        in_review, by=author, body=in_review.body + "\nDosing is individual [@pmid:27999003].\n"
    )
    workflow.resubmit(article=in_review, by=author, answers={1: ("done", "")})
    workflow.start_review(article=in_review, by=second_reviewer)

    workflow.approve(article=in_review, by=second_reviewer, conflict_of_interest="none")

    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW  # one of two, in the new round
    new_round = in_review.rounds.order_by("-number").first()
    assert new_round.revision == in_review.revision
    assert list(new_round.reviews.values_list("revision", flat=True)) == [in_review.revision]


def test_approval_needs_a_conflict_of_interest_declaration(
    policy: Any, in_review: Any, reviewer: Any
) -> None:
    with pytest.raises(WorkflowError, match="conflict of interest"):
        workflow.approve(article=in_review, by=reviewer, conflict_of_interest="  ")
    assert approvals(in_review) == 0


def test_request_for_changes_needs_a_comment(policy: Any, in_review: Any, reviewer: Any) -> None:
    with pytest.raises(WorkflowError, match="comment"):
        workflow.request_changes(article=in_review, by=reviewer, comment="")
    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW


def test_approval_without_a_policy_in_effect_is_refused(in_review: Any, reviewer: Any) -> None:
    with pytest.raises(WorkflowError, match="No editorial policy"):
        workflow.approve(article=in_review, by=reviewer, conflict_of_interest="none")
    assert approvals(in_review) == 0


def test_an_editor_who_edited_the_body_cannot_review_it(
    policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    editor.groups.add(Group.objects.get(name=roles.BOARD))
    roles.forget_groups(editor)
    article = make_article()
    edit_body(article, by=editor, body=article.body + "\nEdited by the editor.\n")
    workflow.submit(article=article, by=author)

    with pytest.raises(WorkflowError, match="has not written or edited"):
        workflow.start_review(article=article, by=editor)
    article.refresh_from_db()
    assert article.state == State.SUBMITTED
