"""The admin's history pages stay cheap however long an article's history grows."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import workflow
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
    assert "bytes in all)" in page
    assert "word2999" not in page  # never a whole body in a row
    assert len(response.content) < 400_000


def changes_in_rows(page: str) -> list[str]:
    """The "Changes" cell of each row of simple-history's list, newest first."""
    body = page.split('id="change-history"')[1].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S)[-1] for row in rows]


def test_admin_history_says_which_texts_changed_without_reading_them(
    client, make_article, author, editor, policy
):
    article = make_article(summary="First summary.", body=f"{LONG} [@pmid:27999003].")
    edit_body(article, by=author, body=f"{LONG} amended [@pmid:27999003].")
    article.refresh_from_db()
    workflow.submit(article=article, by=author)
    client.force_login(editor)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/admin/articles/article/{article.pk}/history/").text
    newest_submit, body_edit = changes_in_rows(page)[:2]

    assert "<strong>State:</strong>" in newest_submit
    assert "Body" not in newest_submit and "Summary" not in newest_submit
    assert "<strong>Body:</strong>" in body_edit
    assert "Summary" not in body_edit
    assert "word0 word1 word2" in body_edit and "chars]" not in body_edit
    assert f"({len(LONG) + len(' [@pmid:27999003].'):,} bytes in all)" in body_edit
    # The list reads each text's start, size and checksum, never a whole text.
    listed = [q["sql"] for q in queries.captured_queries if "historicalarticle" in q["sql"]]
    whole_body = re.compile(r'(SELECT |, )"articles_historicalarticle"\."body"(,| FROM)')
    assert listed and not any(whole_body.search(sql) for sql in listed)


def test_admin_history_shows_a_short_text_whole(client, make_article, author, editor, policy):
    article = make_article(summary="Old summary.")
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary="New summary <b>bold</b>.",
        body=article.body,
    )
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/history/").text
    summary_edit = changes_in_rows(page)[0]
    assert "<strong>Summary:</strong>" in summary_edit
    assert "Old summary." in summary_edit
    assert "New summary &lt;b&gt;bold&lt;/b&gt;." in summary_edit
    assert "bytes in all" not in summary_edit


def test_admin_history_is_for_staff_only(client, make_article, author):
    article = make_article()
    path = f"/admin/articles/article/{article.pk}/history/"
    assert client.get(path).status_code == 302
    client.force_login(author)
    assert client.get(path).status_code == 302
