"""Remind named reviewers before their due date and once when overdue (cron, any machine)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.reminders import DEFAULT_DAYS_BEFORE, send_review_reminders


class Command(BaseCommand):
    help = (
        "Email invited and accepted reviewers N days before their due date, and once when "
        "overdue (telling the editors too). Each reminder is sent once, however often this "
        "runs and on however many machines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before",
            type=int,
            default=DEFAULT_DAYS_BEFORE,
            help=f"Remind this many days before the due date (default {DEFAULT_DAYS_BEFORE}).",
        )

    def handle(self, *args: Any, days_before: int, **options: Any) -> None:
        reminded, overdue = send_review_reminders(days_before=max(days_before, 0))
        self.stdout.write(f"Reminders queued: {reminded}. Overdue notices queued: {overdue}.")
