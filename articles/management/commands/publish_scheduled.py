"""Publish every approved article whose scheduled time has come. Run it from cron.

Safe on several machines at once: `workflow.publish_due` takes each due article's row lock
with SKIP LOCKED and re-checks its state under the lock, so each article is published once.
Exit status: 0 when everything due was published (or nothing was due), 1 when any article
was refused (the reason is printed; it stays scheduled, so the next run retries it).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles import workflow


class Command(BaseCommand):
    help = "Publish approved articles whose scheduled time has come (safe to run concurrently)."

    def handle(self, *args: Any, **options: Any) -> None:
        published, refused = workflow.publish_due()
        for article in published:
            self.stdout.write(
                self.style.SUCCESS(f"Published “{article.title}” ({article.get_absolute_url()})")
            )
        for pk, error in refused:
            self.stderr.write(f"Refused article {pk}: {error}")
        if not published and not refused:
            self.stdout.write("Nothing is due for publication.")
        if refused:
            raise CommandError(
                f"{len(refused)} scheduled article(s) could not be published; "
                f"{len(published)} published."
            )
        if published:
            self.stdout.write(f"{len(published)} article(s) published.")
