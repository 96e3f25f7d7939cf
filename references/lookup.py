"""Look a reference up by DOI (Crossref) or PMID (PubMed), for the "Add reference" button.

Use::

    from references.lookup import ReferenceLookupError, lookup_reference

    try:
        result = lookup_reference(request.POST["identifier"])
    except ReferenceLookupError as error:
        messages.error(request, str(error))  # a sentence for the author; nothing was written
    else:
        result.reference, result.created  # the library's reference; False if it was there already

The identifier may be a DOI in any usual spelling (``10.2337/DC16-2042``, ``doi:…``,
``https://doi.org/…``) or a PMID (``27999003``, ``PMID: 27999003``, a PubMed URL). A reference
already in the library under that DOI or PMID is returned without any network request. A new
one is created with the metadata the service returns; an answer that shows a retraction,
expression of concern or correction records it, otherwise the reference stays "unchecked"
until ``manage.py check_references`` has checked it.

Errors (``ReferenceLookupError``, a ``LookupError``): a malformed identifier, no network, a
timeout, not found (404 or PubMed's "cannot get document summary"), rate limited (429), a
server error, or an answer that cannot be read. Each carries a message saying what to do and
writes nothing; the manual form (``references.forms.ReferenceForm``) stays available.

Polite use, as each service asks: Crossref gets ``mailto`` and a User-Agent naming the tool and
``settings.REFERENCE_LOOKUP_CONTACT_EMAIL``; NCBI E-utilities get ``tool`` and ``email`` (and
``api_key`` when ``settings.NCBI_API_KEY`` is set). Every request has
``settings.REFERENCE_LOOKUP_TIMEOUT`` seconds. Tests pass a client built on
``httpx.MockTransport`` with recorded answers (tests/fixtures/references/).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from references.identifiers import InvalidIdentifier, classify, normalize_doi
from references.models import Reference
from references.names import clean_names, parse_nlm_list

CROSSREF_WORKS = "https://api.crossref.org/works/"
EUTILS_ESUMMARY = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi"
TOOL_NAME = "editorial-review"

_SERVICE = {"crossref": "Crossref", "pubmed": "PubMed"}
Status = Reference.RetractionStatus
Kind = Reference.Kind
Design = Reference.StudyDesign


class ReferenceLookupError(LookupError):
    """A look-up that failed; str(error) is the message for the author."""


class RateLimited(ReferenceLookupError):
    """The service answered 429: stop asking for now (check_references ends its run)."""


@dataclass(frozen=True)
class LookupResult:
    reference: Reference
    created: bool
    source: str  # "library", "crossref" or "pubmed"


def make_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client with the timeout and the identification both services ask for."""
    email = settings.REFERENCE_LOOKUP_CONTACT_EMAIL
    return httpx.Client(
        timeout=httpx.Timeout(settings.REFERENCE_LOOKUP_TIMEOUT),
        headers={"User-Agent": f"{TOOL_NAME}/1.0 (mailto:{email})", "Accept": "application/json"},
        follow_redirects=True,
        transport=transport,
    )


def crossref_params() -> dict[str, str]:
    return {"mailto": settings.REFERENCE_LOOKUP_CONTACT_EMAIL}


def ncbi_params() -> dict[str, str]:
    params = {"tool": TOOL_NAME, "email": settings.REFERENCE_LOOKUP_CONTACT_EMAIL}
    if settings.NCBI_API_KEY:
        params["api_key"] = settings.NCBI_API_KEY
    return params


def lookup_reference(identifier: str, *, client: httpx.Client | None = None) -> LookupResult:
    """The library's reference for a DOI or PMID, created from Crossref or PubMed if new."""
    try:
        kind, value = classify(identifier)
    except InvalidIdentifier as error:
        raise ReferenceLookupError(str(error)) from None
    existing = Reference.objects.filter(**{kind: value}).first()
    if existing is not None:
        return LookupResult(existing, created=False, source="library")
    owns_client = client is None
    client = client or make_client()
    try:
        if kind == "doi":
            fields = fields_from_crossref(fetch_crossref_work(client, value), doi=value)
            source = "crossref"
        else:
            fields = fields_from_pubmed(fetch_pubmed_summaries(client, [value])[value], pmid=value)
            source = "pubmed"
    finally:
        if owns_client:
            client.close()
    return _store(fields, source)


def _store(fields: dict[str, Any], source: str) -> LookupResult:
    """Create the reference, or enrich and return the one already holding its other identifier."""
    identifiers = {k: fields[k] for k in ("doi", "pmid") if fields.get(k)}
    try:
        with transaction.atomic():
            for name, value in identifiers.items():
                existing = Reference.objects.select_for_update().filter(**{name: value}).first()
                if existing is not None:
                    missing = [k for k in identifiers if not getattr(existing, k)]
                    for k in missing:
                        setattr(existing, k, identifiers[k])
                    if missing:
                        existing.save()
                    return LookupResult(existing, created=False, source="library")
            reference = Reference(**fields)
            reference.full_clean(validate_unique=False)
            reference.save()
    except IntegrityError:
        # Someone added the same reference a moment ago: theirs is the one.
        for name, value in identifiers.items():
            existing = Reference.objects.filter(**{name: value}).first()
            if existing is not None:
                return LookupResult(existing, created=False, source="library")
        raise
    except ValidationError as error:
        problems = "; ".join(m for messages in error.message_dict.values() for m in messages)
        raise ReferenceLookupError(
            f"{_SERVICE[source]} returned details this library cannot store ({problems}). "
            "Enter the reference by hand."
        ) from None
    return LookupResult(reference, created=True, source=source)


# --- talking to the services ---------------------------------------------------------------


def _get(client: httpx.Client, service: str, url: str, params: dict[str, str], what: str) -> Any:
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException:
        raise ReferenceLookupError(
            f"{service} did not answer in time. Try again in a minute, or enter the reference "
            "by hand."
        ) from None
    except httpx.HTTPError:
        raise ReferenceLookupError(
            f"Could not reach {service} (is the server offline?). Try again later, or enter "
            "the reference by hand."
        ) from None
    if response.status_code == 404:
        raise ReferenceLookupError(f"{service} has no record of {what}. Check it and try again.")
    if response.status_code == 429:
        raise RateLimited(
            f"{service} is limiting how often we may ask (too many look-ups). Wait a minute and "
            "try again."
        )
    if response.status_code >= 400:
        raise ReferenceLookupError(
            f"{service} answered with an error ({response.status_code}) for {what}. Try again "
            "later, or enter the reference by hand."
        )
    try:
        return response.json()
    except ValueError:
        raise _malformed(service, what) from None


def _malformed(service: str, what: str) -> ReferenceLookupError:
    return ReferenceLookupError(
        f"{service}'s answer for {what} could not be read. Try again later, or enter the "
        "reference by hand."
    )


def fetch_crossref_work(client: httpx.Client, doi: str) -> dict[str, Any]:
    what = f"DOI {doi}"
    data = _get(client, "Crossref", CROSSREF_WORKS + doi, crossref_params(), what)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise _malformed("Crossref", what)
    return message


def fetch_crossref_notices(client: httpx.Client, doi: str) -> list[dict[str, Any]]:
    """Notices (retractions, corrections, concerns) whose ``update-to`` names this DOI."""
    params = {**crossref_params(), "filter": f"updates:{doi}", "rows": "20"}
    data = _get(client, "Crossref", CROSSREF_WORKS.rstrip("/"), params, f"notices on DOI {doi}")
    try:
        items = data["message"]["items"]
    except (KeyError, TypeError):
        raise _malformed("Crossref", f"notices on DOI {doi}") from None
    return [item for item in items if isinstance(item, dict)]


def fetch_pubmed_summaries(client: httpx.Client, pmids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """esummary for up to a few hundred PMIDs at once; a missing PMID raises not found."""
    pmids = list(pmids)
    what = f"PMID {pmids[0]}" if len(pmids) == 1 else f"{len(pmids)} PMIDs"
    params = {**ncbi_params(), "db": "pubmed", "id": ",".join(pmids), "retmode": "json"}
    data = _get(client, "PubMed", EUTILS_ESUMMARY, params, what)
    if not isinstance(data, dict):
        raise _malformed("PubMed", what)
    result = data.get("result")
    if not isinstance(result, dict):
        if "error" in data and len(pmids) == 1:
            raise ReferenceLookupError(f"PubMed has no record of {what}. Check it and try again.")
        raise _malformed("PubMed", what)
    summaries = {}
    for pmid in pmids:
        entry = result.get(pmid)
        if not isinstance(entry, dict) or "error" in entry:
            if len(pmids) == 1:
                raise ReferenceLookupError(
                    f"PubMed has no record of {what}. Check it and try again."
                )
            continue
        summaries[pmid] = entry
    return summaries


# --- reading the answers --------------------------------------------------------------------


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return _plain(value) if isinstance(value, str) else ""


def _plain(text: str) -> str:
    """Crossref titles may carry JATS markup (<i>, <sub>); keep the words only."""
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def crossref_names(people: Any) -> list[dict[str, str]]:
    """Crossref's author or editor list, every name, in order."""
    names = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("family"):
            name = {"family": _plain(str(person["family"]))}
            if person.get("given"):
                name["given"] = _plain(str(person["given"]))
            names.append(name)
        elif person.get("name"):
            names.append({"literal": _plain(str(person["name"]))})
    return clean_names(names)


def _crossref_date(message: dict[str, Any]) -> tuple[int | None, int | None, int | None]:
    """Year, month, day of the print issue if there is one, else the first publication."""
    for name in ("published-print", "issued", "published-online", "published", "posted"):
        try:
            parts = message[name]["date-parts"][0]
        except (KeyError, IndexError, TypeError):
            continue
        if parts and isinstance(parts[0], int):
            parts = [*parts, None, None]
            month = parts[1] if isinstance(parts[1], int) and 1 <= parts[1] <= 12 else None
            day = parts[2] if month and isinstance(parts[2], int) and 1 <= parts[2] <= 31 else None
            return parts[0], month, day
    return None, None, None


CROSSREF_KINDS = {
    "journal-article": Kind.JOURNAL_ARTICLE,
    "book": Kind.BOOK,
    "monograph": Kind.BOOK,
    "edited-book": Kind.BOOK,
    "reference-book": Kind.BOOK,
    "book-set": Kind.BOOK,
    "book-chapter": Kind.CHAPTER,
    "book-section": Kind.CHAPTER,
    "book-part": Kind.CHAPTER,
    "reference-entry": Kind.CHAPTER,
    "proceedings-article": Kind.CONFERENCE_PAPER,
    "report": Kind.REPORT,
    "report-component": Kind.REPORT,
    "standard": Kind.REPORT,
    "dataset": Kind.DATASET,
    "posted-content": Kind.PREPRINT,
}
GUIDANCE_WORDS = ("guideline", "position statement", "consensus statement", "recommendation")

# PubMed publication types, strongest evidence label first (a meta-analysis that is also a
# review is a systematic review).
PUBMED_DESIGNS: list[tuple[str, tuple[str, ...]]] = [
    (Design.GUIDELINE, ("practice guideline", "guideline")),
    (Design.SYSTEMATIC_REVIEW, ("systematic review", "meta-analysis", "network meta-analysis")),
    (Design.RCT, ("randomized controlled trial", "randomized controlled trial, veterinary")),
    (Design.CASE_REPORT, ("case reports",)),
    (Design.REVIEW, ("review", "scoping review")),
    (
        Design.EXPERT_OPINION,
        (
            "consensus development conference",
            "consensus development conference, nih",
            "consensus statement",
            "editorial",
            "comment",
            "letter",
        ),
    ),
    (
        Design.PRIMARY_RESEARCH,
        (
            "clinical trial",
            "clinical trial, phase i",
            "clinical trial, phase ii",
            "clinical trial, phase iii",
            "clinical trial, phase iv",
            "controlled clinical trial",
            "pragmatic clinical trial",
            "observational study",
            "multicenter study",
            "comparative study",
            "evaluation study",
            "validation study",
        ),
    ),
]
# MEDLINE's MeSH headings say more about observational designs than the publication types.
MESH_DESIGNS = {
    "cohort studies": Design.COHORT,
    "prospective studies": Design.COHORT,
    "retrospective studies": Design.COHORT,
    "longitudinal studies": Design.COHORT,
    "case-control studies": Design.CASE_CONTROL,
}


def design_from_types(types: Iterable[str], headings: Iterable[str] = ()) -> str:
    """The study design PubMed's publication types (and MeSH headings) state, or ""."""
    lowered = {t.strip().lower() for t in types}
    for design, names in PUBMED_DESIGNS:
        if lowered & set(names):
            if design == Design.PRIMARY_RESEARCH:
                for heading in headings:
                    found = MESH_DESIGNS.get(heading.strip().lstrip("*").split("/")[0].lower())
                    if found:
                        return found
            return design
    for heading in headings:
        found = MESH_DESIGNS.get(heading.strip().lstrip("*").split("/")[0].lower())
        if found:
            return found
    return ""


def kind_from_types(types: Iterable[str], title: str = "") -> str:
    """PubMed records are journal articles unless the types say guideline (or a book)."""
    lowered = {t.strip().lower() for t in types}
    if lowered & {"practice guideline", "guideline"}:
        return Kind.GUIDELINE
    if "preprint" in lowered:
        return Kind.PREPRINT
    if "dataset" in lowered:
        return Kind.DATASET
    return guess_kind(title)


def guess_kind(title: str, publication_types: Iterable[str] = ()) -> str:
    """A journal article, or a guideline when its title says it is guidance."""
    types = {t.lower() for t in publication_types}
    if types & {"practice guideline", "guideline"}:
        return Kind.GUIDELINE
    if any(word in title.lower() for word in GUIDANCE_WORDS):
        return Kind.GUIDELINE
    return Kind.JOURNAL_ARTICLE


def crossref_status(
    message: dict[str, Any], doi: str, notices: Iterable[dict[str, Any]] = ()
) -> str | None:
    """The worst notice on a work: from its ``updated-by`` list and from notices whose
    ``update-to`` names it. None when Crossref shows no notice (which is not proof of none)."""
    kinds: list[str] = []
    for update in message.get("updated-by") or []:
        if isinstance(update, dict):
            kinds.append(str(update.get("type", "")))
    for notice in notices:
        for update in notice.get("update-to") or []:
            if isinstance(update, dict) and str(update.get("DOI", "")).lower() == doi:
                kinds.append(str(update.get("type", "")))
    return worst_status(kinds)


def worst_status(kinds: Iterable[str]) -> str | None:
    found = set()
    for kind in kinds:
        k = kind.lower().replace("-", "_").replace(" ", "_")
        if k in {"retraction", "retracted", "withdrawal", "removal"}:
            found.add(Status.RETRACTED)
        elif k in {"expression_of_concern", "concern", "partial_retraction"}:
            found.add(Status.CONCERN)
        elif k in {"correction", "erratum", "corrigendum", "corrected"}:
            found.add(Status.CORRECTED)
    for status in (Status.RETRACTED, Status.CONCERN, Status.CORRECTED):
        if status in found:
            return status
    return None


NOTICE_LINKS = {
    "retraction in": "retraction",
    "expression of concern in": "expression_of_concern",
    "erratum in": "correction",
    "corrected and republished in": "correction",
}


def pubmed_status(summary: dict[str, Any]) -> str | None:
    """From the publication types and the notices PubMed links ("Retraction in", "Erratum in")."""
    types = [str(t) for t in summary.get("pubtype") or []]
    kinds = []
    if "Retracted Publication" in types:
        kinds.append("retraction")
    if "Corrected and Republished Article" in types:
        kinds.append("correction")
    for link in summary.get("references") or []:
        if isinstance(link, dict):
            kinds.append(NOTICE_LINKS.get(str(link.get("reftype", "")).lower(), ""))
    return worst_status(kinds)


def _with_status(fields: dict[str, Any], status: str | None) -> dict[str, Any]:
    if status:
        fields["retraction_status"] = status
        fields["checked_at"] = timezone.now()
    return fields


def fields_from_crossref(message: dict[str, Any], *, doi: str) -> dict[str, Any]:
    title = _first(message.get("title"))
    if not title:
        raise _malformed("Crossref", f"DOI {doi}")
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    crossref_type = str(message.get("type") or "")
    kind: str = CROSSREF_KINDS.get(crossref_type, Kind.OTHER)
    if kind == Kind.JOURNAL_ARTICLE:
        kind = guess_kind(title)
    containers = [_plain(c) for c in message.get("container-title") or [] if isinstance(c, str)]
    container = containers[0] if containers else ""
    if not container and kind == Kind.PREPRINT:
        institutions = message.get("institution") or []
        if institutions and isinstance(institutions[0], dict):
            container = _plain(str(institutions[0].get("name") or ""))
    year, month, day = _crossref_date(message)
    fields: dict[str, Any] = {
        "kind": kind,
        "study_design": Design.GUIDELINE if kind == Kind.GUIDELINE else "",
        "title": title[:1000],
        "authors": crossref_names(message.get("author")),
        "editors": crossref_names(message.get("editor")),
        "journal": container[:500],
        "journal_abbrev": (
            _first(message.get("short-container-title"))[:200]
            if crossref_type == "journal-article"
            else ""
        ),
        "year": year,
        "month": month,
        "day": day,
        "volume": str(message.get("volume") or "")[:50],
        "issue": str(message.get("issue") or "")[:50],
        "pages": str(message.get("page") or message.get("article-number") or "")[:50],
        "doi": doi,
        "publisher": _plain(str(message.get("publisher") or ""))[:300],
        "publisher_place": _plain(str(message.get("publisher-location") or ""))[:200],
    }
    return _with_status(fields, crossref_status(message, doi))


def pubmed_names(authors: Any) -> list[dict[str, str]]:
    """esummary's authors ("Pop-Busui R"; a CollectiveName as a group), every one, in order."""
    names = []
    for author in authors if isinstance(authors, list) else []:
        if not isinstance(author, dict) or not author.get("name"):
            continue
        kind = str(author.get("authtype") or "Author")
        if kind == "CollectiveName":
            names.append({"literal": str(author["name"])})
        elif kind == "Author":
            names.append(parse_nlm_list(str(author["name"]))[0][0])
    return clean_names(names)


MONTH_NAMES = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


def pubmed_date(text: str) -> tuple[int | None, int | None, int | None]:
    """ "2004 Oct 28", "2014 Jul-Aug", "2021" → (year, month, day)."""
    parts = re.split(r"[\s/-]+", (text or "").strip())
    if not parts or not re.fullmatch(r"\d{4}", parts[0]):
        return None, None, None
    year = int(parts[0])
    month = MONTH_NAMES.get(parts[1][:3].lower()) if len(parts) > 1 else None
    if month is None and len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = int(parts[1])
    day = None
    if month and len(parts) > 2 and parts[2].isdigit() and 1 <= int(parts[2]) <= 31:
        day = int(parts[2])
    return year, month, day


def fields_from_pubmed(summary: dict[str, Any], *, pmid: str) -> dict[str, Any]:
    title = _plain(str(summary.get("title") or "")).rstrip(".")
    if not title:
        raise _malformed("PubMed", f"PMID {pmid}")
    year, month, day = pubmed_date(str(summary.get("pubdate") or summary.get("epubdate") or ""))
    doi = ""
    for article_id in summary.get("articleids") or []:
        if isinstance(article_id, dict) and article_id.get("idtype") == "doi":
            doi = str(article_id.get("value") or "")
    if not doi:
        location = str(summary.get("elocationid") or "")
        if location.lower().startswith("doi:"):
            doi = location[4:].strip()
    try:
        doi = normalize_doi(doi) if doi else ""
    except InvalidIdentifier:
        doi = ""
    types = [str(t) for t in summary.get("pubtype") or []]
    fields: dict[str, Any] = {
        "kind": kind_from_types(types, title),
        "study_design": design_from_types(types),
        "title": title[:1000],
        "authors": pubmed_names(summary.get("authors")),
        "journal": str(summary.get("fulljournalname") or "")[:500],
        "journal_abbrev": str(summary.get("source") or "")[:200],
        "year": year,
        "month": month,
        "day": day,
        "volume": str(summary.get("volume") or "")[:50],
        "issue": str(summary.get("issue") or "")[:50],
        "pages": str(summary.get("pages") or "")[:50],
        "pmid": pmid,
        "doi": doi or None,
    }
    return _with_status(fields, pubmed_status(summary))
