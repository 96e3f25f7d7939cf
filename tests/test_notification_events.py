"""One test per event of DESIGN.md's "Notifications" table: who is told, and what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from articles import workflow
from articles.models import NotificationOptOut
from tests.conftest import make_user


@pytest.fixture
def told(django_capture_on_commit_callbacks: Any) -> Any:
    """Run an action and return the emails it sent after its commit."""

    def run(action: Any) -> list[Any]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(mail.outbox)

    return run


def to(emails: list[Any]) -> list[set[str]]:
    return [set(email.to) for email in emails]


@pytest.fixture
def under_review(policy: Any, make_article: Any, reviewer: Any) -> Any:
    return workflow.start_review(article=make_article("submitted"), by=reviewer)


def test_submitted_tells_the_board(
    told: Any, policy: Any, make_article: Any, author: Any, reviewer: Any, second_reviewer: Any
) -> None:
    article = make_article()
    (email,) = told(lambda: workflow.submit(article=article, by=author))
    assert set(email.to) == {reviewer.email, second_reviewer.email}


def test_resubmitted_tells_that_rounds_reviewers_only(
    told: Any, under_review: Any, author: Any, reviewer: Any, second_reviewer: Any
) -> None:
    workflow.request_changes(article=under_review, by=reviewer, points=["Add dosing."])
    emails = told(
        lambda: workflow.resubmit(article=under_review, by=author, answers={1: ("done", "")})
    )
    assert to(emails) == [{reviewer.email}]
    assert emails[0].subject == f"[Clinical Answers] Resubmitted: {under_review.title}"


def test_assigned_tells_the_reviewer_with_the_due_date(
    told: Any, policy: Any, make_article: Any, editor: Any, reviewer: Any
) -> None:
    article = make_article("submitted")
    (email,) = told(
        lambda: workflow.assign_reviewers(article=article, by=editor, reviewers=[reviewer])
    )
    assert email.to == [reviewer.email]
    assert email.subject.startswith("[Clinical Answers] Please review by ")
    assert "Accept it, declaring any conflict of interest" in email.body
    assert article.get_review_url() in email.alternatives[0][0]


def test_accepted_and_declined_tell_the_editors(
    told: Any, policy: Any, make_article: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    article = make_article("submitted")
    first, second = workflow.assign_reviewers(
        article=article, by=editor, reviewers=[reviewer, second_reviewer]
    )
    (accepted,) = told(
        lambda: workflow.accept_assignment(assignment=first, by=reviewer, conflict_category="none")
    )
    assert editor.email in accepted.to and reviewer.email not in accepted.to
    assert "Rosa Lind accepted to review" in accepted.subject
    (declined,) = told(
        lambda: workflow.decline_assignment(
            assignment=second, by=second_reviewer, reason="Outside my field."
        )
    )
    assert editor.email in declined.to
    assert "Outside my field." in declined.body


def test_each_approval_tells_the_authors_how_far_it_is(
    told: Any, under_review: Any, policy: Any, author: Any, reviewer: Any
) -> None:
    policy.required_approvals = 3
    policy.save()
    (email,) = told(
        lambda: workflow.approve(article=under_review, by=reviewer, conflict_of_interest="none")
    )
    assert email.to == [author.email]
    assert "1 of 3 approvals" in email.body


def test_quorum_met_tells_the_editors_it_is_ready_to_publish(
    told: Any, under_review: Any, author: Any, editor: Any, reviewer: Any
) -> None:
    emails = told(
        lambda: workflow.approve(article=under_review, by=reviewer, conflict_of_interest="none")
    )
    ready = [e for e in emails if e.subject.startswith("[Clinical Answers] Ready to publish")]
    (ready,) = ready
    assert editor.email in ready.to and author.email not in ready.to
    assert "approved by Rosa Lind" in ready.body


def test_changes_requested_tells_the_authors_with_the_points(
    told: Any, under_review: Any, author: Any, reviewer: Any
) -> None:
    (email,) = told(
        lambda: workflow.request_changes(
            article=under_review, by=reviewer, points=["Say how often.", "Cite <the> update."]
        )
    )
    assert email.to == [author.email]
    assert "1. Say how often.\n" in email.body and "2. Cite <the> update." in email.body
    assert "Cite &lt;the&gt; update." in email.alternatives[0][0]


def test_published_tells_the_authors_and_the_approvers(
    told: Any, policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article("approved")
    approver = article.rounds.get().reviews.get().reviewer
    (email,) = told(lambda: workflow.publish(article=article, by=editor))
    assert set(email.to) == {author.email, approver.email}


def test_archived_tells_the_authors_and_the_approvers_with_the_reason(
    told: Any, policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article("published")
    approver = article.current_publication.approvers.get()
    (email,) = told(
        lambda: workflow.archive(article=article, by=editor, reason="Merged into another.")
    )
    assert set(email.to) == {author.email, approver.email}
    assert "Merged into another." in email.body


def test_archiving_an_approved_article_never_published_tells_its_approvers(
    told: Any, policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article("approved")
    approver = article.rounds.get().reviews.get().reviewer
    (email,) = told(
        lambda: workflow.archive(article=article, by=editor, reason="Merged into another.")
    )
    assert set(email.to) == {author.email, approver.email}


def test_archiving_a_draft_tells_only_its_authors(
    told: Any, policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article()
    (email,) = told(lambda: workflow.archive(article=article, by=editor, reason="Duplicate."))
    assert set(email.to) == {author.email}


def test_a_new_comment_tells_the_other_participants(
    told: Any, under_review: Any, author: Any, reviewer: Any, editor: Any, second_reviewer: Any
) -> None:
    (email,) = told(
        lambda: workflow.add_comment(article=under_review, by=reviewer, body="Which dose?")
    )
    assert set(email.to) == {author.email}  # the commenter is not told of their own comment
    (email,) = told(lambda: workflow.add_comment(article=under_review, by=author, body="500 mg."))
    assert set(email.to) == {reviewer.email}
    assert "500 mg." in email.body


def test_a_comment_is_not_sent_to_a_reviewer_whose_assignment_was_withdrawn(
    told: Any,
    policy: Any,
    make_article: Any,
    author: Any,
    editor: Any,
    reviewer: Any,
    second_reviewer: Any,
) -> None:
    article = make_article("submitted")
    kept, withdrawn = workflow.assign_reviewers(
        article=article, by=editor, reviewers=[reviewer, second_reviewer]
    )
    workflow.withdraw_assignment(assignment=withdrawn, by=editor)
    (email,) = told(lambda: workflow.add_comment(article=article, by=author, body="Ready."))
    assert set(email.to) == {kept.reviewer.email}


def test_a_comment_between_rounds_tells_the_last_rounds_reviewer(
    told: Any, under_review: Any, author: Any, reviewer: Any
) -> None:
    workflow.request_changes(article=under_review, by=reviewer, points=["Add dosing."])
    (email,) = told(
        lambda: workflow.add_comment(article=under_review, by=author, body="Which dose?")
    )
    assert set(email.to) == {reviewer.email}


def test_reminder_and_overdue_tell_the_reviewer(
    told: Any, policy: Any, make_article: Any, editor: Any, reviewer: Any
) -> None:
    import datetime

    from django.utils import timezone

    from articles.models import ReviewAssignment
    from articles.reminders import send_review_reminders

    article = make_article("submitted")
    (assignment,) = workflow.assign_reviewers(article=article, by=editor, reviewers=[reviewer])
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() + datetime.timedelta(days=1)
    )
    (reminder,) = told(send_review_reminders)
    assert reminder.to == [reviewer.email]
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    overdue, editors = told(send_review_reminders)
    assert overdue.to == [reviewer.email] and overdue.subject.startswith(
        "[Clinical Answers] Overdue"
    )
    assert editor.email in editors.to


def test_a_kind_turned_off_is_not_sent_to_that_person(
    told: Any, policy: Any, make_article: Any, author: Any, reviewer: Any, second_reviewer: Any
) -> None:
    NotificationOptOut.objects.create(user=second_reviewer, kind="submitted")
    article = make_article()
    (email,) = told(lambda: workflow.submit(article=article, by=author))
    assert email.to == [reviewer.email]


def test_a_kind_the_workflow_needs_is_sent_even_if_turned_off(
    told: Any, under_review: Any, author: Any, reviewer: Any
) -> None:
    NotificationOptOut.objects.create(user=author, kind="changes_requested")  # e.g. forged
    (email,) = told(
        lambda: workflow.request_changes(article=under_review, by=reviewer, comment="Fix it.")
    )
    assert email.to == [author.email]


def test_inactive_people_and_people_without_an_address_are_not_emailed(
    told: Any, policy: Any, make_article: Any, author: Any, reviewer: Any
) -> None:
    from editorial import roles

    make_user("gone", roles.BOARD, is_active=False)
    nobody = make_user("noaddr", roles.BOARD)
    nobody.email = ""
    nobody.save()
    article = make_article()
    (email,) = told(lambda: workflow.submit(article=article, by=author))
    assert email.to == [reviewer.email]
