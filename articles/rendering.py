"""The one renderer used by preview, review and publication."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nh3
from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from articles.models import Article

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass
class RenderedArticle:
    body_html: str
    references_html: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)


def render_markdown(text: str) -> str:
    return nh3.clean(_markdown.render(text))


def render_article(article: Article) -> RenderedArticle:
    return RenderedArticle(body_html=render_markdown(article.body))
