"""Editors: the publishing page, Publish now or at a time, Archive with a reason."""

from __future__ import annotations

import datetime

from django.utils import timezone

PUBLISHING = "/publishing/"


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(PUBLISHING)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_authors_and_reviewers_are_refused_the_publishing_page(client, author, reviewer):
    for person in (author, reviewer):
        client.force_login(person)
        assert client.get(PUBLISHING).status_code == 403


def test_editor_sees_what_is_ready_to_publish(client, editor, make_article, policy):
    article = make_article("approved", title="Ready question?")
    client.force_login(editor)
    page = client.get(PUBLISHING).text
    assert "Ready question?" in page
    assert f'action="/review/{article.pk}/publish/"' in page
    assert ">Publish</button>" in page


def test_editor_publishes_now_and_readers_see_it(client, editor, make_article, policy):
    article = make_article("approved")
    client.force_login(editor)
    response = client.post(f"/review/{article.pk}/publish/", {"at": ""})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "published"
    assert article.current_publication.published_by == editor
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editor_schedules_a_publication(client, editor, make_article, policy):
    article = make_article("approved")
    client.force_login(editor)
    at = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        f"/review/{article.pk}/publish/", {"at": at.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    article.refresh_from_db()
    assert article.state == "approved"
    assert article.publish_at is not None
    assert "Scheduled:" in response.text
    assert "Scheduled to go live" in response.text


def test_a_reviewer_cannot_publish_even_with_a_crafted_post(client, reviewer, make_article, policy):
    article = make_article("approved")
    client.force_login(reviewer)
    assert ">Publish</button>" not in client.get(f"/review/{article.pk}/").text
    response = client.post(f"/review/{article.pk}/publish/", {"at": ""})
    assert response.status_code == 400
    assert "Only an editor can publish" in response.text
    article.refresh_from_db()
    assert article.state == "approved"


def test_an_outsider_cannot_reach_publish(client, outsider, make_article, policy):
    article = make_article("approved")
    client.force_login(outsider)
    assert client.post(f"/review/{article.pk}/publish/", {"at": ""}).status_code == 404


def test_archive_needs_a_reason(client, editor, make_article, policy):
    article = make_article("published")
    client.force_login(editor)
    response = client.post(f"/review/{article.pk}/archive/", {"reason": ""})
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.state == "published"
    response = client.post(
        f"/review/{article.pk}/archive/", {"reason": "Superseded by a newer article."}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "archived"
    assert article.archived_reason == "Superseded by a newer article."


def test_an_author_cannot_archive(client, author, make_article, policy):
    article = make_article("published")
    client.force_login(author)
    response = client.post(f"/review/{article.pk}/archive/", {"reason": "Mine."})
    assert response.status_code == 400
    assert "Only an editor can archive" in response.text
    article.refresh_from_db()
    assert article.state == "published"
