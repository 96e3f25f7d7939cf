"""A workflow action waits a few seconds at most for another one's lock, then says so.

The other person's transaction holds the article's row lock on its own connection; the
action posted from the page gives up after WORKFLOW_LOCK_TIMEOUT_SECONDS, changes nothing,
and shows the message with the person's text.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from articles import workflow
from articles.exceptions import Busy
from articles.models import Article, Review, State, WorkflowEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class HeldLock:
    """Another connection holding the article's row lock until release()."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.locked = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=self.article.pk)
                self.locked.set()
                self.done.wait(timeout=30)
        finally:
            connection.close()

    def __enter__(self) -> HeldLock:
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        self.thread.join(timeout=30)


@pytest.fixture
def short_lock_timeout(settings: Any) -> None:
    settings.WORKFLOW_LOCK_TIMEOUT_SECONDS = 0.5


def test_a_request_for_changes_behind_a_held_lock_is_refused_with_the_text_kept(
    client: Any, policy: Any, make_article: Any, reviewer: Any, short_lock_timeout: None
) -> None:
    article = make_article("under_review")
    events_before = WorkflowEvent.objects.filter(article=article).count()
    client.force_login(reviewer)
    comment = "The TENS paragraph cites a 2009 trial; the 2023 Cochrane review supersedes it."
    with HeldLock(article):
        response = client.post(f"/review/{article.pk}/request-changes/", {"comment": comment})
    page = response.content.decode()
    assert response.status_code >= 400
    assert "Someone else is acting on" in page
    assert comment in page
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not Review.objects.filter(round__article=article).exists()
    assert WorkflowEvent.objects.filter(article=article).count() == events_before


def test_a_save_behind_a_held_lock_is_refused_and_nothing_is_half_written(
    policy: Any, make_article: Any, author: Any, short_lock_timeout: None
) -> None:
    article = make_article()
    revision, records = article.revision, article.history.count()
    with HeldLock(article), pytest.raises(Busy, match="Someone else is acting"):
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=revision,
            title=article.title,
            summary=article.summary,
            body="A new body that must not be half written.",
        )
    article.refresh_from_db()
    assert article.revision == revision
    assert "half written" not in article.body
    assert article.history.count() == records


def test_once_the_lock_is_released_the_same_action_goes_through(
    policy: Any, make_article: Any, reviewer: Any, short_lock_timeout: None
) -> None:
    article = make_article("under_review")
    with HeldLock(article), pytest.raises(Busy):
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    article.refresh_from_db()
    assert article.state == State.APPROVED
