"""Bring references in: RIS, BibTeX, CSL-JSON, PubMed/MEDLINE (.nbib), or pasted DOIs/PMIDs.

Three steps, so that nothing is written before a person has seen what will happen:

1. ``read(text, name)`` parses the file (rispy for RIS, bibtexparser 2 for BibTeX, json for
   CSL-JSON, a small reader for MEDLINE) into ``Entry`` objects, and names every record it
   cannot use by its line ("record 2 (line 17): no title").
2. ``plan(entries, may_fill=…)`` compares each entry with the library (DOI, then PMID, then
   title + year + first author) and with the entries before it in the same file, and says what
   would happen: add, update (fill blank fields of the existing entry) or skip. It writes
   nothing; the plan is a list of plain dicts that the preview page signs and sends back.
3. ``apply(plan)`` writes it in one transaction, checking again for a duplicate someone added
   since the preview.

Who may change what: an existing reference is cited by other articles, so an import never
overwrites a field that has a value, and only editors may fill blank fields of existing
references; for an author a duplicate is skipped, and the preview says what an editor could add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from references.models import Reference
from references.names import first_family
from references.readers import (
    FIELDS,
    FORMATS,
    MAX_BYTES,
    Entry,
    ImportRefused,
    Problem,
    Reading,
    read,
)

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "Entry",
    "ImportRefused",
    "Problem",
    "Reading",
    "apply",
    "plan",
    "read",
]


# --- planning ------------------------------------------------------------------------------


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", (title or "").lower())


def _duplicate_key(fields: dict[str, Any]) -> tuple[str, int, str] | None:
    title, year = _title_key(fields.get("title", "")), fields.get("year")
    family = first_family(fields.get("authors") or [])
    if not (title and year and family):
        return None
    return (title, year, family)


class Library:
    """The library's identifiers and title keys, read once per plan (no query per entry)."""

    def __init__(self) -> None:
        self.by_doi: dict[str, int] = {}
        self.by_pmid: dict[str, int] = {}
        self.by_title: dict[tuple[str, int, str], int] = {}
        rows = Reference.objects.values_list("pk", "doi", "pmid", "title", "year", "authors")
        for pk, doi, pmid, title, year, authors in rows.iterator():
            if doi:
                self.by_doi[doi] = pk
            if pmid:
                self.by_pmid[pmid] = pk
            key = _duplicate_key({"title": title, "year": year, "authors": authors})
            if key:
                self.by_title.setdefault(key, pk)

    def find(self, fields: dict[str, Any]) -> tuple[int | None, str]:
        if fields.get("doi") and fields["doi"] in self.by_doi:
            return self.by_doi[fields["doi"]], "the same DOI"
        if fields.get("pmid") and fields["pmid"] in self.by_pmid:
            return self.by_pmid[fields["pmid"]], "the same PMID"
        key = _duplicate_key(fields)
        if key and key in self.by_title:
            return self.by_title[key], "the same title, year and first author"
        return None, ""


def _blank(value: Any) -> bool:
    return value in (None, "", [], False)


def fillable(existing: Reference | dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The fields an import may fill: blank on the existing entry, known in the import."""
    get = existing.get if isinstance(existing, dict) else lambda name: getattr(existing, name)
    changes = {}
    for name in FIELDS:
        if name in ("kind", "key", "more_authors"):
            continue
        if name == "study_design" and not fields.get(name):
            continue
        if _blank(get(name)) and not _blank(fields.get(name)):
            changes[name] = fields[name]
    return changes


def plan(entries: list[Entry], *, may_fill: bool) -> list[dict[str, Any]]:
    """What an import would do, entry by entry; nothing is written."""
    library = Library()
    existing = Reference.objects.in_bulk(
        {pk for e in entries for pk in [library.find(e.fields)[0]] if pk}
    )
    steps: list[dict[str, Any]] = []
    planned: dict[Any, dict[str, Any]] = {}  # identifiers/title keys of entries to be added
    for entry in entries:
        fields = entry.fields
        pk, why = library.find(fields)
        if pk is not None:
            reference = existing[pk]
            changes = fillable(reference, fields)
            step = {
                "where": entry.where,
                "title": reference.title,
                "reference": pk,
                "why": why,
            }
            if changes and may_fill:
                steps.append({**step, "action": "update", "fields": changes})
            else:
                note = ""
                if changes:
                    note = f"an editor could add: {', '.join(sorted(changes))}"
                steps.append({**step, "action": "skip", "note": note})
            continue
        keys = [k for k in (("doi", fields.get("doi")), ("pmid", fields.get("pmid")),
                            ("title", _duplicate_key(fields))) if k[1]]  # fmt: skip
        earlier = next((planned[k] for k in keys if k in planned), None)
        if earlier is not None:
            earlier["fields"].update(fillable(earlier["fields"], fields))
            steps.append(
                {
                    "where": entry.where,
                    "title": fields.get("title") or earlier["title"],
                    "action": "skip",
                    "why": f"the same reference as {earlier['where']} in this file",
                    "note": "merged into it",
                }
            )
            continue
        step = {"where": entry.where, "title": fields["title"], "action": "add", "fields": fields}
        steps.append(step)
        for k in keys:
            planned[k] = step
    return steps


def counts(steps: list[dict[str, Any]]) -> dict[str, int]:
    totals = {"add": 0, "update": 0, "skip": 0}
    for step in steps:
        totals[step["action"]] += 1
    return totals


@dataclass
class Applied:
    added: int = 0
    updated: int = 0
    skipped: int = 0


def apply(steps: list[dict[str, Any]]) -> Applied:
    """Write the plan in one transaction (all or nothing)."""
    done = Applied()
    with transaction.atomic():
        for step in steps:
            if step["action"] == "skip":
                done.skipped += 1
                continue
            fields = {
                k: v for k, v in step["fields"].items() if k in FIELDS or k == "retraction_status"
            }
            if step["action"] == "update":
                reference = Reference.objects.select_for_update().get(pk=step["reference"])
                changes = fillable(reference, fields)  # only what is still blank now
                if changes:
                    for name, value in changes.items():
                        setattr(reference, name, value)
                    reference.save()
                    done.updated += 1
                else:
                    done.skipped += 1
                continue
            pk, _ = Library().find(fields) if _someone_added(fields) else (None, "")
            if pk is not None:
                done.skipped += 1
                continue
            Reference.objects.create(**fields)
            done.added += 1
    return done


def _someone_added(fields: dict[str, Any]) -> bool:
    """Whether a reference with this DOI or PMID appeared since the preview (cheap check)."""
    query = Reference.objects.none()
    if fields.get("doi"):
        query |= Reference.objects.filter(doi=fields["doi"])
    if fields.get("pmid"):
        query |= Reference.objects.filter(pmid=fields["pmid"])
    return query.exists()
