"""The live evidence status of a publication's references, as readers are told it.

A publication freezes the approved text and citations; whether a cited reference has since
been retracted, or has an expression of concern or a correction, is read live from the
references library (articles.PublicationReference joins the two). The public page reads
these rows in its first query, so a notice shows on the next request after the check that
found it, and the page cache's key changes with them.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats

from references.formatting import NOTICES

# The statuses readers are told about; "ok" and "unchecked" show no badge.
FLAGGED = ("retracted", "concern", "corrected")
BADGES = {
    "retracted": ("badge-retracted", "Retracted"),
    "concern": ("badge-concern", "Expression of concern"),
    "corrected": ("badge-corrected", "Corrected"),
}
SCHEMA_STATUS = {
    "retracted": "Retracted",
    "concern": "Expression of concern",
    "corrected": "Corrected",
}


def long_date(value: datetime.datetime | datetime.date) -> str:
    """'May 2, 2026', as the page writes its other dates."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return formats.date_format(value, "F j, Y")


@dataclass(frozen=True)
class LiveReference:
    number: int
    status: str
    changed_at: datetime.datetime | None
    checked_at: datetime.datetime | None
    checkable: bool  # it has a DOI or a PMID, so check_references can ask about it


@dataclass(frozen=True)
class Notice:
    number: int
    status: str
    found_at: datetime.datetime

    @property
    def text(self) -> str:
        when = long_date(self.found_at)
        if self.status == "retracted":
            return (
                f"Reference {self.number} was found retracted on {when}; "
                "the board is reviewing this page."
            )
        if self.status == "concern":
            return (
                f"An expression of concern about reference {self.number} was found on {when}; "
                "the board has been told."
            )
        return (
            f"A correction to reference {self.number} was found on {when}; the board has been told."
        )


@dataclass
class LiveEvidence:
    published_at: datetime.datetime
    references: list[LiveReference] = field(default_factory=list)

    @property
    def checked_at(self) -> datetime.datetime | None:
        """When every checkable reference had last been checked (the oldest check), or None
        while any has never been checked, or when none can be."""
        checkable = [r for r in self.references if r.checkable]
        if not checkable or any(r.checked_at is None for r in checkable):
            return None
        return min(r.checked_at for r in checkable if r.checked_at is not None)

    @property
    def checkable(self) -> bool:
        return any(r.checkable for r in self.references)

    @property
    def statuses(self) -> dict[int, str]:
        return {r.number: r.status for r in self.references}

    @property
    def notices(self) -> list[Notice]:
        """A retraction, concern or correction recorded after this publication went live."""
        return [
            Notice(r.number, r.status, r.changed_at)
            for r in sorted(self.references, key=lambda r: r.number)
            if r.status in FLAGGED and r.changed_at is not None and r.changed_at > self.published_at
        ]

    @property
    def last_modified(self) -> datetime.datetime:
        moments = [self.published_at, *(n.found_at for n in self.notices)]
        if self.checked_at is not None:
            moments.append(self.checked_at)
        return max(moments)

    def fingerprint(self) -> str:
        """Changes whenever what the page says about the evidence changes."""
        checked = self.checked_at
        parts = [
            f"{r.number}:{r.status}:{r.changed_at.timestamp() if r.changed_at else ''}"
            for r in sorted(self.references, key=lambda r: r.number)
        ]
        parts.append(f"checked:{long_date(checked) if checked else ''}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def from_rows(published_at: datetime.datetime, rows: Iterable[Mapping[str, Any]]) -> LiveEvidence:
    """LiveEvidence from the public page's first query (one row per cited reference)."""
    references = [
        LiveReference(
            number=row["number"],
            status=row["status"],
            changed_at=row["changed_at"],
            checked_at=row["checked_at"],
            checkable=bool(row["doi"] or row["pmid"]),
        )
        for row in rows
        if row.get("number") is not None
    ]
    return LiveEvidence(published_at=published_at, references=references)


_ENTRY = re.compile(r'<li id="ref-(\d+)">(.*?)</li>', re.S)
_FROZEN = re.compile(r'\s*<span class="(?:badge [a-z-]+|reference-notice)">[^<]*</span>')


def live_references_html(frozen: str, evidence: LiveEvidence) -> str:
    """The publication's References list with today's badges instead of the frozen ones.

    The list was written by articles.rendering (sanitized, one <li id="ref-N"> per entry);
    every badge and notice it froze is taken out, and only retracted, concern and corrected
    are put back, with the date a notice found after publication was recorded.
    """
    statuses = evidence.statuses
    found = {notice.number: notice.found_at for notice in evidence.notices}

    def entry(match: re.Match[str]) -> str:
        number = int(match.group(1))
        content = _FROZEN.sub("", match.group(2))
        status = statuses.get(number, "")
        if status in BADGES:
            css, label = BADGES[status]
            note = NOTICES[status]
            if number in found:
                note = f"{note} Found {long_date(found[number])}."
            content += (
                f' <span class="reference-notice">{html.escape(note)}</span>'
                f' <span class="badge {css}">{label}</span>'
            )
        return f'<li id="ref-{number}">{content}</li>'

    return _ENTRY.sub(entry, frozen)


def with_latest_notice(publications: Any) -> Any:
    """Annotate each publication with the latest evidence notice found after it went live
    (`notice_number`, `notice_status`, `notice_found_at`; None when there is none), in the
    same query: the feed says what the page says."""
    from django.db.models import OuterRef, Subquery

    from articles.models import PublicationReference

    latest = PublicationReference.objects.filter(
        publication=OuterRef("pk"),
        reference__retraction_status__in=FLAGGED,
        reference__status_changed_at__gt=OuterRef("published_at"),
    ).order_by("-reference__status_changed_at", "number")[:1]
    return publications.annotate(
        notice_number=Subquery(latest.values("number")),
        notice_status=Subquery(latest.values("reference__retraction_status")),
        notice_found_at=Subquery(latest.values("reference__status_changed_at")),
    )


def latest_notice(publication: Any) -> Notice | None:
    """The notice with_latest_notice found for this publication, if any."""
    found_at = getattr(publication, "notice_found_at", None)
    if found_at is None:
        return None
    return Notice(publication.notice_number, publication.notice_status, found_at)


def what_changed(publication: Any) -> str:
    """How the feed introduces a publication: its kind and public change note."""
    kind, note = getattr(publication, "kind", ""), getattr(publication, "change_note", "")
    if kind == "correction":
        return f"Correction: {note}".rstrip(". ") + "."
    if kind == "rereview":
        return "Updated. Reviewed again by the Medical Advisory Board; the text is unchanged."
    if getattr(publication, "number", 1) > 1:
        return f"Updated. {note}".rstrip(". ") + "." if note else "Updated."
    return ""
