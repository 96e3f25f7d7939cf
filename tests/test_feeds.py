"""The Atom feed and the sitemap: live articles only, dated by their live publication."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from articles import workflow

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def live(policy, make_article):
    return make_article("published", title="Does walking help knee pain?")


def sitemap_sections(client) -> list[str]:
    """The index's entries, as paths the test client can ask for."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [
        entry.find(f"{SITEMAP}loc").text.removeprefix("http://testserver")
        for entry in index.findall(f"{SITEMAP}sitemap")
    ]


def entries(client):
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_lists_a_new_publication(client, live):
    (entry,) = entries(client)
    assert entry.find(f"{ATOM}title").text == "Does walking help knee pain?"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/articles/{live.slug}/")
    assert entry.find(f"{ATOM}updated").text.startswith(
        live.current_publication.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_feed_omits_drafts_reviews_and_archived_articles(client, live, make_article, editor):
    make_article("draft", title="A draft")
    make_article("under_review", title="In review")
    archived = make_article("published", title="Archived one")
    workflow.archive(article=archived, by=editor, reason="Superseded.")
    assert [e.find(f"{ATOM}title").text for e in entries(client)] == [
        "Does walking help knee pain?"
    ]


def test_feed_marks_an_updated_publication_and_moves_it_up(
    client, live, make_article, reviewer, editor
):
    make_article("published", title="A newer article")
    workflow.start_rereview(article=live, by=reviewer)
    workflow.approve(article=live, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=live, by=editor)
    first, second = entries(client)
    assert first.find(f"{ATOM}title").text == "Does walking help knee pain?"
    assert first.find(f"{ATOM}summary").text.startswith("Updated.")
    assert second.find(f"{ATOM}title").text == "A newer article"


def test_sitemap_lists_live_articles_with_lastmod(client, live, make_article):
    make_article("draft", title="A draft")
    urls = {}
    for section in sitemap_sections(client):
        response = client.get(section)
        assert response.status_code == 200
        for url in ET.fromstring(response.content).findall(f"{SITEMAP}url"):
            urls[url.find(f"{SITEMAP}loc").text] = url.find(f"{SITEMAP}lastmod")
    article_urls = [u for u in urls if "/articles/" in u]
    assert article_urls == [f"http://testserver/articles/{live.slug}/"]
    lastmod = urls[article_urls[0]].text
    assert lastmod.startswith(live.current_publication.published_at.strftime("%Y-%m-%d"))
    assert "http://testserver/editorial-policy/1/" in urls


def test_feed_and_sitemap_answer_signed_in_people_alike(client, live, outsider):
    client.force_login(outsider)
    assert len(entries(client)) == 1
    assert client.get("/sitemap.xml").status_code == 200
