"""The library, or an article's reference list, as CSL-JSON and as RIS.

CSL-JSON is what citation processors (citeproc-js in Zotero, Pandoc, citeproc-py) read; RIS is
what EndNote, Zotero, Mendeley and PubMed's "Send to citation manager" exchange.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from references.names import clean_names

CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "chapter": "chapter",
    "paper_conference": "paper-conference",
    "report": "report",
    "dataset": "dataset",
    "preprint": "article",
    "guideline": "article-journal",
    "webpage": "webpage",
    "other": "document",
}
RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper_conference": "CPAPER",
    "report": "RPRT",
    "dataset": "DATA",
    "preprint": "JOUR",
    "guideline": "GUIDE",
    "webpage": "ELEC",
    "other": "GEN",
}


def csl_id(reference: Any) -> str:
    return (
        reference.key
        or (f"pmid:{reference.pmid}" if reference.pmid else "")
        or (f"doi:{reference.doi}" if reference.doi else f"ref-{reference.pk}")
    )


def csl_name(name: dict[str, str]) -> dict[str, str]:
    """NLM initials ("JB") are written as CSL-JSON expects them ("J. B.")."""
    given = name.get("given", "")
    if given and re.fullmatch(r"[A-Z]{1,4}", given) and len(given) > 1:
        return {**name, "given": " ".join(f"{letter}." for letter in given)}
    return dict(name)


def to_csl(reference: Any) -> dict[str, Any]:
    """One reference as a CSL-JSON item."""
    item: dict[str, Any] = {
        "id": csl_id(reference),
        "type": CSL_TYPES.get(reference.kind, "document"),
        "title": reference.title,
    }
    authors = clean_names(reference.authors)  # also a legacy string written by bulk_create
    if authors:
        item["author"] = [csl_name(name) for name in authors]
    editors = clean_names(getattr(reference, "editors", None) or [])
    if editors:
        item["editor"] = [csl_name(name) for name in editors]
    if reference.year:
        parts = [reference.year]
        if reference.month:
            parts.append(reference.month)
            if reference.day:
                parts.append(reference.day)
        item["issued"] = {"date-parts": [parts]}
    values = {
        "container-title": reference.journal,
        "container-title-short": reference.journal_abbrev,
        "volume": reference.volume,
        "issue": reference.issue,
        "page": reference.pages,
        "DOI": reference.doi,
        "PMID": reference.pmid,
        "URL": reference.url,
        "publisher": reference.publisher,
        "publisher-place": getattr(reference, "publisher_place", ""),
    }
    item.update({k: v for k, v in values.items() if v})
    if reference.kind == "guideline":
        item["genre"] = "Guideline"
    if reference.kind == "preprint":
        item["genre"] = "Preprint"
    notes = []
    if reference.study_design:
        notes.append(f"Study design: {reference.get_study_design_display()}")
    if reference.retraction_status in ("retracted", "concern", "corrected"):
        notes.append(f"Notice: {reference.get_retraction_status_display()}")
    if notes:
        item["note"] = "\n".join(notes)
    return item


def csl_json(references: Iterable[Any]) -> str:
    return json.dumps([to_csl(r) for r in references], ensure_ascii=False, indent=2)


def _ris_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return ", ".join(p for p in (name.get("family"), name.get("given")) if p)


def _ris_line(tag: str, value: Any) -> str:
    text = " ".join(str(value).split())  # RIS is one value per line
    return f"{tag}  - {text}"


def to_ris(reference: Any) -> str:
    lines = [_ris_line("TY", RIS_TYPES.get(reference.kind, "GEN"))]
    lines.append(_ris_line("TI", reference.title))
    lines += [_ris_line("AU", _ris_name(n)) for n in clean_names(reference.authors)]
    lines += [_ris_line("A2", _ris_name(n)) for n in clean_names(getattr(reference, "editors", []))]
    if reference.journal:
        lines.append(_ris_line("T2", reference.journal))
    if reference.journal_abbrev:
        lines.append(_ris_line("J2", reference.journal_abbrev))
    if reference.year:
        date = f"{reference.year}/{reference.month or ''}/{reference.day or ''}/"
        lines.append(_ris_line("PY", reference.year))
        lines.append(_ris_line("DA", date.replace("//", "/")))
    for tag, value in (("VL", reference.volume), ("IS", reference.issue)):
        if value:
            lines.append(_ris_line(tag, value))
    if reference.pages:
        first, _, last = reference.pages.partition("-")
        lines.append(_ris_line("SP", first))
        if last:
            lines.append(_ris_line("EP", last))
    for tag, value in (
        ("DO", reference.doi),
        ("PB", reference.publisher),
        ("CY", getattr(reference, "publisher_place", "")),
        ("UR", reference.url),
    ):
        if value:
            lines.append(_ris_line(tag, value))
    if reference.pmid:
        lines.append(_ris_line("AN", reference.pmid))
        lines.append(_ris_line("DB", "PubMed"))
    if reference.key:
        lines.append(_ris_line("ID", reference.key))
    if reference.study_design:
        lines.append(_ris_line("M3", reference.get_study_design_display()))
    if reference.retraction_status in ("retracted", "concern", "corrected"):
        lines.append(_ris_line("N1", f"Notice: {reference.get_retraction_status_display()}"))
    lines.append("ER  - ")
    return "\r\n".join(lines)


def ris(references: Iterable[Any]) -> str:
    return "\r\n\r\n".join(to_ris(r) for r in references) + "\r\n"
