"""A reference as medical editors cite it: the NLM style of Citing Medicine (2nd ed.) and ICMJE.

- Authors: up to six, "Family Initials", then "et al."; a group by its name.
- Journal articles: the NLM abbreviation when known (``journal_abbrev``), else the full title;
  ``year month day;volume(issue):pages``, page ranges elided the same way everywhere
  (``162-173`` → ``162-73``, ``1102-1106`` → ``1102-6``, ``S12-S18`` → ``S12-8``).
- Books, chapters ("In: editors, editors. Book."), conference papers, reports, datasets
  ("[dataset]"), preprints ("[Preprint]") and web pages each in their Citing Medicine shape.
- Then ``doi:…`` and ``PMID: …``, or the web address when there is neither.
- A retraction, an expression of concern or a correction is stated in the text itself, so it
  survives wherever the text goes (JSON-LD, e-mails, exports), not only as a badge.

Deliberate differences from the CSL "NLM citation-sequence" style as citeproc-py renders it,
checked in tests/test_citation_format.py: page ranges with a hyphen (CSL: an en dash); "doi:…."
and "PMID: …." each closed by a full stop as ICMJE prints them (CSL: "doi:… PubMed PMID: …");
spaces between year, month and day (citeproc-py drops them); and the notice ("Retracted.")
that CSL has no field for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from references.names import clean_names, nlm_name, parse_nlm_list

MAX_AUTHORS = 6
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NOTICES = {
    "retracted": "Retracted.",
    "concern": "Expression of concern published.",
    "corrected": "Correction published.",
}
_RANGE = re.compile(r"^\s*([A-Za-z]*)(\d+)\s*(?:-|–|—|--)\s*([A-Za-z]*)(\d+)\s*$")


@dataclass(frozen=True)
class CitationParts:
    authors: str
    title: str
    source: str
    identifiers: list[str]
    url: str
    notice: str

    @property
    def text(self) -> str:
        parts = [self.authors, self.title, self.source, *self.identifiers]
        if not self.identifiers and self.url:
            parts.append(f"Available from: {self.url}")
        parts.append(self.notice)
        return " ".join(p for p in parts if p)


def elide_pages(pages: str) -> str:
    """Citing Medicine: the second number drops the digits it shares with the first."""
    pages = " ".join((pages or "").split())
    match = _RANGE.match(pages)
    if not match:
        return pages.replace("--", "-").replace("–", "-")
    prefix, first, prefix2, last = match.groups()
    if prefix2 and prefix2 != prefix:
        return f"{prefix}{first}-{prefix2}{last}"
    if len(last) == len(first) and int(last) > int(first):
        shared = 0
        while shared < len(first) - 1 and first[shared] == last[shared]:
            shared += 1
        last = last[shared:]
    elif last == first:
        return f"{prefix}{first}"
    return f"{prefix}{first}-{last}"


def author_text(names: Any, more: bool = False) -> str:
    if isinstance(names, str):  # an unsaved reference built by hand
        names, listed_more = parse_nlm_list(names)
        more = more or listed_more
    names = [n for n in clean_names(names) if nlm_name(n)]
    if not names:
        return ""
    shown = [nlm_name(n) for n in names[:MAX_AUTHORS]]
    text = ", ".join(shown)
    if len(names) > MAX_AUTHORS or more:
        text += ", et al."
    return _end(text)


def date_text(year: int | None, month: int | None = None, day: int | None = None) -> str:
    if not year:
        return ""
    text = str(year)
    if month and 1 <= month <= 12:
        text += f" {MONTHS[month - 1]}"
        if day and 1 <= day <= 31:
            text += f" {day}"
    return text


def _end(text: str) -> str:
    """Close a part with a full stop unless it already ends in one (or ? or !)."""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in ".?!" else f"{text}."


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _publication(place: str, publisher: str, when: str) -> str:
    """ "Place: Publisher; Year." with what is known."""
    where = ": ".join(p for p in (place, publisher) if p)
    return _end("; ".join(p for p in (where, when) if p))


def journal_source(reference: Any) -> str:
    """ "Lancet Neurol. 2015;14(2):162-73." (NLM order), or what of it is known."""
    container = _clean(reference.journal_abbrev) or _clean(reference.journal)
    when = date_text(
        reference.year, getattr(reference, "month", None), getattr(reference, "day", None)
    )
    locator = _clean(reference.volume)
    if reference.issue:
        locator += f"({_clean(reference.issue)})"
    pages = elide_pages(reference.pages)
    if pages:
        locator += f":{pages}"
    if locator:
        when = f"{when};{locator}" if when else locator
    return " ".join(p for p in (_end(container), _end(when)) if p)


def source_text(reference: Any) -> str:
    kind = reference.kind
    place = _clean(getattr(reference, "publisher_place", ""))
    publisher = _clean(reference.publisher)
    when = date_text(
        reference.year, getattr(reference, "month", None), getattr(reference, "day", None)
    )
    container = _clean(reference.journal)
    pages = elide_pages(reference.pages)
    if kind in ("chapter", "paper_conference"):
        editors = [nlm_name(n) for n in getattr(reference, "editors", None) or []]
        parts = []
        if editors or container:
            lead = "In: "
            if editors:
                noun = "editor" if len(editors) == 1 else "editors"
                lead += f"{', '.join(editors)}, {noun}. "
            parts.append(_end(lead + container) if container else lead.strip())
        parts.append(_publication(place, publisher, when))
        if pages:
            parts.append(f"p. {pages}.")
        return " ".join(p for p in parts if p)
    if kind in ("book", "report"):
        return _publication(place, publisher, when)
    if kind in ("dataset", "preprint", "webpage", "other"):
        host = container or publisher
        return " ".join(p for p in (_end(host), _end(when)) if p)
    if kind == "guideline" and not (container or reference.journal_abbrev):
        return _publication(place, publisher, when)
    return journal_source(reference)


def title_text(reference: Any) -> str:
    title = _clean(reference.title)
    if not title:
        return ""
    tag = {"dataset": "[dataset]", "preprint": "[Preprint]"}.get(reference.kind, "")
    if tag:
        title = f"{title.rstrip('.')} {tag}"
    return _end(title)


def citation_parts(reference: Any) -> CitationParts:
    url = _clean(reference.url)
    identifiers = []
    if reference.doi:
        identifiers.append(f"doi:{reference.doi}.")
    if reference.pmid:
        identifiers.append(f"PMID: {reference.pmid}.")
    return CitationParts(
        authors=author_text(reference.authors, getattr(reference, "more_authors", False)),
        title=title_text(reference),
        source=source_text(reference),
        identifiers=identifiers,
        url=url if url.lower().startswith(("https://", "http://")) else "",
        notice=NOTICES.get(reference.retraction_status, ""),
    )


def citation_text(reference: Any) -> str:
    """The whole citation as one line of plain text."""
    return citation_parts(reference).text


def kind_label(reference: Any) -> str:
    """ "Journal article · Systematic review / meta-analysis": the kind, then the study design
    when the source states one (works on history rows too, which lack model properties)."""
    from references.models import Reference

    kinds = dict(Reference.Kind.choices)
    designs = dict(Reference.StudyDesign.choices)
    kind = kinds.get(reference.kind, str(reference.kind).replace("_", " ").capitalize())
    design = getattr(reference, "study_design", "")
    if design and design != reference.kind and design in designs:
        return f"{kind} · {designs[design]}"
    return kind
