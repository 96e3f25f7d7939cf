"""The notification queue: emails are rows in the database from the action's commit until
a worker has sent them; a refusing mail server delays them, never loses them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.models import State
from articles.tasks import MAX_ATTEMPTS, deliver, send_queued


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server is down")


@pytest.fixture
def by_worker(settings: Any) -> None:
    """Production's way: nothing is sent by the acting process, only by the worker."""
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_an_action_queues_its_email_in_the_database_and_the_worker_sends_it(
    by_worker: Any, policy: Any, make_article: Any, author: Any, reviewer: Any
) -> None:
    article = make_article()
    workflow.submit(article=article, by=author)
    (row,) = queued()
    message = row.args_kwargs["args"][0]
    assert row.status == "READY"
    assert message["to"] == [reviewer.email]
    assert message["subject"] == f"[Clinical Answers] Ready for review: {article.title}"
    assert mail.outbox == []

    assert send_queued() == 1
    (email,) = mail.outbox
    assert email.to == [reviewer.email]
    assert article.get_review_url() in email.body
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert send_queued() == 0  # sent once, however often the worker looks


def test_an_action_that_rolls_back_queues_nothing(
    by_worker: Any, policy: Any, make_article: Any, author: Any, reviewer: Any
) -> None:
    article = make_article()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.submit(article=article, by=author)
        raise RuntimeError("something later in the same request failed")
    assert queued() == []
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_a_refusing_mail_server_leaves_the_transition_committed_and_the_message_queued(
    settings: Any,
    policy: Any,
    make_article: Any,
    author: Any,
    reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = "tests.test_notification_queue.RefusingBackend"
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, by=author)
    article.refresh_from_db()
    assert article.state == State.SUBMITTED

    first, retry = queued()
    assert first.status == "FAILED"
    assert "SMTP server is down" in first.traceback
    assert retry.status == "READY"
    assert retry.args_kwargs["args"] == [first.args_kwargs["args"][0], 2]
    assert retry.run_after > timezone.now()  # not before its delay
    assert send_queued() == 0

    # The mail server is back and the delay has passed: the message goes, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert send_queued() == 1
    (email,) = mail.outbox
    assert email.to == [reviewer.email]
    assert article.title in email.subject


def test_after_the_last_attempt_the_message_stays_in_the_queue_as_failed(
    settings: Any, by_worker: Any, db: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.test_notification_queue.RefusingBackend"
    message = {"kind": "test", "to": ["a@example.org"], "subject": "S", "body": "B", "html": "H"}
    deliver.enqueue(message, MAX_ATTEMPTS)
    assert send_queued() == 1
    (row,) = queued()
    assert row.status == "FAILED"
    assert row.args_kwargs["args"] == [message, MAX_ATTEMPTS]


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_sends_what_the_workflow_queued(
    by_worker: Any, policy: Any, make_article: Any, author: Any, reviewer: Any
) -> None:
    article = make_article()
    workflow.submit(article=article, by=author)
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [email.to for email in mail.outbox] == [[reviewer.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
