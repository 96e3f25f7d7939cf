"""A POST that cannot be accepted shows back what the person wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from articles.models import State


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("approve", {"conflict_of_interest": "Speaker fees from a device maker, 2025"}),
        ("request-changes", {"comment": "The TENS paragraph needs a source from this decade."}),
        ("comment", {"body": "Is the 2024 update out yet?"}),
        ("archive", {"reason": "Superseded by the combined neuropathy article."}),
    ],
)
def test_a_decision_posted_after_the_session_ended_is_shown_back(
    client: Any, policy: Any, make_article: Any, path: str, fields: dict[str, str]
) -> None:
    article = make_article("under_review")
    response = client.post(f"/review/{article.pk}/{path}/", fields)
    assert response.status_code == 401
    for text in fields.values():
        assert text in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW


def test_a_get_on_a_decision_url_while_signed_out_goes_to_sign_in(
    client: Any, policy: Any, make_article: Any
) -> None:
    article = make_article("under_review")
    response = client.get(f"/review/{article.pk}/approve/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_save_from_a_page_older_than_the_last_sign_in_keeps_the_text(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    page = browser.get(f"/drafts/{article.pk}/")
    stale_token = page.context["csrf_token"]
    browser.logout()
    browser.force_login(author)  # signing in again rotates the CSRF secret
    browser.get(f"/drafts/{article.pk}/")

    response = browser.post(
        f"/drafts/{article.pk}/",
        {
            "csrfmiddlewaretoken": str(stale_token),
            "title": article.title,
            "summary": "A summary typed before the session was renewed.",
            "body": "Three paragraphs of careful writing.",
            "audience": article.audience,
            "expected_revision": article.revision,
            "action": "save",
        },
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Three paragraphs of careful writing." in page
    assert "A summary typed before the session was renewed." in page
    article.refresh_from_db()
    assert article.body != "Three paragraphs of careful writing."


def test_an_overlong_comment_is_refused_with_its_reason_and_kept(
    client: Any, policy: Any, make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    client.force_login(reviewer)
    text = "word " * 2_500
    response = client.post(f"/review/{article.pk}/comment/", {"body": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert text.strip() in page
    assert "at most 10000 characters" in page or "at most 10,000 characters" in page
    assert not article.comments.exists()


def test_a_server_error_while_deciding_shows_the_text_back(
    policy: Any, make_article: Any, reviewer: Any, monkeypatch: Any
) -> None:
    from articles import workflow

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(workflow, "request_changes", fail)
    article = make_article("under_review")
    browser = Client(raise_request_exception=False)
    browser.force_login(reviewer)
    comment = "Table 2 gabapentin doses are per day, not per dose; please fix the units."
    response = browser.post(f"/review/{article.pk}/request-changes/", {"comment": comment})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Not saved: something went wrong on our side" in page
    assert comment in page
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW


def test_a_server_error_on_a_page_without_text_is_the_plain_500_page(
    make_article: Any, author: Any, monkeypatch: Any
) -> None:
    from articles.views import desk

    monkeypatch.setattr(desk, "render", lambda *a, **k: 1 / 0)
    browser = Client(raise_request_exception=False)
    browser.force_login(author)
    response = browser.get("/drafts/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_form_over_the_size_limit_says_exactly_which_limit(
    make_article: Any, author: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    article = make_article()
    browser = Client(raise_request_exception=False)
    browser.force_login(author)
    response = browser.post(
        f"/drafts/{article.pk}/",
        {"title": article.title, "body": "x" * 1_100_000, "expected_revision": article.revision},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 1.0 MB in one form" in page
    assert "go back with your browser" in page
    article.refresh_from_db()
    assert "x" * 100 not in article.body
