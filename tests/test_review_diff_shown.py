"""The review page shows each change with a paragraph either side, up to a bound, and the
whole comparison has its own page: a long article's review page stays a readable size."""

from __future__ import annotations

import random

import pytest

from articles import workflow
from articles.views.diff import CUT, is_cut, word_diff
from tests.conftest import edit_body

PARAGRAPHS = [f"Paragraph {n} says something about walking." for n in range(1, 8)]


def text(paragraphs):
    return "\n\n".join(paragraphs)


def test_unchanged_paragraphs_are_counted_with_one_either_side_of_a_change():
    changed = [*PARAGRAPHS]
    changed[3] = "Paragraph 4 says something about running."
    html = word_diff(text(PARAGRAPHS), text(changed), context=1)

    assert "<del>walking</del><ins>running</ins>" in html
    assert "Paragraph 3" in html and "Paragraph 5" in html
    for hidden in ("Paragraph 1 ", "Paragraph 2 ", "Paragraph 6 ", "Paragraph 7 "):
        assert hidden not in html
    assert html.count("… 2 unchanged paragraphs …") == 2
    # Without context, every paragraph is there, as on the page with the whole comparison.
    assert all(
        p.split(" says")[0] in word_diff(text(PARAGRAPHS), text(changed)) for p in PARAGRAPHS
    )


def test_a_single_unchanged_paragraph_is_shown_not_counted():
    changed = [*PARAGRAPHS[:3]]
    changed[1] = "Paragraph 2 says something about swimming."
    html = word_diff(text(PARAGRAPHS[:3]), text(changed), context=1)
    assert "Paragraph 1" in html and "Paragraph 3" in html
    assert "unchanged" not in html


def test_a_change_at_the_start_or_the_end_shows_no_context_before_or_after_it():
    first = ["Paragraph 1 says something new.", *PARAGRAPHS[1:]]
    html = word_diff(text(PARAGRAPHS), text(first), context=1)
    assert html.startswith("Paragraph 1 says something ")
    assert "Paragraph 2" in html and "… 5 unchanged paragraphs …" in html
    assert "Paragraph 7" not in html


def test_the_shown_diff_stops_at_a_change_once_it_is_long_enough():
    rng = random.Random(5)
    old = [
        " ".join(rng.choice(["walk", "rest", "eat", "sleep"]) for _ in range(60))
        for _ in range(200)
    ]
    new = [p.replace("walk", "stroll", 1) for p in old]
    html = word_diff(text(old), text(new), context=1, limit=5_000)

    assert is_cut(html)
    assert 5_000 <= len(html) < 5_000 + 2 * max(map(len, old)) + len(CUT) + 100
    assert html.count("<ins>") < 200
    whole = word_diff(text(old), text(new), context=1)
    assert not is_cut(whole) and whole.count("<ins>stroll</ins>") == sum("walk" in p for p in old)


def test_escaping_holds_in_the_shown_parts():
    old = text(["<script>a()</script> one.", "two.", "three.", "<b>four</b>."])
    new = text(["<script>a()</script> one.", "two.", "three.", "<b>five</b>."])
    html = word_diff(old, new, context=0)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;<del>four</del><ins>five</ins>&lt;/b&gt;" in html


@pytest.fixture
def long_revision(make_article, author, policy):
    """A live 10,000-word article revised in 500 scattered words, submitted for review."""
    rng = random.Random(11)
    words = ["walking", "helps", "most", "people", "with", "knee", "pain", "every", "day"]
    paragraphs = [" ".join(rng.choice(words) for _ in range(100)) for _ in range(100)]
    body = text(paragraphs) + " [@pmid:27999003]."
    article = make_article("published", body=body)
    workflow.revise(article=article, by=author)
    article.refresh_from_db()
    tokens = body.split(" ")
    for place in rng.sample(range(len(tokens) - 1), 500):
        tokens[place] = "often"
    edit_body(article, by=author, body=" ".join(tokens))
    workflow.submit(article=article, by=author)
    return article


def test_a_long_revisions_review_page_stays_small_and_links_to_every_change(
    client, long_revision, reviewer
):
    client.force_login(reviewer)
    page = client.get(f"/review/{long_revision.pk}/")
    assert page.status_code == 200
    assert len(page.content) < 200_000
    assert "more changes follow" in page.text
    assert f'href="/review/{long_revision.pk}/changes/"' in page.text

    whole = client.get(f"/review/{long_revision.pk}/changes/")
    assert whole.status_code == 200
    # Every changed word is on the whole comparison (a few merge with a changed neighbour).
    assert whole.text.count("often</ins>") >= 450
    assert "more changes follow" not in whole.text


def test_the_whole_comparison_is_for_those_who_may_see_the_working_copy(
    client, long_revision, outsider, other_author
):
    for person in (outsider, other_author):
        client.force_login(person)
        assert client.get(f"/review/{long_revision.pk}/changes/").status_code == 404
    client.logout()
    assert client.get(f"/review/{long_revision.pk}/changes/").status_code == 302


def test_the_review_pages_rendering_follows_its_references(
    client, make_article, reviewer, reference
):
    """The preview is kept per revision, and made again when a cited reference changes."""
    article = make_article("submitted")
    client.force_login(reviewer)
    assert "badge-retracted" not in client.get(f"/review/{article.pk}/").text
    reference.retraction_status = "retracted"
    reference.save()
    assert "badge-retracted" in client.get(f"/review/{article.pk}/").text
