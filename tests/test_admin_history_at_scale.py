"""The admin's history pages stay cheap however long an article's history grows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import edit_body

LONG = " ".join(f"word{n}" for n in range(3_000))


def test_admin_history_of_a_long_article_pages_and_shortens_long_texts(
    client, make_article, author, editor, policy
):
    article = make_article(body=f"{LONG} [@pmid:27999003].")
    path = f"/admin/articles/article/{article.pk}/history/"
    client.force_login(editor)
    for n in range(5):
        edit_body(article, by=author, body=f"{LONG} change {n} [@pmid:27999003].")
        article.refresh_from_db()
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(60):
        edit_body(article, by=author, body=f"{LONG} later {n} [@pmid:27999003].")
        article.refresh_from_db()
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert response.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries) + 2
    page = response.text
    assert "characters in all)" in page
    assert "word2999" not in page  # never a whole body in a row
    assert len(response.content) < 400_000


def test_admin_history_is_for_staff_only(client, make_article, author):
    article = make_article()
    path = f"/admin/articles/article/{article.pk}/history/"
    assert client.get(path).status_code == 302
    client.force_login(author)
    assert client.get(path).status_code == 302
