"""Query budgets for the public pages (no timings here: the benchmark lives in bench/)."""

from __future__ import annotations

import pytest

from articles import workflow
from references.models import Reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def heavy(policy, make_article, author, reviewer, second_reviewer, editor):
    """Published three times, citing 30 references, approved by two board members."""
    keys = []
    for n in range(30):
        Reference.objects.create(
            key=f"ref{n}",
            title=f"Trial number {n}",
            journal="Neurology",
            year=2000 + n % 25,
            retraction_status=Reference.RetractionStatus.OK,
        )
        keys.append(f"@ref{n}")
    body = "## From the Research\n\n" + "\n\n".join(
        f"Finding {n} [{key}]." for n, key in enumerate(keys)
    )
    article = make_article("published", body=body)
    for cycle in range(2):
        workflow.revise(article=article, by=author)
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=article.revision,
            title=article.title,
            summary=f"Revision {cycle}.",
            body=body,
        )
        workflow.submit(article=article, by=author)
        workflow.start_review(article=article, by=reviewer)
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
        if article.state != "approved":
            workflow.approve(article=article, by=second_reviewer, conflict_of_interest="none")
        workflow.publish(article=article, by=editor, change_note="References updated.")
    article.refresh_from_db()
    return article


def test_article_page_costs_two_queries_whatever_it_cites(
    client, heavy, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(f"/articles/{heavy.slug}/")
    assert response.status_code == 200
    assert response.content.count(b'<sup class="citation">') == 30
    assert heavy.current_publication.number == 3


def test_not_modified_answer_costs_one_query(client, heavy, django_assert_max_num_queries):
    etag = client.get(f"/articles/{heavy.slug}/")["ETag"]
    with django_assert_max_num_queries(1):
        response = client.get(f"/articles/{heavy.slug}/", headers={"if-none-match": etag})
    assert response.status_code == 304


def test_gone_and_not_found_cost_one_query(client, heavy, editor, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get("/articles/nothing-here/").status_code == 404
    workflow.archive(article=heavy, by=editor, reason="Superseded.")
    with django_assert_max_num_queries(1):
        assert client.get(f"/articles/{heavy.slug}/").status_code == 410


def test_list_search_feed_and_sitemap_do_not_grow_with_articles(
    client, policy, make_article, django_assert_max_num_queries
):
    for n in range(6):
        make_article("published", title=f"Question {n}?")
    with django_assert_max_num_queries(3):  # the list's version, the count and the page
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/?q=question").status_code == 200
    # The version (latest event, policies), then on a miss: the entries and their authors.
    with django_assert_max_num_queries(4):
        assert client.get("/feed/").status_code == 200
    # The version, then on a miss: each section's count and latest date.
    with django_assert_max_num_queries(8):
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_max_num_queries(5):  # the version, the count, the page, policies
        assert client.get("/sitemap-articles.xml").status_code == 200


def test_repeat_anonymous_visits_are_served_from_the_page_cache(
    client, heavy, django_assert_max_num_queries
):
    first = client.get(f"/articles/{heavy.slug}/")
    with django_assert_max_num_queries(1):  # which publication is live
        again = client.get(f"/articles/{heavy.slug}/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"]
    client.get("/")
    with django_assert_max_num_queries(1):  # when any article last changed
        assert client.get("/").status_code == 200


def test_cached_article_page_turns_410_as_soon_as_it_is_archived(client, heavy, editor):
    assert client.get(f"/articles/{heavy.slug}/").status_code == 200
    workflow.archive(article=heavy, by=editor, reason="Superseded.")
    assert client.get(f"/articles/{heavy.slug}/").status_code == 410


def test_cached_list_shows_a_new_publication_at_once(client, heavy, make_article):
    assert heavy.title.encode() in client.get("/").content
    make_article("published", title="A brand new answer?")
    assert b"A brand new answer?" in client.get("/").content


def test_signed_in_people_never_get_a_cached_anonymous_page(client, heavy, outsider):
    client.get(f"/articles/{heavy.slug}/")
    client.force_login(outsider)
    response = client.get(f"/articles/{heavy.slug}/")
    assert b"Sign out" in response.content
    assert "private" in response["Cache-Control"]


@pytest.fixture
def micro_cache(settings):
    """The opt-in micro-cache, emptied before and after so no other test sees its pages."""
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    yield
    cache.clear()


def test_micro_cache_serves_repeat_visits_without_a_query(
    client, heavy, micro_cache, django_assert_num_queries
):
    first = client.get(f"/articles/{heavy.slug}/")
    client.get("/")
    with django_assert_num_queries(0):
        again = client.get(f"/articles/{heavy.slug}/")
        listing = client.get("/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "s-maxage=" in again["Cache-Control"]
    assert listing.status_code == 200
    with django_assert_num_queries(0):
        not_modified = client.get(
            f"/articles/{heavy.slug}/", headers={"if-none-match": first["ETag"]}
        )
    assert not_modified.status_code == 304


def test_micro_cache_is_never_used_for_signed_in_people(client, heavy, micro_cache, outsider):
    client.get(f"/articles/{heavy.slug}/")
    client.force_login(outsider)
    assert b"Sign out" in client.get(f"/articles/{heavy.slug}/").content


def test_micro_cache_is_off_by_default(client, heavy, settings, django_assert_num_queries):
    assert settings.PUBLIC_PAGE_CACHE_SECONDS == 0
    client.get(f"/articles/{heavy.slug}/")
    with django_assert_num_queries(1):
        client.get(f"/articles/{heavy.slug}/")
