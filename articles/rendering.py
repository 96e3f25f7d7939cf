"""The one renderer used by preview, review and publication.

Markdown goes through markdown-it-py with raw HTML off (``<script>`` typed in a body is text),
then nh3 sanitizes the output against an allowlist (no event attributes, no ``style`` except
table alignment, links only to http, https and mailto, ``rel="nofollow noopener"`` on links).

Citation markers (see ``references.citations``) become superscript numbers linking to their
entry in the References list; a marker that names no reference stays visible, flagged as
``<span class="citation-missing">``, and is listed in ``RenderedArticle.unresolved``.

The References list uses our own formatter, not citeproc-py: the style we need is the
NLM/Vancouver layout the seed page shows (authors, title, full NLM journal title,
year;volume(issue):pages) plus per-entry markup citeproc cannot produce (the kind label, the
DOI and PubMed links, the retraction badge). citeproc-py 0.11.1 ships only the Harvard style,
would need its output re-parsed to add that markup, and costs a dependency; the formatter
below is thirty lines and produces both the HTML entry and the plain text used in JSON-LD.

Query budget: ``render_article`` and ``render_revision`` cost one query whatever the number of
references (the citation rows with their references); ``render_text`` one (the library
look-up of the keys written).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import nh3
from markdown_it.token import Token

from editorial import markdown
from references import formatting
from references.citations import (
    citable_text_tokens,
    keys_in,
    match_keys,
    number_references,
    parse_markers,
    resolve,
)

if TYPE_CHECKING:
    from markdown_it.renderer import RendererHTML
    from markdown_it.utils import EnvType, OptionsDict

    from articles.models import Article

LINK_REL = "nofollow noopener"

# The site's one Markdown configuration (editorial.markdown), with links marked nofollow.
_markdown = markdown.BODY_MARKDOWN


def _link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if not str(token.attrGet("href") or "").startswith("#"):
        token.attrSet("rel", LINK_REL)
    return renderer.renderToken(tokens, idx, options, env)


_markdown.add_render_rule("link_open", _link_open)

BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"style"}, "th": {"style"}}
BODY_CLASSES = {"sup": {"citation"}, "span": {"citation-missing"}}
URL_SCHEMES = {"http", "https", "mailto"}

REFERENCE_TAGS = {"ol", "li", "span", "cite", "a"}
REFERENCE_CLASSES = {
    "ol": {"references"},
    "span": {
        "reference-kind", "reference-authors", "reference-source", "reference-links",
        "reference-notice",
        "badge", "badge-retracted", "badge-corrected", "badge-concern", "badge-unchecked",
    },
    "cite": {"reference-title"},
}  # fmt: skip

BADGES = {
    "retracted": ("badge-retracted", "Retracted"),
    "corrected": ("badge-corrected", "Corrected"),
    "concern": ("badge-concern", "Expression of concern"),
    "unchecked": ("badge-unchecked", "Not yet checked for retraction"),
}


@dataclass
class RenderedArticle:
    body_html: str
    references_html: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def sanitize_body(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=BODY_TAGS,
        clean_content_tags={"script", "style"},
        attributes=BODY_ATTRIBUTES,
        tag_attribute_values={"a": {"rel": {LINK_REL}}},
        allowed_classes=BODY_CLASSES,
        filter_style_properties={"text-align"},
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


def render_markdown(text: str) -> str:
    """Sanitized HTML for plain Markdown (policy bodies, comments); markers are left as text."""
    return sanitize_body(_markdown.render(text or ""))


def render_article(article: Article) -> RenderedArticle:
    """The article's current body with its citation rows (one query)."""
    return _render_with_rows(article.body, _citation_rows(article))


def _citation_rows(article: Article) -> list[Any]:
    from references.models import Citation

    return list(
        Citation.objects.filter(article_id=article.pk)
        .select_related("reference")
        .order_by("number")
    )


# A revision's text never changes; its rendering changes only with its cited references.
RENDERED_CACHE_SECONDS = 24 * 3600


def render_article_cached(article: Article) -> RenderedArticle:
    """render_article, kept in the cache for this revision and the state of its references
    (their rows' numbers, last changes and statuses): a 10,000-word article is parsed and
    sanitized once, not on every view of its review page."""
    from django.core.cache import cache

    rows = _citation_rows(article)
    state = hashlib.sha256(
        "|".join(
            f"{row.number}:{row.reference.pk}:{row.reference.updated_at.timestamp()}:"
            f"{row.reference.retraction_status}"
            for row in rows
        ).encode()
    ).hexdigest()[:16]
    key = (
        f"rendered:v1:{article.pk}.{article.created_at.timestamp():.6f}:{article.revision}:{state}"
    )
    found = cache.get(key)
    if found is None:
        found = _render_with_rows(article.body, rows)
        cache.set(key, found, RENDERED_CACHE_SECONDS)
    return found


def render_revision(historical_article: Any) -> RenderedArticle:
    """A simple-history record of an Article, with the citation rows it had then (one query)."""
    rows = list(
        historical_article.cited_references.all().select_related("reference").order_by("number")
    )
    return _render_with_rows(historical_article.body, [r for r in rows if r.reference is not None])


def render_text(body: str) -> RenderedArticle:
    """Unsaved text (live preview): markers resolved against the library; writes nothing."""
    tokens = markdown.parse(body)
    keys = keys_in(tokens)
    found = resolve(keys)
    entries = [(entry.number, entry.reference) for entry in number_references(keys, found)]
    numbers = {reference.pk: number for number, reference in entries}
    key_numbers = {key: numbers[reference.pk] for key, reference in found.items()}
    return _finish(tokens, key_numbers, entries)


def _render_with_rows(body: str, rows: Sequence[Any]) -> RenderedArticle:
    tokens = markdown.parse(body)
    keys = keys_in(tokens)
    by_reference = {row.reference.pk: row.number for row in rows}
    found = match_keys(keys, [row.reference for row in rows])
    key_numbers = {key: by_reference[reference.pk] for key, reference in found.items()}
    return _finish(tokens, key_numbers, [(row.number, row.reference) for row in rows])


def _finish(
    tokens: list[Token], key_numbers: dict[str, int], entries: Sequence[tuple[int, Any]]
) -> RenderedArticle:
    unresolved: dict[str, None] = {}
    _replace_markers(tokens, key_numbers, unresolved)
    body_html = sanitize_body(_markdown.renderer.render(tokens, _markdown.options, {}))
    citations = [citation_data(number, reference) for number, reference in entries]
    return RenderedArticle(
        body_html=body_html,
        references_html=references_html(entries),
        citations=citations,
        unresolved=list(unresolved),
    )


def _replace_markers(
    tokens: Sequence[Token], key_numbers: dict[str, int], unresolved: dict[str, None]
) -> None:
    targets = {id(token) for token in citable_text_tokens(tokens)}
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for child in block.children:
            markers = parse_markers(child.content) if id(child) in targets else []
            if not markers:
                children.append(child)
                continue
            position = 0
            for marker in markers:
                markup = _marker_html(marker.keys, key_numbers, unresolved)
                before = child.content[position : marker.start]
                if markup.startswith("<sup"):
                    # "function [@a]." reads "function¹.": the superscript sits on the word.
                    before = before.rstrip(" \u00a0")
                children.append(_text(before))
                children.append(_html(markup))
                position = marker.end
            children.append(_text(child.content[position:]))
        block.children = children


def _marker_html(
    keys: Sequence[str], key_numbers: dict[str, int], unresolved: dict[str, None]
) -> str:
    numbers: list[int] = []
    missing: list[str] = []
    for key in keys:
        number = key_numbers.get(key)
        if number is None:
            missing.append(key)
            unresolved.setdefault(key, None)
        elif number not in numbers:
            numbers.append(number)
    parts = []
    if numbers:
        links = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers)
        parts.append(f'<sup class="citation">{links}</sup>')
    for key in missing:
        parts.append(f'<span class="citation-missing">[@{html.escape(key)}]</span>')
    return "".join(parts)


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token


# --- the References list ------------------------------------------------------------------


def doi_url(doi: str | None) -> str:
    """The resolver link; characters DOIs may hold (<, >, #, ?) are percent-encoded."""
    return f"https://doi.org/{quote(doi, safe='/:;()._-')}" if doi else ""


def pubmed_url(pmid: str | None) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/" if pmid else ""


def _safe_url(url: str) -> str:
    return url if url.lower().startswith(("https://", "http://")) else ""


def source_line(reference: Any) -> str:
    """'Diabetes Care. 2017;40(1):136-54.' and the like: references.formatting, NLM style."""
    return formatting.source_text(reference)


def citation_text(reference: Any) -> str:
    """The formatted citation as plain text, e.g. for JSON-LD and e-mails."""
    return formatting.citation_text(reference)


def citation_data(number: int, reference: Any) -> dict[str, Any]:
    return {
        "number": number,
        "kind": reference.kind,
        "kind_label": formatting.kind_label(reference),
        "study_design": getattr(reference, "study_design", ""),
        "title": reference.title,
        "authors": list(reference.authors or []),
        "journal": reference.journal,
        "journal_abbrev": reference.journal_abbrev,
        "year": reference.year,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi or "",
        "pmid": reference.pmid or "",
        "url": _safe_url(reference.url),
        "doi_url": doi_url(reference.doi),
        "pubmed_url": pubmed_url(reference.pmid),
        "publisher": reference.publisher,
        "retraction_status": reference.retraction_status,
        "text": citation_text(reference),
    }


def reference_entry_html(number: int, reference: Any) -> str:
    esc = html.escape
    cited = formatting.citation_parts(reference)
    parts = [f'<span class="reference-kind">{esc(formatting.kind_label(reference))}</span> ']
    if cited.authors:
        parts.append(f'<span class="reference-authors">{esc(cited.authors)}</span> ')
    parts.append(f'<cite class="reference-title">{esc(cited.title)}</cite> ')
    if cited.source:
        parts.append(f'<span class="reference-source">{esc(cited.source)}</span> ')
    links = []
    if reference.doi:
        links.append(
            f'<a href="{esc(doi_url(reference.doi))}" rel="{LINK_REL}">doi:{esc(reference.doi)}</a>'
        )
    if reference.pmid:
        links.append(
            f'<a href="{esc(pubmed_url(reference.pmid))}" rel="{LINK_REL}">'
            f"PubMed {esc(reference.pmid)}</a>"
        )
    url = _safe_url(reference.url)
    if url and not links:
        links.append(f'<a href="{esc(url)}" rel="{LINK_REL}">{esc(reference.publisher or url)}</a>')
    if links:
        parts.append(f'<span class="reference-links">{" ".join(links)}</span>')
    if cited.notice:
        parts.append(f' <span class="reference-notice">{esc(cited.notice)}</span>')
    badge = BADGES.get(reference.retraction_status)
    if badge:
        parts.append(f' <span class="badge {badge[0]}">{badge[1]}</span>')
    return f'<li id="ref-{number}">{"".join(parts)}</li>'


def references_html(entries: Sequence[tuple[int, Any]]) -> str:
    if not entries:
        return ""
    items = "\n".join(reference_entry_html(number, reference) for number, reference in entries)
    return nh3.clean(
        f'<ol class="references">\n{items}\n</ol>',
        tags=REFERENCE_TAGS,
        attributes={"li": {"id"}, "a": {"href"}},
        tag_attribute_values={"a": {"rel": {LINK_REL}}},
        allowed_classes=REFERENCE_CLASSES,
        url_schemes={"http", "https"},
        link_rel=None,
    )
