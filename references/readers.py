"""Reading reference exports: RIS (rispy), BibTeX (bibtexparser 2), CSL-JSON, PubMed/MEDLINE
(.nbib, read here: one tag per line, continuation lines indented), and pasted DOIs/PMIDs (looked
up). Each record becomes an ``Entry`` of Reference fields, or a ``Problem`` naming its line.
references.importing decides what to do with them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser import model as bibtex_model
from django.core.exceptions import ValidationError
from django.db import models
from pylatexenc.latex2text import LatexNodes2Text

from references.identifiers import InvalidIdentifier, classify, normalize_doi, normalize_pmid
from references.lookup import (
    MONTH_NAMES,
    NOTICE_LINKS,
    ReferenceLookupError,
    design_from_types,
    fetch_crossref_work,
    fetch_pubmed_summaries,
    fields_from_crossref,
    fields_from_pubmed,
    kind_from_types,
    make_client,
    pubmed_date,
    worst_status,
)
from references.models import Reference
from references.names import clean_names, parse_given_family, parse_name

MAX_ENTRIES = 2000
MAX_BYTES = 5 * 1024 * 1024
# What an import may set: everything a person could type, plus the evidence status a source states.
FIELDS = (
    "kind", "study_design", "title", "authors", "more_authors", "editors", "journal",
    "journal_abbrev", "year", "month", "day", "volume", "issue", "pages", "doi", "pmid", "url",
    "publisher", "publisher_place", "key",
)  # fmt: skip
FORMATS = {
    "ris": "RIS (Zotero, EndNote, Mendeley)",
    "bibtex": "BibTeX",
    "csl": "CSL-JSON",
    "medline": "PubMed / MEDLINE (.nbib)",
    "ids": "A list of DOIs and PMIDs",
}


class ImportRefused(ValueError):
    """The whole file cannot be read; str(error) says why and where."""


@dataclass
class Entry:
    where: str
    fields: dict[str, Any]


@dataclass
class Problem:
    where: str
    message: str


@dataclass
class Reading:
    format: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def detect(text: str, name: str = "") -> str:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    by_suffix = {
        "ris": "ris",
        "bib": "bibtex",
        "json": "csl",
        "nbib": "medline",
        "medline": "medline",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    start = text.lstrip("\ufeff \r\n\t")
    if start.startswith(("[", "{")):
        return "csl"
    if start.startswith("@"):
        return "bibtex"
    if re.match(r"TY\s+-", start):
        return "ris"
    if re.match(r"PMID-|OWN -", start):
        return "medline"
    return "ids"


def read(text: str, name: str = "", fmt: str = "") -> Reading:
    """Parse an export; raises ImportRefused when nothing in it can be read."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise ImportRefused("The file is larger than 5 MB: split it and import the parts.")
    text = text.lstrip("\ufeff")
    fmt = fmt or detect(text, name)
    reader = {
        "ris": _read_ris,
        "bibtex": _read_bibtex,
        "csl": _read_csl,
        "medline": _read_medline,
        "ids": _read_ids,
    }[fmt]
    reading = Reading(format=fmt)
    reader(text, reading)
    if len(reading.entries) > MAX_ENTRIES:
        raise ImportRefused(f"The file holds more than {MAX_ENTRIES} references: split it.")
    if not reading.entries and not reading.problems:
        raise ImportRefused(f"No references found: is this a {FORMATS[fmt]} file?")
    return reading


RIS_KINDS = {
    "JOUR": "article", "JFULL": "article", "MGZN": "article", "NEWS": "article",
    "ABST": "article", "INPR": "article", "EJOUR": "article", "BOOK": "book", "EBOOK": "book",
    "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter", "CONF": "paper_conference",
    "CPAPER": "paper_conference", "RPRT": "report", "GOVDOC": "report", "DATA": "dataset",
    "DBASE": "dataset", "ELEC": "webpage", "WEB": "webpage", "GUIDE": "guideline",
}  # fmt: skip


def _ris_records(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) of each record, split at its ER line."""
    start, lines = None, []
    for number, line in enumerate(text.splitlines(), start=1):
        if start is None and not line.strip():
            continue
        if start is None:
            start = number
        lines.append(line)
        if re.match(r"^ER\s+-", line):
            yield start, "\n".join(lines)
            start, lines = None, []
    if lines:
        yield start or 1, "\n".join(lines)


def _read_ris(text: str, reading: Reading) -> None:
    for number, (line, record) in enumerate(_ris_records(text), start=1):
        where = f"record {number} (line {line})"
        if not re.match(r"^\s*TY\s+-", record):
            reading.problems.append(Problem(where, "it does not start with a TY (type) line."))
            continue
        if not re.search(r"^ER\s+-", record, re.MULTILINE):
            reading.problems.append(Problem(where, "it has no ER line (the record is cut off)."))
            continue
        # Some exporters write "TY - JOUR"; rispy reads the standard "TY  - JOUR".
        record = re.sub(r"^([A-Z][A-Z0-9])[ \t]*-[ \t]?", r"\1  - ", record, flags=re.MULTILINE)
        try:
            (data,) = rispy.loads(record)
        except Exception as error:  # rispy raises bare IOError/ValueError on bad lines
            reading.problems.append(Problem(where, f"it cannot be read ({error})."))
            continue
        _add(reading, where, _fields_from_ris(data))


def _one(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return " ".join(str(value).split())
    return ""


def _year_month_day(text: str) -> tuple[int | None, int | None, int | None]:
    parts = [p for p in re.split(r"[/\-\s.]+", text or "") if p]
    if not parts or not re.fullmatch(r"\d{4}", parts[0]) or parts[0] == "0000":
        return None, None, None
    year = int(parts[0])
    month = day = None
    if len(parts) > 1:
        month = int(parts[1]) if parts[1].isdigit() else MONTH_NAMES.get(parts[1][:3].lower())
        month = month if month and 1 <= month <= 12 else None
    if month and len(parts) > 2 and parts[2].isdigit() and 1 <= int(parts[2]) <= 31:
        day = int(parts[2])
    return year, month, day


def _fields_from_ris(data: dict[str, Any]) -> dict[str, Any]:
    kind = RIS_KINDS.get(str(data.get("type_of_reference", "")).upper(), "other")
    authors = [
        parse_name(a) for a in (data.get("authors") or []) + (data.get("first_authors") or [])
    ]
    year, month, day = _year_month_day(_one(data, "date"))
    if not year:
        year, month, day = _year_month_day(_one(data, "year", "publication_year"))
    start, end = _one(data, "start_page"), _one(data, "end_page")
    journal = _one(data, "secondary_title", "journal_name", "alternate_title3")
    if kind in ("book", "report") and not data.get("secondary_title"):
        journal = ""
    pmid = ""
    if "pubmed" in _one(data, "name_of_database").lower():
        pmid = _one(data, "accession_number")
    return {
        "kind": kind,
        "title": _one(data, "title", "primary_title"),
        "authors": clean_names(authors),
        "editors": clean_names([parse_name(a) for a in data.get("secondary_authors") or []])
        if kind in ("chapter", "paper_conference")
        else [],
        "journal": journal,
        "journal_abbrev": _one(data, "alternate_title1", "alternate_title2"),
        "year": year,
        "month": month,
        "day": day,
        "volume": _one(data, "volume"),
        "issue": _one(data, "number"),
        "pages": f"{start}-{end}" if start and end else start,
        "doi": _one(data, "doi"),
        "pmid": pmid,
        "url": _one(data, "urls"),
        "publisher": _one(data, "publisher"),
        "publisher_place": _one(data, "place_published"),
    }


BIBTEX_KINDS = {
    "article": "article", "book": "book", "inbook": "chapter", "incollection": "chapter",
    "inproceedings": "paper_conference", "conference": "paper_conference",
    "proceedings": "book", "techreport": "report", "report": "report", "dataset": "dataset",
    "online": "webpage", "misc": "other", "unpublished": "preprint",
}  # fmt: skip


def _parse_bibtex(text: str) -> Any:
    return bibtexparser.parse_string(
        text,
        append_middleware=[
            # Names are split while their braces still protect "{American Heart Association}".
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )


def _read_bibtex(text: str, reading: Reading) -> None:
    library = _parse_bibtex(text)
    duplicates = []
    for block in library.failed_blocks:
        if isinstance(block, bibtex_model.DuplicateBlockKeyBlock) and block.raw:
            # The same key twice (two exports pasted together): read it on its own, so that
            # it is compared with the first like any other duplicate.
            duplicates += [
                ((block.start_line or 0) + (entry.start_line or 0), entry)
                for entry in _parse_bibtex(block.raw).entries
            ]
            continue
        reading.problems.append(
            Problem(
                f"entry at line {block.start_line + 1}",
                "it cannot be read (a brace or quote is not closed, or a comma is missing).",
            )
        )
    entries = sorted([*((e.start_line or 0, e) for e in library.entries), *duplicates],
                     key=lambda pair: pair[0])  # fmt: skip
    for number, (line, entry) in enumerate(entries, start=1):
        where = f"entry {number} “{entry.key}” (line {line + 1})"
        _add(reading, where, _fields_from_bibtex(entry))


def _unbrace(text: str) -> str:
    """A name part as plain text: LaTeX accents decoded ({\\"O} → Ö), braces dropped."""
    if "\\" in text:
        text = LatexNodes2Text().latex_to_text(text)
    return " ".join(text.replace("{", "").replace("}", "").split())


def _bib_names(value: Any) -> list[dict[str, str]]:
    names = []
    for parts in value if isinstance(value, list) else []:
        if isinstance(parts, middlewares.NameParts):
            family = _unbrace(" ".join([*parts.von, *parts.last]))
            given = _unbrace(" ".join(parts.first))
            if family and given:
                names.append({"family": family, "given": given})
            elif family or given:
                names.append({"literal": family or given})
        elif isinstance(parts, str):
            names.append(parse_given_family(parts))
    return clean_names(names)


def _fields_from_bibtex(entry: Any) -> dict[str, Any]:
    values = {k.lower(): " ".join(str(f.value).split()) for k, f in entry.fields_dict.items()
              if not isinstance(f.value, list)}  # fmt: skip
    raw = {k.lower(): f.value for k, f in entry.fields_dict.items()}
    kind = BIBTEX_KINDS.get(entry.entry_type.lower(), "other")
    year, _, _ = _year_month_day(values.get("year", "") or values.get("date", ""))
    month_text = values.get("month", "")
    month = int(month_text) if month_text.isdigit() else MONTH_NAMES.get(month_text[:3].lower())
    container = values.get("journal") or values.get("journaltitle") or values.get("booktitle", "")
    pmid = values.get("pmid", "")
    return {
        "kind": kind,
        "title": values.get("title", "").replace("{", "").replace("}", ""),
        "authors": _bib_names(raw.get("author")),
        "editors": _bib_names(raw.get("editor")),
        "journal": container.replace("{", "").replace("}", ""),
        "journal_abbrev": values.get("shortjournal", ""),
        "year": year,
        "month": month if month and 1 <= month <= 12 else None,
        "volume": values.get("volume", ""),
        "issue": values.get("number", "") or values.get("issue", ""),
        "pages": values.get("pages", "").replace("--", "-"),
        "doi": values.get("doi", ""),
        "pmid": pmid,
        "url": values.get("url", ""),
        "publisher": values.get("publisher", "") or values.get("institution", ""),
        "publisher_place": values.get("address", "") or values.get("location", ""),
        "key": "",
    }


CSL_KINDS = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "review": "article", "book": "book", "chapter": "chapter", "paper-conference": "paper_conference",
    "report": "report", "dataset": "dataset", "webpage": "webpage", "post-weblog": "webpage",
    "article": "preprint", "manuscript": "preprint", "thesis": "other", "document": "other",
}  # fmt: skip


def _read_csl(text: str, reading: Reading) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"This is not valid CSL-JSON: line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        where = f"item {number}" + (
            f" “{item.get('id')}”" if isinstance(item, dict) and item.get("id") else ""
        )
        if not isinstance(item, dict):
            reading.problems.append(Problem(where, "it is not a CSL-JSON object."))
            continue
        _add(reading, where, _fields_from_csl(item))


def _fields_from_csl(item: dict[str, Any]) -> dict[str, Any]:
    kind = CSL_KINDS.get(str(item.get("type", "")), "other")
    genre = str(item.get("genre", "")).lower()
    if "guideline" in genre:
        kind = "guideline"
    elif "preprint" in genre or item.get("subtype") == "preprint":
        kind = "preprint"
    year = month = day = None
    try:
        parts = item["issued"]["date-parts"][0]
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and 1 <= int(parts[1]) <= 12 else None
        day = int(parts[2]) if month and len(parts) > 2 and 1 <= int(parts[2]) <= 31 else None
    except (KeyError, IndexError, TypeError, ValueError):
        raw = item.get("issued", {}).get("raw", "") if isinstance(item.get("issued"), dict) else ""
        year, month, day = _year_month_day(str(raw))

    def text(name: str) -> str:
        value = item.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return " ".join(str(value).split())

    return {
        "kind": kind,
        "title": text("title"),
        "authors": clean_names(item.get("author") or []),
        "editors": clean_names(item.get("editor") or []),
        "journal": text("container-title"),
        "journal_abbrev": text("container-title-short") or text("journalAbbreviation"),
        "year": year,
        "month": month,
        "day": day,
        "volume": text("volume"),
        "issue": text("issue"),
        "pages": text("page"),
        "doi": text("DOI"),
        "pmid": text("PMID"),
        "url": text("URL"),
        "publisher": text("publisher"),
        "publisher_place": text("publisher-place"),
    }


_MEDLINE_LINE = re.compile(r"^([A-Z]{2,4})\s*-\s?(.*)$")


def _medline_records(text: str) -> Iterable[tuple[int, list[tuple[int, str, str]]]]:
    record: list[tuple[int, str, str]] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if record:
                yield start, record
                record = []
            continue
        match = _MEDLINE_LINE.match(line)
        if match and not line.startswith(" "):
            if not record:
                start = number
            record.append((number, match.group(1), match.group(2).strip()))
        elif record and line.startswith(" "):
            n, tag, value = record[-1]
            record[-1] = (n, tag, f"{value} {line.strip()}")
        else:
            record.append((number, "??", line))
            if len(record) == 1:
                start = number
    if record:
        yield start, record


def _read_medline(text: str, reading: Reading) -> None:
    for number, (line, record) in enumerate(_medline_records(text), start=1):
        where = f"record {number} (line {line})"
        bad = [n for n, tag, _ in record if tag == "??"]
        if bad:
            reading.problems.append(
                Problem(where, f"line {bad[0]} is not a MEDLINE field (“XXXX- value”).")
            )
            continue
        _add(reading, where, _fields_from_medline(record))


def _fields_from_medline(record: list[tuple[int, str, str]]) -> dict[str, Any]:
    tags: dict[str, list[str]] = {}
    for _, tag, value in record:
        tags.setdefault(tag, []).append(value)

    def one(tag: str) -> str:
        return tags.get(tag, [""])[0]

    authors = [parse_name(n) for n in tags.get("FAU", [])] or [
        parse_name(n)
        if "," in n
        else {"family": n.rsplit(" ", 1)[0], "given": n.rsplit(" ", 1)[-1]}
        for n in tags.get("AU", [])
    ]
    authors += [{"literal": n} for n in tags.get("CN", [])]
    doi = ""
    for value in tags.get("AID", []) + tags.get("LID", []):
        if value.endswith("[doi]"):
            doi = value[: -len("[doi]")].strip()
            break
    types = tags.get("PT", [])
    notices = []
    for tag, kind in (("RIN", "retraction in"), ("ECI", "expression of concern in"),
                      ("EIN", "erratum in"), ("CRI", "corrected and republished in")):  # fmt: skip
        if tags.get(tag):
            notices.append(NOTICE_LINKS[kind])
    if "Retracted Publication" in types:
        notices.append("retraction")
    year, month, day = pubmed_date(one("DP"))
    book = one("BTI")
    fields = {
        "kind": "book" if book and not one("TI") else kind_from_types(types, one("TI")),
        "study_design": design_from_types(types, tags.get("MH", [])),
        "title": (one("TI") or book).rstrip("."),
        "authors": clean_names(authors),
        "journal": one("JT") or one("CTI"),
        "journal_abbrev": one("TA"),
        "year": year,
        "month": month,
        "day": day,
        "volume": one("VI"),
        "issue": one("IP"),
        "pages": one("PG"),
        "doi": doi,
        "pmid": one("PMID"),
        "publisher": one("PB"),
        "publisher_place": one("PL") if book else "",
    }
    status = worst_status(notices)
    if status:
        fields["retraction_status"] = status
    return fields


def _read_ids(text: str, reading: Reading) -> None:
    """One DOI or PMID per line (or separated by commas/spaces); metadata is looked up."""
    wanted: list[tuple[str, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for token in re.split(r"[\s,;]+", line.strip()):
            if not token:
                continue
            try:
                kind, value = classify(token)
            except InvalidIdentifier as error:
                reading.problems.append(Problem(f"line {number}", str(error)))
                continue
            wanted.append((f"line {number}: {token}", kind, value))
    if len(wanted) > 200:
        raise ImportRefused("Paste at most 200 DOIs and PMIDs at a time.")
    known = {
        ("doi", d) for d in Reference.objects.filter(doi__in=[v for _, k, v in wanted if k == "doi"]).values_list("doi", flat=True)
    } | {
        ("pmid", p) for p in Reference.objects.filter(pmid__in=[v for _, k, v in wanted if k == "pmid"]).values_list("pmid", flat=True)
    }  # fmt: skip
    with make_client() as client:
        for where, kind, value in wanted:
            if (kind, value) in known:
                reading.entries.append(Entry(where, {kind: value, "title": ""}))
                continue
            try:
                if kind == "doi":
                    fields = fields_from_crossref(fetch_crossref_work(client, value), doi=value)
                else:
                    summary = fetch_pubmed_summaries(client, [value])[value]
                    fields = fields_from_pubmed(summary, pmid=value)
            except ReferenceLookupError as error:
                reading.problems.append(Problem(where, str(error)))
                continue
            fields.pop("checked_at", None)
            _add(reading, where, fields)


def _add(reading: Reading, where: str, fields: dict[str, Any]) -> None:
    """Normalise and validate one entry; a problem names it instead of failing the file."""
    fields = {k: v for k, v in fields.items() if k in FIELDS or k == "retraction_status"}
    fields["title"] = " ".join(str(fields.get("title") or "").split()).rstrip(".")
    if not fields["title"] and not (fields.get("doi") or fields.get("pmid")):
        reading.problems.append(Problem(where, "it has no title (and no DOI or PMID)."))
        return
    for name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
        value = str(fields.get(name) or "").strip()
        if not value:
            fields[name] = None
            continue
        try:
            fields[name] = normalize(value)
        except InvalidIdentifier as error:
            reading.problems.append(Problem(where, str(error)))
            return
    for name in ("journal", "journal_abbrev", "volume", "issue", "pages", "publisher",
                 "publisher_place", "url"):  # fmt: skip
        model_field = Reference._meta.get_field(name)
        assert isinstance(model_field, models.CharField)
        limit = model_field.max_length
        fields[name] = str(fields.get(name) or "")[:limit]
    if fields["title"]:
        candidate = Reference(**{k: v for k, v in fields.items() if k in FIELDS})
        try:
            candidate.full_clean(validate_unique=False, exclude=["key"])
        except ValidationError as error:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            reading.problems.append(Problem(where, problems))
            return
        fields["authors"] = candidate.authors
        fields["editors"] = candidate.editors
    reading.entries.append(Entry(where, fields))
