"""The sitemap index and the feed under load: paged, valid, cached, 304 on a repeat; a feed
summary never carries markup a naive reader would run."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from articles import workflow
from articles.sitemaps import ArticleSitemap

pytestmark = pytest.mark.django_db

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP = f"{{{NS}}}"
ATOM = "{http://www.w3.org/2005/Atom}"
# sitemaps.org's sitemap.xsd and siteindex.xsd, as structural rules.
CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
MAX_ENTRIES = 50_000


def _local(element: ET.Element) -> str:
    assert element.tag.startswith(SITEMAP), f"{element.tag} is outside the sitemap namespace"
    return element.tag.removeprefix(SITEMAP)


def _check_loc(element: ET.Element) -> str:
    loc = element.text or ""
    parts = urlsplit(loc)
    assert parts.scheme in ("http", "https") and parts.netloc, f"{loc!r} is not absolute"
    assert 12 <= len(loc) < 2048
    return loc


def assert_valid_index(content: bytes) -> list[str]:
    """siteindex.xsd: <sitemapindex> of <sitemap> (loc, then optional lastmod)."""
    root = ET.fromstring(content)
    assert _local(root) == "sitemapindex"
    entries = list(root)
    assert 0 < len(entries) <= MAX_ENTRIES
    locs = []
    for entry in entries:
        assert _local(entry) == "sitemap"
        children = [_local(child) for child in entry]
        assert children in (["loc"], ["loc", "lastmod"]), children
        locs.append(_check_loc(entry[0]))
        if len(entry) == 2:
            assert W3C_DATETIME.match(entry[1].text or ""), entry[1].text
    return locs


def assert_valid_urlset(content: bytes) -> list[str]:
    """sitemap.xsd: <urlset> of <url> (loc first; lastmod, changefreq, priority optional)."""
    root = ET.fromstring(content)
    assert _local(root) == "urlset"
    locs = []
    for url in root:
        assert _local(url) == "url"
        children = [_local(child) for child in url]
        assert children[0] == "loc" and len(set(children)) == len(children), children
        assert set(children) <= {"loc", "lastmod", "changefreq", "priority"}
        order = ["loc", "lastmod", "changefreq", "priority"]
        assert children == sorted(children, key=order.index)
        locs.append(_check_loc(url[0]))
        for child in url[1:]:
            value = child.text or ""
            match _local(child):
                case "lastmod":
                    assert W3C_DATETIME.match(value), value
                case "changefreq":
                    assert value in CHANGEFREQ
                case "priority":
                    assert 0.0 <= float(value) <= 1.0
    assert len(locs) <= MAX_ENTRIES
    return locs


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def five_live(policy, make_article):
    return [make_article("published", title=f"Does walking help, part {n}?") for n in range(5)]


def test_the_sitemap_is_an_index_of_valid_pages_each_within_the_limit(
    client, five_live, monkeypatch
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    sections = assert_valid_index(index.content)
    article_pages = [s for s in sections if "sitemap-articles.xml" in s]
    assert len(article_pages) == 3  # five articles, two a page
    listed = []
    for section in sections:
        response = client.get(path_of(section))
        assert response.status_code == 200
        locs = assert_valid_urlset(response.content)
        if "sitemap-articles" in section:
            assert 1 <= len(locs) <= 2
        listed += locs
    expected = {f"http://testserver/articles/{a.slug}/" for a in five_live}
    assert expected <= set(listed)
    assert len(listed) == len(set(listed))  # no address twice


def test_the_real_page_size_stays_under_the_protocol_limit():
    assert ArticleSitemap.limit == 10_000 < MAX_ENTRIES


def test_a_page_past_the_end_or_an_unknown_section_is_404(client, five_live):
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_repeat_request_gets_304_for_the_sitemap_and_its_pages(client, five_live):
    for path in ("/sitemap.xml", "/sitemap-articles.xml"):
        first = client.get(path)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        assert "public" in first["Cache-Control"]
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_repeat_costs_one_small_query_pair_and_no_rendering(
    client, five_live, django_assert_max_num_queries
):
    for path in ("/sitemap.xml", "/sitemap-articles.xml", "/feed/"):
        client.get(path)
        with django_assert_max_num_queries(2):
            assert client.get(path).status_code == 200


def test_a_publication_changes_the_sitemap_at_once(client, five_live, make_article, editor):
    first = client.get("/sitemap-articles.xml")
    workflow.archive(article=five_live[0], by=editor, reason="Superseded.")
    again = client.get("/sitemap-articles.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert f"/articles/{five_live[0].slug}/" not in again.text


def test_the_feed_answers_if_modified_since_with_304(client, five_live):
    first = client.get("/feed/")
    assert first.status_code == 200 and first["Last-Modified"]
    assert client.get("/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/feed/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    later = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3650)
    old = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get("/feed/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_sitemap_and_feed_refuse_posts(client, five_live):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/feed/").status_code == 405


HOSTILE = 'Walking helps. <script>alert("x")</script><img src=x onerror=alert(1)> & more'


def test_feed_summaries_are_text_so_no_reader_runs_their_markup(client, make_article, policy):
    make_article("published", title="Does walking help?", summary=HOSTILE)
    response = client.get("/feed/")
    (entry,) = ET.fromstring(response.content).findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == HOSTILE  # shown as these characters, never parsed as HTML
    raw = response.content.decode()
    assert "<script>" not in raw and "<img" not in raw
    assert "&lt;script&gt;" in raw


def test_every_feed_entry_names_its_authors(client, make_article, policy):
    make_article("published", title="Does walking help?")
    (entry,) = ET.fromstring(client.get("/feed/").content).findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Alice Tester"
