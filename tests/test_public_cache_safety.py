"""What one visitor sends can never end up in the page the caches share with every reader."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def test_a_messages_cookie_cannot_plant_text_on_a_shared_public_page(
    client: Any, policy: Any, make_article: Any, author: Any
) -> None:
    published = make_article("published", title="Does walking help knee pain?")
    draft = make_article(title="PLANTED TEXT: stop your medicine")
    client.force_login(author)
    client.post(f"/drafts/{draft.pk}/withdraw/")  # refused: the message names the draft
    planted = client.cookies["messages"].value

    attacker = Client()
    attacker.cookies["messages"] = planted
    for path in ("/", published.get_absolute_url()):
        assert "PLANTED TEXT" not in attacker.get(path).content.decode()
        assert "PLANTED TEXT" not in Client().get(path).content.decode()


@pytest.mark.parametrize("query", ["a\x00b", "\x00"])
def test_a_nul_byte_in_the_search_is_harmless(client: Any, db: Any, query: str) -> None:
    assert client.get("/", {"q": query}).status_code == 200
