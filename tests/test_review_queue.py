"""The board's queue, /review/: sections with counts, oldest first, constant queries."""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles import workflow
from articles.models import Publication, ReviewRound

QUEUE = "/review/"


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_authors_and_outsiders_are_refused(client, author, outsider):
    for person in (author, outsider):
        client.force_login(person)
        assert client.get(QUEUE).status_code == 403


def test_board_member_sees_every_section_with_counts(client, reviewer, make_article, policy):
    make_article("submitted", title="Waiting question?")
    make_article("under_review", title="Reviewing question?")
    client.force_login(reviewer)
    response = client.get(QUEUE)
    assert response.status_code == 200
    page = response.text
    for heading in (
        "Needs you",
        "Waiting for a reviewer",
        "In review by others",
        "Re-review due",
        "Evidence flagged",
        "Recently decided",
    ):
        assert heading in page
    assert 'Waiting for a reviewer <span class="count">1</span>' in page
    assert 'In review by others <span class="count">1</span>' in page
    assert 'Needs you <span class="count">0</span>' in page
    assert 'Evidence flagged <span class="count">0</span>' in page
    assert "Waiting question?" in page and "Reviewing question?" in page


def test_waiting_articles_are_listed_oldest_first_with_their_wait(
    client, reviewer, make_article, policy
):
    older = make_article("submitted", title="Older question?")
    newer = make_article("submitted", title="Newer question?")
    ReviewRound.objects.filter(article=older).update(
        opened_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert page.index(older.title) < page.index(newer.title)
    assert "3\xa0days" in page


def test_mine_lists_reviews_the_member_started(client, reviewer, author, make_article, policy):
    article = make_article("submitted")
    workflow.start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert 'Needs you <span class="count">1</span>' in page
    assert "0 of 1 approval" in page


def test_review_due_lists_published_articles_past_their_date(
    client, reviewer, make_article, policy
):
    article = make_article("published", title="Overdue question?")
    Publication.objects.filter(article=article).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert 'Re-review due <span class="count">1</span>' in page
    assert "Overdue question?" in page


def test_recently_decided_lists_closed_rounds(client, reviewer, make_article, policy):
    make_article("changes_requested", title="Sent back question?")
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert 'Recently decided <span class="count">1</span>' in page
    assert "Changes requested" in page


def test_an_author_on_the_board_is_told_they_cannot_review_their_own(
    client, reviewer_author, make_article, policy
):
    make_article("submitted", by=reviewer_author)
    client.force_login(reviewer_author)
    assert "You contributed: you cannot review it" in client.get(QUEUE).text


def _fill(make_article, n: int) -> None:
    for i in range(n):
        make_article("submitted", title=f"Waiting {i}?")
        make_article("under_review", title=f"Reviewing {i}?")
        make_article("changes_requested", title=f"Returned {i}?")


def test_the_number_of_queries_does_not_grow_with_the_number_of_articles(
    client, reviewer, make_article, policy, django_assert_max_num_queries
):
    _fill(make_article, 1)
    client.force_login(reviewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    _fill(make_article, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE)
    assert response.text.count("Waiting ") >= 7
