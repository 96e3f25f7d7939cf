"""The renderer against an XSS corpus: nothing a writer types, and nothing in a reference's
metadata, becomes markup that runs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from articles.rendering import render_article, render_markdown, render_text
from references.models import Reference

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul", "cite",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "class", "id", "start", "style"}


class Audit(HTMLParser):
    """Every tag and attribute in the output, to compare with what is allowed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in SAFE_ATTRIBUTES or name.startswith("on"):
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name == "href":
                scheme_ok = value.startswith(("#", "https://", "http://", "mailto:", "//"))
                if not scheme_ok:
                    self.problems.append(f"href {value!r}")
            if name == "style" and value.replace(" ", "") not in {
                "text-align:left",
                "text-align:right",
                "text-align:center",
            }:
                self.problems.append(f"style {value!r}")


def assert_inert(markup: str) -> None:
    audit = Audit()
    audit.feed(markup)
    assert audit.problems == [], markup
    # Typed text may still read "javascript:" or "<script>", escaped; only markup matters.
    lowered = markup.lower()
    for needle in ("<script", "<svg", "<iframe", "<img", "<style", "<math", '<a href="javascript'):
        assert needle not in lowered, (needle, markup)


CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/pixel.gif)",
    '<https://example.org/" onclick="alert(1)>',
    '[a](https://example.org "t\\" onclick=alert(1)")',
    "[ref]: javascript:alert(1)\n\n[ref]",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "| <script>alert(1)</script> | x |\n|---|---|\n| <img src=x onerror=alert(1)> | 2 |",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    '[@x" onmouseover="alert(1)]',
    "[@<img src=x onerror=alert(1)>]",
    "[@pmid:<script>]",
    "# <script>alert(1)</script>\n\n> <img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", CORPUS)
def test_markdown_output_never_carries_active_markup(payload):
    assert_inert(render_markdown(payload))


@pytest.mark.parametrize("payload", CORPUS)
def test_previewed_article_text_never_carries_active_markup(db, payload):
    assert_inert(render_text(f"Intro [@pmid:27999003].\n\n{payload}\n").body_html)


def test_typed_html_is_shown_as_text_not_dropped():
    html = render_markdown("Use <script>alert(1)</script> with care")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unresolved_marker_with_markup_in_its_key_is_escaped(db):
    rendered = render_text('[@x"><img src=x onerror=alert(1)>]')
    assert_inert(rendered.body_html)


@pytest.mark.parametrize(
    "field",
    ["title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages", "publisher"],
)
def test_reference_metadata_with_markup_is_escaped_in_the_references_list(
    make_article, reference, field
):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    Reference.objects.filter(pk=reference.pk).update(**{field: payload[:50]})
    rendered = render_article(make_article())
    assert_inert(rendered.references_html)
    if field not in ("journal_abbrev", "publisher"):  # not shown beside a journal title
        assert "&lt;script&gt;" in rendered.references_html


def test_a_javascript_url_stored_behind_validation_is_never_linked(make_article, reference):
    Reference.objects.filter(pk=reference.pk).update(
        url="javascript:alert(1)", doi=None, pmid=None, key="evil"
    )
    rendered = render_article(make_article(body="[@evil]"))
    assert_inert(rendered.references_html)
    assert rendered.citations[0]["url"] == ""


def test_a_doi_with_markup_characters_is_percent_encoded_in_its_link(make_article, reference):
    Reference.objects.filter(pk=reference.pk).update(doi='10.1000/"><script>x')
    html = render_article(make_article()).references_html
    assert_inert(html)
    assert 'href="https://doi.org/10.1000/%22%3E%3Cscript%3Ex"' in html
