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
    assert (
        html == "&lt;<del>b&gt;a</del><ins>script&gt;x</ins>&lt;/<del>b</del><ins>script</ins>&gt;"
    )


def test_a_changed_comma_is_one_change():
    assert word_diff("Walk, then rest.", "Walk; then rest.") == (
        "Walk<del>,</del><ins>;</ins> then rest."
    )


def test_an_added_comma_is_one_insertion():
    assert word_diff("Walk then rest.", "Walk, then rest.") == "Walk<ins>,</ins> then rest."


def test_whitespace_changes_are_shown_and_kept():
    assert word_diff("Walk  daily.", "Walk daily.") == "Walk<del>  </del><ins> </ins>daily."
    assert word_diff("One.\nTwo.", "One.\n\nTwo.") == "One.<del>\n</del><ins>\n\n</ins>Two."


def test_a_moved_paragraph_reads_as_removed_there_and_added_here():
    old = "First point here.\n\nSecond point here.\n\nThird point."
    new = "Second point here.\n\nFirst point here.\n\nThird point."
    assert word_diff(old, new) == (
        "<del>First point here.\n\n</del>Second point here.\n\n"
        "<ins>First point here.\n\n</ins>Third point."
    )


def test_unicode_words_are_whole_tokens():
    assert word_diff("Le café est naïve 日本語.", "Le café est naïf 日本語.") == (
        "Le café est <del>naïve</del><ins>naïf</ins> 日本語."
    )
    assert word_diff("Dose 5 µg — daily", "Dose 10 µg — daily") == (
        "Dose <del>5</del><ins>10</ins> µg — daily"
    )


def test_script_is_escaped_on_either_side():
    added = word_diff("Safe text.", "Safe <script>alert(1)</script> text.")
    removed = word_diff("Safe <script>alert(1)</script> text.", "Safe text.")
    for html in (added, removed):
        assert "<script>" not in html and "</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert word_diff("<img src=x onerror=alert(1)>", "<img src=y onerror=alert(1)>") == (
        "&lt;img src=<del>x</del><ins>y</ins> onerror=alert(1)&gt;"
    )


def test_identical_and_empty_texts():
    assert word_diff("Same text.", "Same text.") == "Same text."
    assert word_diff("", "") == ""
    assert word_diff("", "New.") == "<ins>New.</ins>"
    assert word_diff("Old.", "") == "<del>Old.</del>"


def test_scattered_changes_in_a_long_body_are_each_marked():
    words = [f"word{n}" for n in range(3_000)]
    changed = list(words)
    for n in range(0, 3_000, 100):
        changed[n] = f"CHANGED{n}"
    html = word_diff(" ".join(words), " ".join(changed))
    assert html.count("<ins>") == 30 and html.count("<del>") == 30
    assert "<del>word1500</del><ins>CHANGED1500</ins>" in html


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
