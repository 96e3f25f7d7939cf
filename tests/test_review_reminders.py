"""`manage.py send_review_reminders`: before the due date, once when overdue (the editors
too), each reminder once however often and however many machines run it."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.models import ReviewAssignment
from articles.reminders import send_review_reminders
from tests.conftest import at_once

DAY = datetime.timedelta(days=1)


def queued(kind: str) -> list[list[str]]:
    """The recipients of each queued email of `kind`."""
    return [
        row.args_kwargs["args"][0]["to"]
        for row in DBTaskResult.objects.order_by("enqueued_at")
        if row.args_kwargs["args"][0]["kind"] == kind
    ]


@pytest.fixture
def assignment(policy: Any, make_article: Any, editor: Any, reviewer: Any) -> ReviewAssignment:
    article = make_article("submitted")
    (assigned,) = workflow.assign_reviewers(
        article=article, by=editor, reviewers=[reviewer], due_at=timezone.now() + 10 * DAY
    )
    return assigned


def due_in(assignment: ReviewAssignment, delta: datetime.timedelta) -> None:
    ReviewAssignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + delta)


def test_nothing_is_sent_long_before_the_due_date(assignment: Any) -> None:
    assert send_review_reminders() == (0, 0)
    assert queued("reminder") == []


def test_a_reminder_goes_once_before_the_due_date_however_often_it_runs(
    assignment: Any, reviewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    due_in(assignment, 2 * DAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders() == (1, 0)
    assert send_review_reminders() == (0, 0)
    assert queued("reminder") == [[reviewer.email]]
    (email,) = mail.outbox
    assert email.subject.startswith("[Clinical Answers] Reminder: your review is due")
    assert assignment.round.article.get_review_url() in email.body


def test_overdue_tells_the_reviewer_and_the_editors_once(
    assignment: Any, reviewer: Any, editor: Any
) -> None:
    due_in(assignment, -DAY)
    assert send_review_reminders() == (0, 1)
    assert send_review_reminders() == (0, 0)
    assert queued("overdue") == [[reviewer.email]]
    (editors,) = queued("overdue_editors")
    assert editor.email in editors and reviewer.email not in editors


def test_a_reminded_assignment_is_still_told_once_when_it_becomes_overdue(
    assignment: Any,
) -> None:
    due_in(assignment, DAY)
    assert send_review_reminders() == (1, 0)
    due_in(assignment, -DAY)
    assert send_review_reminders() == (0, 1)
    assert send_review_reminders() == (0, 0)


def test_declined_withdrawn_and_completed_assignments_are_not_reminded(
    assignment: Any, reviewer: Any, editor: Any
) -> None:
    workflow.decline_assignment(assignment=assignment, by=reviewer, reason="Away.")
    due_in(assignment, -DAY)
    assert send_review_reminders() == (0, 0)


def test_the_command_reports_what_it_queued(assignment: Any) -> None:
    due_in(assignment, DAY)
    out = StringIO()
    call_command("send_review_reminders", "--days-before", "2", stdout=out)
    assert "Reminders queued: 1. Overdue notices queued: 0." in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(
    policy: Any, make_article: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    articles = [make_article("submitted", title=f"Question {n}?") for n in range(4)]
    for n, article in enumerate(articles):
        workflow.assign_reviewers(
            article=article,
            by=editor,
            reviewers=[reviewer, second_reviewer],
            due_at=timezone.now() + (DAY if n % 2 else 10 * DAY),
        )
    ReviewAssignment.objects.filter(round__article__in=articles[:2]).update(
        due_at=timezone.now() - DAY
    )
    DBTaskResult.objects.all().delete()  # the assignment emails
    results = at_once(send_review_reminders)
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(r[0] for r in results) == 2  # article 3 is due soon, for two reviewers
    assert sum(r[1] for r in results) == 4  # articles 0 and 1 are overdue, for two each
    assert len(queued("reminder")) == 2
    assert len(queued("overdue")) == 4
    assert len(queued("overdue_editors")) == 4
