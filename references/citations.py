"""Citation markers in article bodies: parsing, resolving, and deriving the citation rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from references.models import Citation, Reference

if TYPE_CHECKING:
    from articles.models import Article

# [@pmid:123], [@doi:10.1/x], [@key], and several in one: [@a; @b]
MARKER_RE = re.compile(r"\[\s*(@[^\[\]]+?)\s*\]")
KEY_RE = re.compile(r"@\s*([^\s;@\]]+)")


@dataclass(frozen=True)
class Marker:
    keys: tuple[str, ...]
    start: int
    end: int


def parse_markers(body: str) -> list[Marker]:
    markers = []
    for match in MARKER_RE.finditer(body):
        keys = tuple(k.strip().rstrip(",") for k in KEY_RE.findall(match.group(1)))
        if keys:
            markers.append(Marker(keys=keys, start=match.start(), end=match.end()))
    return markers


def cited_keys(body: str) -> list[str]:
    """Every distinct key in order of first appearance."""
    seen: dict[str, None] = {}
    for marker in parse_markers(body):
        for key in marker.keys:
            seen.setdefault(key, None)
    return list(seen)


def _lookup(key: str) -> Q:
    lowered = key.lower()
    if lowered.startswith("pmid:"):
        return Q(pmid=key[5:])
    if lowered.startswith("doi:"):
        return Q(doi=key[4:].lower())
    return Q(key=key)


def resolve(keys: list[str]) -> dict[str, Reference]:
    """Map each key to its reference; keys with no reference are absent."""
    if not keys:
        return {}
    query = Q()
    for key in keys:
        query |= _lookup(key)
    references = list(Reference.objects.filter(query))
    found = {}
    for key in keys:
        for reference in references:
            if Reference.objects.filter(pk=reference.pk).filter(_lookup(key)).exists():
                found[key] = reference
                break
    return found


def sync_citations(article: Article) -> list[str]:
    """Rewrite the article's citation rows from its body; return the unresolved keys."""
    keys = cited_keys(article.body)
    found = resolve(keys)
    Citation.objects.filter(article=article).delete()
    rows, numbered = [], set()
    for key in keys:
        reference = found.get(key)
        if reference is None or reference.pk in numbered:
            continue
        numbered.add(reference.pk)
        rows.append(
            Citation(article=article, reference=reference, number=len(rows) + 1, marker=key)
        )
    Citation.objects.bulk_create(rows)
    return [key for key in keys if key not in found]
