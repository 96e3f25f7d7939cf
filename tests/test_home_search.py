"""The home page: live articles newest first, paginated, with search over what readers see."""

from __future__ import annotations

import pytest

from articles import workflow
from articles.views.public import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(policy, make_article):
    def make(title: str, *, summary: str = "A summary.", body: str | None = None):
        content = {"title": title, "summary": summary}
        if body is not None:
            content["body"] = body
        return make_article("published", **content)

    return make


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_home_lists_published_articles_newest_first(client, publish):
    publish("Does walking help knee pain?")
    publish("What treats neuropathic pain?")
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["What treats neuropathic pain?", "Does walking help knee pain?"]
    assert b'href="/articles/does-walking-help-knee-pain/"' in response.content


def test_home_never_lists_drafts_reviews_or_archived_articles(
    client, policy, make_article, publish, editor
):
    for state in ("draft", "submitted", "under_review", "approved"):
        make_article(state, title=f"Working copy in {state}")
    gone = publish("An archived answer")
    workflow.archive(article=gone, by=editor, reason="Superseded.")
    publish("A live answer")
    response = client.get("/")
    assert titles(response) == ["A live answer"]
    assert b"Working copy" not in response.content


def test_home_shows_the_live_title_not_the_working_copy(client, publish, author):
    article = publish("The published question?")
    workflow.revise(article=article, by=author)
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title="An unreviewed question?",
        summary="",
        body=article.body,
    )
    response = client.get("/")
    assert titles(response) == ["The published question?"]


def test_home_is_paginated(client, publish, settings):
    for n in range(PAGE_SIZE + 1):
        publish(f"Question number {n}?")
    first = client.get("/")
    assert len(titles(first)) == PAGE_SIZE
    assert b"Page 1 of 2" in first.content
    second = client.get("/?page=2")
    assert titles(second) == ["Question number 0?"]
    assert client.get("/?page=99").status_code == 200  # the last page, not an error


def test_empty_site_says_so(client, db):
    response = client.get("/")
    assert b"No articles have been published yet." in response.content


def test_search_matches_title_summary_and_body(client, publish):
    publish("Does walking help knee pain?", summary="Usually, yes.")
    publish("What treats neuropathic pain?", summary="Several medicines help.")
    publish(
        "Is TENS useful?",
        summary="Sometimes.",
        body="Electrical stimulation for localized pain [@pmid:27999003].",
    )
    assert titles(client.get("/?q=walking")) == ["Does walking help knee pain?"]
    assert titles(client.get("/?q=medicines")) == ["What treats neuropathic pain?"]
    assert titles(client.get("/?q=stimulation")) == ["Is TENS useful?"]


def test_search_reads_the_live_publication_not_the_working_copy(client, publish, author):
    article = publish("Does walking help knee pain?")
    workflow.revise(article=article, by=author)
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title="Does swimming help knee pain?",
        summary="",
        body=article.body,
    )
    assert titles(client.get("/?q=swimming")) == []
    assert titles(client.get("/?q=walking")) == ["Does walking help knee pain?"]


def test_search_with_no_match_says_so_and_escapes_the_query(client, publish):
    publish("Does walking help knee pain?")
    response = client.get("/", {"q": "<script>zebra</script>"})
    assert response.status_code == 200
    assert b"<script>zebra" not in response.content
    assert b"&lt;script&gt;zebra" in response.content
    assert b"No articles match." in response.content


def test_search_keeps_the_query_in_page_links(client, publish):
    for n in range(PAGE_SIZE + 1):
        publish(f"Knee question {n}?")
    response = client.get("/", {"q": "knee"})
    assert b'href="?q=knee&amp;page=2"' in response.content


def test_signed_in_people_see_the_same_list(client, publish, author, outsider):
    publish("A live answer")
    for person in (author, outsider):
        client.force_login(person)
        response = client.get("/")
        assert titles(response) == ["A live answer"]
        assert "private" in response["Cache-Control"]


@pytest.mark.postgres
def test_postgres_search_is_full_text_with_stemming_and_ranking(client, publish):
    publish("Exercise for neuropathy?", summary="Walking and balance work.")
    publish(
        "Foot care?",
        summary="Checks every day.",
        body="Daily checks matter; exercises are a different topic [@pmid:27999003].",
    )
    # "exercising" stems to "exercis": both match; the title match ranks first.
    assert titles(client.get("/?q=exercising")) == ["Exercise for neuropathy?", "Foot care?"]
    assert titles(client.get("/?q=walk -balance")) == []
    assert titles(client.get('/?q="balance work"')) == ["Exercise for neuropathy?"]


@pytest.mark.postgres
def test_postgres_search_uses_the_indexed_document(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["articles_publication_search_document_gin"],
        )
        (definition,) = cursor.fetchone()
    assert "gin (search_document)" in definition
