"""Evidence checks of the library against Crossref and PubMed (run by ``check_references``).

For each reference with a DOI or a PMID:

- Crossref: the work's ``updated-by`` list, and the notices whose ``update-to`` names the DOI
  (``/works?filter=updates:<doi>``): a retraction (or withdrawal/removal), an expression of
  concern, or a correction.
- PubMed: the publication type "Retracted Publication" (and "Corrected and Republished
  Article"), asked for up to 200 PMIDs in one esummary request.

The worst notice found wins (retracted > concern > corrected). Only when every source for a
reference answered and none shows a notice does it become "ok"; if a source failed, the
reference keeps its status and its ``checked_at`` (a notice found elsewhere is still
recorded). A retraction is never undone by a later check that shows nothing.

Safe to run from cron on any machine, even twice at once: each reference is updated in its
own short transaction under ``select_for_update(skip_locked=True)`` (a row someone is editing
is left for the next run), the update is idempotent, and a status change is saved with
history while an unchanged status only moves ``checked_at``.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from references import lookup
from references.models import Reference

Status = Reference.RetractionStatus
PUBMED_BATCH = 200


@dataclass
class Outcome:
    reference_id: int
    before: str
    after: str | None = None  # None: not updated
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


def due_for_check(*, older_than: datetime.timedelta | None, now: datetime.datetime) -> QuerySet:
    """References with an identifier, never checked first, then the longest unchecked."""
    has_identifier = Q(doi__isnull=False) | Q(pmid__isnull=False)
    queryset = Reference.objects.filter(has_identifier)
    if older_than is not None:
        queryset = queryset.filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - older_than))
    return queryset.order_by(F("checked_at").asc(nulls_first=True), "pk")


# Called inside the transaction that records a new status: (reference, before, after).
StatusChanged = Callable[..., object]


def check_batch(
    references: Sequence[Reference],
    *,
    client: httpx.Client,
    pause: Callable[[], None] = lambda: None,
    on_change: StatusChanged | None = None,
) -> list[Outcome]:
    """Ask the services about these references and record what they say.

    `on_change(reference=…, before=…, after=…)` runs inside the transaction that records a
    changed status; by default the function named by settings.REFERENCE_STATUS_CHANGED
    (the articles app's, which tells the people behind the live pages citing it; named in
    settings so this app never imports articles). A run that changes nothing calls nothing,
    so whatever it does happens once.

    Raises lookup.RateLimited on a 429, after recording the references already checked:
    the caller should stop asking and leave the rest for its next run.
    """
    on_change = on_change or configured_status_hook()
    pubmed, pubmed_problem = _pubmed_statuses(
        [r.pmid for r in references if r.pmid], client=client, pause=pause
    )
    outcomes = []
    for reference in references:
        found: list[str] = []
        problems: list[str] = []
        if reference.doi:
            try:
                message = lookup.fetch_crossref_work(client, reference.doi)
                pause()
                notices = lookup.fetch_crossref_notices(client, reference.doi)
                pause()
                status = lookup.crossref_status(message, reference.doi, notices)
                if status:
                    found.append(status)
            except lookup.RateLimited:
                raise
            except lookup.ReferenceLookupError as error:
                problems.append(str(error))
        if reference.pmid:
            if pubmed_problem:
                problems.append(pubmed_problem)
            elif reference.pmid not in pubmed:
                problems.append(f"PubMed has no record of PMID {reference.pmid}.")
            elif pubmed_found := pubmed[reference.pmid]:
                found.append(pubmed_found)
        outcomes.append(_record(reference, found, problems, on_change))
    return outcomes


def _pubmed_statuses(
    pmids: list[str], *, client: httpx.Client, pause: Callable[[], None]
) -> tuple[dict[str, str | None], str]:
    statuses: dict[str, str | None] = {}
    for start in range(0, len(pmids), PUBMED_BATCH):
        chunk = pmids[start : start + PUBMED_BATCH]
        try:
            summaries = lookup.fetch_pubmed_summaries(client, chunk)
        except lookup.RateLimited:
            raise
        except lookup.ReferenceLookupError as error:
            return statuses, str(error)
        pause()
        for pmid, summary in summaries.items():
            statuses[pmid] = lookup.pubmed_status(summary)
    return statuses, ""


def _record(
    reference: Reference,
    found: list[str],
    problems: list[str],
    on_change: StatusChanged | None = None,
) -> Outcome:
    outcome = Outcome(reference.pk, before=reference.retraction_status, problems=problems)
    worst = lookup.worst_status(found)
    if worst is None and problems:
        return outcome
    now = timezone.now()
    with transaction.atomic():
        row = Reference.objects.select_for_update(skip_locked=True).filter(pk=reference.pk).first()
        if row is None:
            outcome.problems.append("Skipped: someone is editing it; the next run will check it.")
            return outcome
        outcome.before = row.retraction_status
        new = worst or Status.OK
        if row.retraction_status == Status.RETRACTED:
            new = Status.RETRACTED
        if new != row.retraction_status:
            before = row.retraction_status
            row.retraction_status, row.checked_at = new, now
            row._change_reason = "check_references"
            row.save()
            if on_change is not None:
                on_change(reference=row, before=before, after=new)
        else:
            Reference.objects.filter(pk=row.pk).update(checked_at=now)
        outcome.after = new
    return outcome


def configured_status_hook() -> StatusChanged | None:
    """settings.REFERENCE_STATUS_CHANGED, the function told of every status change."""
    name = getattr(settings, "REFERENCE_STATUS_CHANGED", "")
    return import_string(name) if name else None


def make_pause(seconds: float) -> Callable[[], None]:
    """Space requests out (NCBI allows 3 a second without an API key)."""
    if seconds <= 0:
        return lambda: None
    return lambda: time.sleep(seconds)
