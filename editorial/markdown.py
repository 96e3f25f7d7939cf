"""The one Markdown configuration of the site: CommonMark with tables and strikethrough, and
raw HTML off (``<script>`` typed in a body is text).

Article bodies are read once with it: the renderer (articles.rendering) numbers the citation
markers it finds in these tokens, and the submission checks (references.citations.cited_keys)
count the same markers in the same tokens, so what is checked and what is shown never differ.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

BODY_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def parse(text: str) -> list[Token]:
    """The block and inline tokens of a Markdown text."""
    return BODY_MARKDOWN.parse(text or "")
