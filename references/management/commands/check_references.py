"""Check the references library for retractions, expressions of concern and corrections.

    python manage.py check_references                  # due ones: never checked or > 30 days
    python manage.py check_references --older-than-days 0 --batch-size 20

Safe from cron on any one machine (see references.checking). Progress goes to stdout, one
line per batch; references the services could not answer for go to stderr and keep their
status. Exits non-zero only if nothing at all could be checked.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from references import checking, lookup
from references.models import Reference


class Command(BaseCommand):
    help = "Update retraction_status and checked_at of references from Crossref and PubMed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=50)
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=30,
            help="Re-check references last checked this many days ago or more (0: all).",
        )
        parser.add_argument("--limit", type=int, default=0, help="Check at most this many.")
        parser.add_argument(
            "--delay",
            type=float,
            default=None,
            help="Seconds between requests (default 0.34, or 0.1 with NCBI_API_KEY).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, options["batch_size"])
        days = options["older_than_days"]
        delay = options["delay"]
        if delay is None:
            delay = 0.1 if settings.NCBI_API_KEY else 0.34
        now = timezone.now()
        older_than = datetime.timedelta(days=days) if days > 0 else None
        pks = list(
            checking.due_for_check(older_than=older_than, now=now).values_list("pk", flat=True)
        )
        if options["limit"] > 0:
            pks = pks[: options["limit"]]
        if not pks:
            self.stdout.write("No references are due for a check.")
            return
        totals = {"checked": 0, "changed": 0, "failed": 0}
        pause = checking.make_pause(delay)
        with lookup.make_client() as client:
            for start in range(0, len(pks), batch_size):
                chunk = pks[start : start + batch_size]
                references = list(Reference.objects.filter(pk__in=chunk).order_by("pk"))
                try:
                    outcomes = checking.check_batch(references, client=client, pause=pause)
                except lookup.RateLimited as error:
                    self.stderr.write(f"Stopped early: {error} The rest wait for the next run.")
                    break
                self._report(outcomes, references, totals)
                self.stdout.write(
                    f"Checked {min(start + batch_size, len(pks))} of {len(pks)} references "
                    f"({totals['changed']} changed, {totals['failed']} could not be checked)."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['checked']} checked, {totals['changed']} changed status, "
                f"{totals['failed']} could not be checked."
            )
        )
        if totals["checked"] == 0:
            raise CommandError("No reference could be checked; see the messages above.")

    def _report(
        self,
        outcomes: list[checking.Outcome],
        references: list[Reference],
        totals: dict[str, int],
    ) -> None:
        titles = {r.pk: r.title[:80] for r in references}
        for outcome in outcomes:
            if outcome.after is None:
                totals["failed"] += 1
                problems = " ".join(outcome.problems)
                self.stderr.write(f"Not checked: “{titles[outcome.reference_id]}”: {problems}")
                continue
            totals["checked"] += 1
            if outcome.changed:
                totals["changed"] += 1
                self.stdout.write(
                    f"“{titles[outcome.reference_id]}”: {outcome.before} → {outcome.after}"
                )
