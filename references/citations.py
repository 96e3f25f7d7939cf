"""Citation markers in article bodies: parsing, resolving, numbering, and the citation rows.

Markers are Pandoc-style: ``[@pmid:27999003]``, ``[@doi:10.2337/dc16-2042]``, ``[@smith2024]``,
and several in one: ``[@a; @b]``. Each key is reduced to a canonical form so the same source
written two ways is one citation:

- ``pmid:<digits>`` (``[@PMID: 27999003]`` → ``pmid:27999003``),
- ``doi:<lower-case doi>`` (``[@doi:https://doi.org/10.2337/DC16-2042]`` → ``doi:10.2337/dc16-2042``;
  a bare ``[@10.2337/dc16-2042]`` is read as a DOI too),
- otherwise the reference's citation key, lower-cased (``[@Smith2024]`` → ``smith2024``).

Odd spacing (``[ @a ;@b ]``), non-breaking and zero-width spaces and full-width ``＠`` are
accepted. A key that is malformed (``[@pmid:12ab]``) is kept as written and reported as
unresolved, never dropped. Markers inside code spans, code blocks and link text are not
citations (``cited_keys`` walks the Markdown tokens, as the renderer does).

Numbers follow the order of first appearance of each *reference*: a reference cited again,
under the same key or another (its PMID, then its DOI), reuses its number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.db.models import Q

from editorial import markdown
from references.identifiers import (
    DOI_RE,
    InvalidIdentifier,
    clean_text,
    normalize_doi,
    normalize_pmid,
)
from references.models import Citation, Reference

if TYPE_CHECKING:
    from markdown_it.token import Token


class CitingText(Protocol):
    """What cites: an article (articles.Article builds on this app, not the other way)."""

    pk: Any
    body: str


_SPACE = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
# A bracket whose content starts with @ (or a full-width ＠) and holds no other bracket.
MARKER_RE = re.compile(rf"\[{_SPACE}*[@＠][^\[\]\n]*\]")
_ITEM_RE = re.compile(
    rf"^{_SPACE}*[@＠]{_SPACE}*(?:(?P<prefix>pmid|doi){_SPACE}*:{_SPACE}*)?(?P<value>[^\s;,\]]+)",
    re.IGNORECASE,
)
MARKER_MAX_LENGTH = Citation._meta.get_field("marker").max_length


@dataclass(frozen=True)
class Marker:
    """One bracket in the text: its canonical keys in the order written, and where it is."""

    keys: tuple[str, ...]
    start: int
    end: int
    text: str


class HasReferenceIdentifiers(Protocol):
    key: str
    doi: str | None
    pmid: str | None


def canonical_key(written: str, prefix: str | None = None) -> str:
    """The canonical form of one key (see the module docstring)."""
    value = clean_text(written).rstrip(".")
    kind = (prefix or "").lower()
    try:
        if kind == "pmid":
            return f"pmid:{normalize_pmid(value)}"
        if kind == "doi" or DOI_RE.match(value):
            return f"doi:{normalize_doi(value)}"
    except InvalidIdentifier:
        return f"{kind}:{value}" if kind else value
    return value.lower()


def parse_markers(text: str) -> list[Marker]:
    """Every marker in a run of text (positions are offsets into `text`)."""
    markers = []
    for match in MARKER_RE.finditer(text):
        keys: list[str] = []
        for item in match.group(0)[1:-1].split(";"):
            found = _ITEM_RE.match(item)
            if found:
                keys.append(canonical_key(found.group("value"), found.group("prefix")))
        if keys:
            markers.append(
                Marker(keys=tuple(keys), start=match.start(), end=match.end(), text=match.group(0))
            )
    return markers


def citable_text_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    """The inline text tokens that may hold markers: not code, not inside a link or image."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        link_depth = 0
        for child in block.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            elif child.type == "text" and link_depth == 0:
                yield child


def cited_keys(body: str) -> list[str]:
    """Every distinct canonical key in the Markdown body, in order of first appearance."""
    return keys_in(markdown.parse(body))


def keys_in(tokens: Sequence[Token]) -> list[str]:
    """The markers' keys in parsed tokens: the one scan both the checks and the renderer use."""
    seen: dict[str, None] = {}
    for token in citable_text_tokens(tokens):
        for marker in parse_markers(token.content):
            for key in marker.keys:
                seen.setdefault(key, None)
    return list(seen)


def matches(key: str, reference: HasReferenceIdentifiers) -> bool:
    """Whether a canonical key names this reference."""
    if key.startswith("pmid:"):
        return bool(reference.pmid) and reference.pmid == key[5:]
    if key.startswith("doi:"):
        return bool(reference.doi) and reference.doi == key[4:]
    return bool(reference.key) and reference.key == key


def match_keys(keys: Iterable[str], references: Iterable[Any]) -> dict[str, Any]:
    """Map each key to the first of `references` it names (in memory; no query)."""
    references = list(references)
    found = {}
    for key in keys:
        for reference in references:
            if matches(key, reference):
                found[key] = reference
                break
    return found


def resolve(keys: Sequence[str]) -> dict[str, Reference]:
    """Map each key to its reference in the library, in one query; unknown keys are absent."""
    pmids = [k[5:] for k in keys if k.startswith("pmid:")]
    dois = [k[4:] for k in keys if k.startswith("doi:")]
    slugs = [k for k in keys if not k.startswith(("pmid:", "doi:"))]
    query = Q()
    if pmids:
        query |= Q(pmid__in=pmids)
    if dois:
        query |= Q(doi__in=dois)
    if slugs:
        query |= Q(key__in=slugs)
    if not query:
        return {}
    return match_keys(keys, Reference.objects.filter(query))


@dataclass(frozen=True)
class Numbered:
    reference: Any
    number: int
    marker: str


def number_references(keys: Sequence[str], found: dict[str, Any]) -> list[Numbered]:
    """One entry per distinct reference, numbered by the first key that cites it."""
    numbered: dict[int, Numbered] = {}
    for key in keys:
        reference = found.get(key)
        if reference is None or reference.pk in numbered:
            continue
        numbered[reference.pk] = Numbered(reference, len(numbered) + 1, key[:MARKER_MAX_LENGTH])
    return list(numbered.values())


def unresolved_keys(keys: Sequence[str], found: dict[str, Any]) -> list[str]:
    return [key for key in keys if key not in found]


def sync_citations(article: CitingText) -> list[str]:
    """Rewrite the article's citation rows from its body; return the unresolved keys.

    Called by the workflow before it saves the article, so the history row it writes holds
    these rows. The rows are replaced wholesale: renumbering in place would trip the
    (article, number) uniqueness on every reorder.
    """
    keys = cited_keys(article.body)
    found = resolve(keys)
    rows = [
        Citation(
            article_id=article.pk,
            reference=entry.reference,
            number=entry.number,
            marker=entry.marker,
        )
        for entry in number_references(keys, found)
    ]
    with transaction.atomic():
        Citation.objects.filter(article_id=article.pk).delete()
        Citation.objects.bulk_create(rows)
    return unresolved_keys(keys, found)
