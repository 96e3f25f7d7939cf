"""DOI and PMID normalisation, shared by the model, the form, the markers and the look-up.

A DOI is stored lower-cased (DOIs are case-insensitive) without any resolver prefix:
``https://doi.org/10.2337/DC16-2042`` and ``doi:10.2337/dc16-2042`` both become
``10.2337/dc16-2042``. A PMID is stored as its digits: ``PMID: 27999003`` becomes
``27999003``. Anything else is refused with a sentence a person can act on.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
DOI_MAX_LENGTH = 255

_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|https?://doi\.org/|doi\.org/|doi:\s*|doi\s+)",
    re.IGNORECASE,
)
_PMID_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/"
    r"|pmid\s*:?\s*)",
    re.IGNORECASE,
)
# Zero-width characters that survive copy and paste from PDFs and word processors.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


class InvalidIdentifier(ValueError):
    """A DOI or PMID that cannot be normalised; str(error) is the message to show."""


def clean_text(value: str) -> str:
    """NFKC-normalised, without invisible characters, with any whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value or "").translate(_INVISIBLE)
    return " ".join(value.split())


def normalize_doi(value: str) -> str:
    """The DOI in its stored form, or InvalidIdentifier."""
    raw = clean_text(value)
    doi = _DOI_PREFIXES.sub("", raw).strip()
    if "%" in doi:
        doi = unquote(doi)
    doi = doi.strip().rstrip(".").lower()
    if not doi:
        raise InvalidIdentifier("Enter a DOI, e.g. 10.2337/dc16-2042.")
    if len(doi) > DOI_MAX_LENGTH:
        raise InvalidIdentifier(f"That DOI is {len(doi):,} characters; a DOI is at most 255.")
    if not DOI_RE.match(doi):
        raise InvalidIdentifier(
            f"“{_shorten(raw)}” is not a DOI: a DOI starts with 10., then a registrant code, "
            "a slash and a suffix, e.g. 10.2337/dc16-2042."
        )
    return doi


def normalize_pmid(value: str) -> str:
    """The PMID as digits, or InvalidIdentifier."""
    raw = clean_text(value)
    pmid = _PMID_PREFIXES.sub("", raw).strip().rstrip("/")
    if not pmid:
        raise InvalidIdentifier("Enter a PMID, e.g. 27999003.")
    if not PMID_RE.match(pmid):
        raise InvalidIdentifier(
            f"“{_shorten(raw)}” is not a PMID: a PubMed ID is a number of up to nine digits, "
            "e.g. 27999003."
        )
    return pmid


def classify(identifier: str) -> tuple[str, str]:
    """("doi", doi) or ("pmid", pmid) for whatever an author pasted; InvalidIdentifier otherwise."""
    raw = clean_text(identifier)
    if not raw:
        raise InvalidIdentifier("Enter a DOI (e.g. 10.2337/dc16-2042) or a PMID (e.g. 27999003).")
    lowered = raw.lower()
    if lowered.startswith("pmid") or "pubmed" in lowered or raw.isdigit():
        return "pmid", normalize_pmid(raw)
    if "10." in raw or lowered.startswith("doi"):
        return "doi", normalize_doi(raw)
    raise InvalidIdentifier(
        f"“{_shorten(raw)}” is neither a DOI (e.g. 10.2337/dc16-2042) nor a PMID (e.g. 27999003)."
    )


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
