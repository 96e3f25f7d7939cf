"""Report published articles due for re-review (past their date, or citing a retracted
reference). Run it from cron.

It only reads (`Article.objects.review_due`, the same list the board's queue shows), so
several machines may run it at once. Exit status: 0 whether or not anything is overdue;
with --fail-if-due, 3 when something is overdue (for monitoring that alerts on status).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from articles.models import Article

DUE_EXIT_STATUS = 3


class Command(BaseCommand):
    help = "List published articles past their re-review date (read-only; safe concurrently)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            help="Report as of this day (YYYY-MM-DD) instead of today.",
        )
        parser.add_argument(
            "--fail-if-due",
            action="store_true",
            help=f"Exit with status {DUE_EXIT_STATUS} when any article is overdue.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["on"] or timezone.localdate()
        due = list(
            Article.objects.review_due(today)
            .select_related("current_publication")
            .order_by("current_publication__next_review_due", "pk")
        )
        if not due:
            self.stdout.write(f"No published article is due for re-review on {today:%Y-%m-%d}.")
            return
        self.stdout.write(f"{len(due)} article(s) due for re-review on {today:%Y-%m-%d}:")
        for article in due:
            publication = article.current_publication
            assert publication is not None  # review_due lists published articles only
            due_on = publication.next_review_due
            days = (today - due_on).days
            late = "due today" if days == 0 else f"{days} day{'s' if days != 1 else ''} overdue"
            if getattr(article, "cites_retracted", False):  # annotated by review_due
                late = "cites a retracted reference"
            self.stdout.write(f"  {due_on:%Y-%m-%d} ({late})  “{article.title}”  [{article.pk}]")
        if options["fail_if_due"]:
            raise SystemExit(DUE_EXIT_STATUS)
