"""Named reviewers: who may assign and be assigned, accept, decline, withdraw, reassign,
picking up unassigned work, and quorum across assigned and unassigned approvals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import ReviewAssignment, State, WorkflowEvent
from editorial import roles
from tests.conftest import make_user

Status = ReviewAssignment.Status


@pytest.fixture
def submitted(make_article: Any, policy: Any) -> Any:
    return make_article("submitted")


def assign(article: Any, editor: Any, *people: Any, **kwargs: Any) -> list[ReviewAssignment]:
    return workflow.assign_reviewers(article=article, by=editor, reviewers=people, **kwargs)


def test_an_editor_assigns_named_board_members_due_after_the_policys_review_days(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any, policy: Any
) -> None:
    policy.review_days = 10
    policy.save()
    before = timezone.now()
    first, second = assign(submitted, editor, reviewer, second_reviewer)
    assert {first.reviewer, second.reviewer} == {reviewer, second_reviewer}
    assert first.status == second.status == Status.INVITED
    assert first.assigned_by == editor
    expected = before + datetime.timedelta(days=10)
    assert abs(first.due_at - expected) < datetime.timedelta(minutes=1)
    event = WorkflowEvent.objects.filter(article=submitted, transition="assign_reviewers").get()
    assert "Rosa Lind" in event.comment and "Ravi Shah" in event.comment
    assert event.actor == editor


def test_contributors_are_never_assignable(
    submitted: Any, editor: Any, reviewer_author: Any, reviewer: Any
) -> None:
    submitted.authors.add(reviewer_author)
    with pytest.raises(WorkflowError, match="wrote or edited this article"):
        assign(submitted, editor, reviewer, reviewer_author)
    assert not ReviewAssignment.objects.exists()  # all or nothing


def test_an_editor_who_edited_the_article_cannot_be_assigned_even_on_the_board(
    make_article: Any, policy: Any, editor: Any, author: Any
) -> None:
    board_editor = make_user("bo", roles.BOARD, roles.EDITORS, staff=True)
    article = make_article()
    workflow.save_content(
        article=article,
        by=board_editor,
        expected_revision=article.revision,
        title=article.title,
        summary=article.summary,
        body=article.body + "\nMore [@pmid:27999003].",
    )
    workflow.submit(article=article, by=author)
    with pytest.raises(WorkflowError, match="wrote or edited"):
        assign(article, editor, board_editor)


def test_only_board_members_can_be_assigned_and_only_editors_assign(
    submitted: Any, editor: Any, reviewer: Any, outsider: Any, author: Any
) -> None:
    with pytest.raises(WorkflowError, match="not an active member of the Medical Advisory Board"):
        assign(submitted, editor, outsider)
    for person in (reviewer, author, outsider):
        with pytest.raises(WorkflowError, match="Only an editor can assign reviewers"):
            assign(submitted, person, reviewer)
    assert not ReviewAssignment.objects.exists()


def test_nobody_is_assigned_twice_to_a_round(submitted: Any, editor: Any, reviewer: Any) -> None:
    assign(submitted, editor, reviewer)
    with pytest.raises(WorkflowError, match="already assigned"):
        assign(submitted, editor, reviewer)


def test_no_assignment_without_an_open_round(
    make_article: Any, policy: Any, editor: Any, reviewer: Any
) -> None:
    for state in ("draft", "approved"):
        with pytest.raises(WorkflowError, match="reviewers cannot change now"):
            assign(make_article(state), editor, reviewer)


def test_a_due_date_in_the_past_is_refused(submitted: Any, editor: Any, reviewer: Any) -> None:
    with pytest.raises(WorkflowError, match="due date has passed"):
        assign(submitted, editor, reviewer, due_at=timezone.now() - datetime.timedelta(hours=1))


def test_the_reviewer_accepts_declaring_an_interest_up_front(
    submitted: Any, editor: Any, reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    workflow.accept_assignment(
        assignment=assignment,
        by=reviewer,
        conflict_category="financial",
        conflict_statement="Speaker fees from a device maker, 2025",
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.ACCEPTED
    assert assignment.responded_at is not None
    history = list(assignment.history.order_by("history_date"))
    assert [(h.status, h.history_user) for h in history] == [
        (Status.INVITED, editor),
        (Status.ACCEPTED, reviewer),
    ]
    assert (assignment.conflict_category, assignment.conflict_statement) == (
        "financial",
        "Speaker fees from a device maker, 2025",
    )


def test_a_stated_kind_of_interest_needs_a_statement(
    submitted: Any, editor: Any, reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    with pytest.raises(WorkflowError, match="State your personal interest"):
        workflow.accept_assignment(assignment=assignment, by=reviewer, conflict_category="personal")
    assignment.refresh_from_db()
    assert assignment.status == Status.INVITED


def test_only_the_named_reviewer_accepts_or_declines(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    for person in (second_reviewer, editor):
        with pytest.raises(WorkflowError, match="Only the board member asked"):
            workflow.accept_assignment(assignment=assignment, by=person, conflict_category="none")
        with pytest.raises(WorkflowError, match="Only the board member asked"):
            workflow.decline_assignment(assignment=assignment, by=person, reason="Busy.")
    assignment.refresh_from_db()
    assert assignment.status == Status.INVITED


def test_decline_needs_a_reason_and_the_editor_reassigns(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    with pytest.raises(WorkflowError, match="Say why you decline"):
        workflow.decline_assignment(assignment=assignment, by=reviewer, reason="  ")
    workflow.decline_assignment(assignment=assignment, by=reviewer, reason="Away until May.")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.decline_reason) == (Status.DECLINED, "Away until May.")

    new = workflow.reassign(assignment=assignment, by=editor, reviewer=second_reviewer)
    assert (new.reviewer, new.status, new.due_at) == (
        second_reviewer,
        Status.INVITED,
        assignment.due_at,
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.DECLINED  # a declined one stays declined


def test_reassigning_an_accepted_review_withdraws_it(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    workflow.accept_assignment(assignment=assignment, by=reviewer, conflict_category="none")
    workflow.reassign(assignment=assignment, by=editor, reviewer=second_reviewer)
    statuses = dict(submitted.rounds.get().assignments.values_list("reviewer__username", "status"))
    assert statuses == {"rosa": Status.WITHDRAWN, "ravi": Status.INVITED}


def test_an_editor_withdraws_an_invitation_and_it_cannot_then_be_accepted(
    submitted: Any, editor: Any, reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    workflow.withdraw_assignment(assignment=assignment, by=editor)
    with pytest.raises(WorkflowError, match="withdrawn, so it cannot be accepted"):
        workflow.accept_assignment(assignment=assignment, by=reviewer, conflict_category="none")
    with pytest.raises(WorkflowError, match="Only an editor"):
        workflow.withdraw_assignment(assignment=assignment, by=reviewer)


def test_an_unassigned_member_picking_work_up_is_assigned(
    submitted: Any, reviewer: Any, policy: Any
) -> None:
    workflow.start_review(article=submitted, by=reviewer)
    assignment = ReviewAssignment.objects.get()
    assert (assignment.reviewer, assignment.status, assignment.assigned_by) == (
        reviewer,
        Status.ACCEPTED,
        None,
    )


def test_starting_the_review_accepts_the_starters_invitation(
    submitted: Any, editor: Any, reviewer: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    workflow.start_review(article=submitted, by=reviewer)
    assignment.refresh_from_db()
    assert assignment.status == Status.ACCEPTED
    assert ReviewAssignment.objects.count() == 1


def test_quorum_counts_assigned_and_unassigned_approvals_alike(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any, policy: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    (assigned,) = assign(submitted, editor, reviewer)
    workflow.accept_assignment(assignment=assigned, by=reviewer, conflict_category="none")
    workflow.start_review(article=submitted, by=reviewer)
    workflow.approve(article=submitted, by=reviewer, conflict_of_interest="none")
    assert submitted.state == State.UNDER_REVIEW
    # A board member nobody asked approves too: that is the second approval.
    workflow.approve(article=submitted, by=second_reviewer, conflict_of_interest="none")
    assert submitted.state == State.APPROVED
    statuses = dict(submitted.rounds.get().assignments.values_list("reviewer__username", "status"))
    assert statuses == {"rosa": Status.COMPLETED, "ravi": Status.COMPLETED}


def test_a_declined_assignment_does_not_count_towards_the_quorum(
    submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any, policy: Any
) -> None:
    (assignment,) = assign(submitted, editor, reviewer)
    workflow.decline_assignment(assignment=assignment, by=reviewer, reason="Conflict.")
    workflow.start_review(article=submitted, by=second_reviewer)
    assert submitted.state == State.UNDER_REVIEW
    workflow.approve(article=submitted, by=second_reviewer, conflict_of_interest="none")
    assert submitted.state == State.APPROVED


def test_resubmission_carries_the_reviewers_over_to_the_new_round(
    submitted: Any, editor: Any, author: Any, reviewer: Any, second_reviewer: Any
) -> None:
    assign(submitted, editor, reviewer, second_reviewer)
    workflow.start_review(article=submitted, by=reviewer)
    workflow.request_changes(article=submitted, by=reviewer, points=["Add dosing."])
    workflow.resubmit(article=submitted, by=author, answers={1: ("done", "")})
    new_round = submitted.rounds.order_by("-number").first()
    statuses = dict(new_round.assignments.values_list("reviewer__username", "status"))
    assert statuses == {"rosa": Status.ACCEPTED, "ravi": Status.INVITED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_withdraw_at_once_give_one_outcome_the_withdrawal(
    make_article: Any, policy: Any, editor: Any, reviewer: Any
) -> None:
    from tests.test_concurrency import kinds, race

    article = make_article("submitted")
    (assignment,) = assign(article, editor, reviewer)

    def accept() -> Any:
        return workflow.accept_assignment(
            assignment=ReviewAssignment.objects.get(pk=assignment.pk),
            by=reviewer,
            conflict_category="none",
        )

    def withdraw() -> Any:
        return workflow.withdraw_assignment(
            assignment=ReviewAssignment.objects.get(pk=assignment.pk), by=editor
        )

    results = race(article, accept, withdraw)
    assignment.refresh_from_db()
    # Serialised on the article's lock: the withdrawal always stands. Either it came first
    # and the acceptance was refused, or it withdrew the accepted assignment; never an
    # acceptance written over a withdrawal.
    assert assignment.status == Status.WITHDRAWN
    accepted = WorkflowEvent.objects.filter(article=article, transition="accept_assignment")
    withdrawn = WorkflowEvent.objects.filter(article=article, transition="withdraw_assignment")
    assert withdrawn.count() == 1
    if kinds(results) == ["ok", "refused"]:
        assert results[0][0] == "refused" and not accepted.exists()
    else:
        assert kinds(results) == ["ok", "ok"] and accepted.count() == 1
        assert accepted.get().created_at < withdrawn.get().created_at
