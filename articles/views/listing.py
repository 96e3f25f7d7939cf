"""What the working lists share: sections with counts, filters from the query string, pages.

A list page (queue, desk, publishing) shows each of its sections bounded to a few rows
with "Show all" when no section is chosen, and one section page by page when one is
(`?section=waiting&page=2`). Counts come from one aggregate query, rows from one query per
section shown, so the number of queries does not depend on the number of articles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

PREVIEW_ROWS = 10
PAGE_ROWS = 25
# Past this many pages a link list would itself be long: show a window around the page.
PAGE_WINDOW = 2


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    condition: Q
    empty: str


@dataclass
class Section:
    key: str
    title: str
    count: int
    rows: list[Any]
    empty: str
    shown: bool = True
    url: str = ""
    page: int = 1
    pages: int = 1
    show_all_url: str = ""
    page_links: list[dict[str, Any]] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""


@dataclass
class Listing:
    """The filters as read, the chosen section (if any) and the sections to show."""

    filters: dict[str, str]
    chosen: str
    page: int
    sections: list[Section] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())

    @property
    def all_sections_url(self) -> str:
        return self.url(section="", page=1)

    @property
    def hidden_filters(self) -> dict[str, str]:
        """What the filter form must carry along besides its own fields."""
        return {"section": self.chosen} if self.chosen else {}

    def url(self, **changes: Any) -> str:
        params = {**self.filters, "section": self.chosen, "page": self.page, **changes}
        kept = {k: v for k, v in params.items() if v not in ("", None, 1, "1")}
        return f"?{urlencode(kept)}" if kept else "?"


def read_listing(
    request: HttpRequest, choices: dict[str, tuple[str, ...]], section_keys: tuple[str, ...]
) -> Listing:
    """Filters from the query string; a value not offered is ignored, never trusted."""
    filters = {}
    for name, allowed in choices.items():
        value = request.GET.get(name, "").replace("\x00", "").strip()
        if allowed and value not in allowed:
            value = ""
        filters[name] = value[:200]
    chosen = request.GET.get("section", "")
    if chosen not in section_keys:
        chosen = ""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    return Listing(filters=filters, chosen=chosen, page=page if chosen else 1)


class Pageable(Protocol):
    """What a section's rows must be: sliceable in order (a queryset, or two read one after
    the other, as the queue's "Re-review due")."""

    def __getitem__(self, page: slice, /) -> Iterable[Any]: ...


Rows = Pageable | Callable[[], Pageable]


def count_sections(base: QuerySet[Any], specs: list[SectionSpec]) -> dict[str, int]:
    """Every section's count, in one aggregate query over `base`."""
    counts = base.aggregate(**{spec.key: Count("pk", filter=spec.condition) for spec in specs})
    return {key: count or 0 for key, count in counts.items()}


def build_sections(
    listing: Listing,
    specs: list[SectionSpec],
    rows_for: Mapping[str, Rows],
    counts: Mapping[str, int],
) -> list[Section]:
    """The sections with their counts (`count_sections`, or kept from it), and the rows of
    the sections shown.

    `rows_for[key]` is the section's rows, ordered (a queryset, or any `Pageable`), or a
    function making them (then built only for a section shown with rows); sliced here.
    """
    sections = []
    for spec in specs:
        count = counts[spec.key]
        section = Section(
            key=spec.key,
            title=spec.title,
            count=count,
            rows=[],
            empty=spec.empty,
            shown=not listing.chosen or spec.key == listing.chosen,
            url=listing.url(section=spec.key, page=1),
        )
        if not section.shown:
            pass
        elif listing.chosen:
            section.pages = max(1, math.ceil(count / PAGE_ROWS))
            section.page = min(listing.page, section.pages)
            start = (section.page - 1) * PAGE_ROWS
            if count:
                section.rows = list(_pageable(rows_for[spec.key])[start : start + PAGE_ROWS])
            _link_pages(listing, section)
        else:
            if count:
                section.rows = list(_pageable(rows_for[spec.key])[:PREVIEW_ROWS])
            if count > PREVIEW_ROWS:
                section.show_all_url = listing.url(section=spec.key, page=1)
        sections.append(section)
    return sections


def _pageable(rows: Rows) -> Pageable:
    return rows() if callable(rows) else rows


def _link_pages(listing: Listing, section: Section) -> None:
    if section.pages <= 1:
        return
    shown = sorted(
        {1, section.pages}
        | set(
            range(
                max(1, section.page - PAGE_WINDOW),
                min(section.pages, section.page + PAGE_WINDOW) + 1,
            )
        )
    )
    previous = 0
    for number in shown:
        if number - previous > 1:
            section.page_links.append({"gap": True})
        section.page_links.append(
            {
                "number": number,
                "url": listing.url(section=section.key, page=number),
                "current": number == section.page,
            }
        )
        previous = number
    if section.page > 1:
        section.previous_url = listing.url(section=section.key, page=section.page - 1)
    if section.page < section.pages:
        section.next_url = listing.url(section=section.key, page=section.page + 1)
