"""Background tasks (django-tasks, database backend): sending the queued emails.

django-tasks runs each task once and records a failure; it has no retry of its own (DEP
14 leaves retries to the task). So `deliver` retries itself: a send the mail server
refuses is queued again, to run after a growing delay, before this attempt is recorded as
failed. The message is in the database from the action's commit until it has been sent.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task

logger = logging.getLogger(__name__)

# 1, 2, 4 … minutes, at most 6 hours apart: about two days of trying in all.
MAX_ATTEMPTS = 14
MAX_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempt: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** (attempt - 1)), MAX_DELAY)


@task()
def deliver(message: dict[str, Any], attempt: int = 1) -> str:
    """Send one queued email (subject, body, html, to); on failure, queue the next try."""
    email = EmailMultiAlternatives(
        subject=message["subject"], body=message["body"], to=message["to"]
    )
    email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except Exception:
        if attempt < MAX_ATTEMPTS:
            deliver.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                message, attempt + 1
            )
            logger.warning(
                "Could not send the %s email (attempt %d); trying again later.",
                message.get("kind"),
                attempt,
            )
        else:
            logger.error(
                "Gave up sending the %s email after %d attempts; it stays in the task queue.",
                message.get("kind"),
                attempt,
            )
        raise
    return f"sent to {len(message['to'])}"


def send_queued(ids: Iterable[Any] | None = None) -> int:
    """Run every task that is due now (or those of `ids`), in this process; returns how
    many ran.

    What `manage.py db_worker --batch` does, without its connection handling (which would
    end a test's transaction): claim a due task under a row lock (SKIP LOCKED, so a worker
    running at the same time never takes the same one), then run it.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    due = DBTaskResult.objects.ready()
    if ids is not None:
        due = due.filter(id__in=list(ids))
    ran = 0
    while True:
        with transaction.atomic():
            queued = due.get_locked()
            if queued is None:
                return ran
            queued.claim(worker.worker_id)
        worker.run_task(queued)
        ran += 1
