"""The history view: every revision (who, when, why) and a word-level diff of any two."""

from __future__ import annotations

from articles import workflow
from articles.views.diff import word_diff
from tests.conftest import edit_body


def test_word_diff_marks_changed_words_only():
    html = word_diff("Walk every day.", "Walk most days.")
    assert html == "Walk <del>every day</del><ins>most days</ins>."


def test_word_diff_escapes_everything():
    html = word_diff("<b>a</b>", "<script>x</script>")
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("&lt;<del>b</del><ins>script</ins>&gt;")


def test_anonymous_visitor_is_sent_to_sign_in(client, make_article):
    article = make_article()
    response = client.get(f"/drafts/{article.pk}/history/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_author_cannot_see_the_history(client, other_author, make_article):
    article = make_article()
    client.force_login(other_author)
    assert client.get(f"/drafts/{article.pk}/history/").status_code == 404


def test_history_lists_who_when_and_why_and_diffs_the_latest_change(
    client, author, make_article, policy
):
    article = make_article()
    edit_body(
        article, by=author, body="## From the Guidelines\n\nDaily walking helps [@pmid:27999003].\n"
    )
    workflow.submit(article=article, by=author, comment="ready for the board")
    client.force_login(author)
    response = client.get(f"/drafts/{article.pk}/history/")
    assert response.status_code == 200
    page = response.text
    assert "Alice Tester" in page
    assert "Submit for review: ready for the board" in page
    assert "<del>Exercise</del><ins>Daily walking</ins> helps" in page


def test_any_two_revisions_can_be_compared(client, author, make_article):
    article = make_article()
    first = article.history.order_by("history_date").first()
    edit_body(article, by=author, body="Second text [@pmid:27999003].")
    edit_body(article, by=author, body="Third text [@pmid:27999003].")
    last = article.history.order_by("-history_date").first()
    client.force_login(author)
    page = client.get(
        f"/drafts/{article.pk}/history/?from={first.history_id}&to={last.history_id}"
    ).text
    assert "Changes from revision 1" in page and "to revision 3" in page
    assert "<ins>Third</ins>" in page or "<ins>Third text</ins>" in page


def test_nonsense_revision_ids_fall_back_to_the_default(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.get(f"/drafts/{article.pk}/history/?from=abc&to=999999")
    assert response.status_code == 200
