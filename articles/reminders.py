"""Reminders to named reviewers: once before the due date, once when overdue (the editors
are told then too). Safe to run often and on several machines at once: each reminder is
marked under its row lock (re-read, SKIP LOCKED) in the transaction that queues its
email, so it is sent once however many runs race for it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles import notifications
from articles.models import ReviewAssignment, ReviewRound

DEFAULT_DAYS_BEFORE = 3


def _claim_and_send(
    candidates: Any, *, mark: str, now: datetime.datetime, send: Callable[[Any], None]
) -> int:
    sent = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            # The row as it is now, locked; a run already holding it is left to send it.
            row = (
                ReviewAssignment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("reviewer", "round__article")
                .filter(pk=pk)
                .first()
            )
            if row is None or getattr(row, mark) is not None or not row.is_active:
                continue
            if row.round.outcome != ReviewRound.Outcome.OPEN:
                continue
            setattr(row, mark, now)
            row.save(update_fields=[mark])
            send(row)
            sent += 1
    return sent


def send_review_reminders(
    *, now: datetime.datetime | None = None, days_before: int = DEFAULT_DAYS_BEFORE
) -> tuple[int, int]:
    """Remind reviewers due within `days_before` days, and tell those overdue (and the
    editors). Returns (reminders sent, overdue notices sent)."""
    now = now or timezone.now()
    active = ReviewAssignment.objects.active().filter(round__outcome=ReviewRound.Outcome.OPEN)
    due_soon = active.filter(
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + datetime.timedelta(days=days_before),
    )
    reminded = _claim_and_send(due_soon, mark="reminded_at", now=now, send=notifications.reminder)
    overdue = active.filter(overdue_notified_at__isnull=True, due_at__lte=now)
    told = _claim_and_send(overdue, mark="overdue_notified_at", now=now, send=notifications.overdue)
    return reminded, told
