"""What the submission checks count as cited is exactly what the renderer numbers."""

from __future__ import annotations

from typing import Any

import pytest

from articles.rendering import render_text
from references.citations import cited_keys, resolve

BODIES = [
    "Plain [@pmid:27999003] and again [@PMID: 27999003].",
    "~~struck [@pmid:27999003]~~ and `code [@smith2024]` and [a link [@doi:10.1/x]](https://e.org)",
    "| a | b |\n|---|---|\n| [@pmid:27999003] | [@doi:10.2337/dc16-2042] |",
    "```\n[@pmid:27999003]\n```\n\nAfter the fence [@smith2024; @pmid:27999003].",
    "> quoted [@pmid:27999003]\n\n- listed [ @smith2024 ;@doi:10.2337/DC16-2042 ]",
    "*emphasis [@pmid:27999003]* and **strong [@missing2020]**",
]


@pytest.mark.parametrize("body", BODIES)
def test_the_checks_and_the_renderer_find_the_same_markers(reference: Any, body: str) -> None:
    keys = cited_keys(body)
    found = resolve(keys)
    rendered = render_text(body)
    assert rendered.unresolved == [key for key in keys if key not in found]
    assert len(rendered.citations) == len({ref.pk for ref in found.values()})
    assert rendered.body_html.count('class="citation"') >= len(rendered.citations)


def test_a_marker_in_struck_text_is_cited_and_one_in_code_is_not(reference: Any) -> None:
    body = "~~old claim [@pmid:27999003]~~ and `[@smith2024]`"
    assert cited_keys(body) == ["pmid:27999003"]
    assert len(render_text(body).citations) == 1
