"""When the database gives up on an action, the person is told why and nothing is changed.

tests/test_lock_timeout.py holds a real row lock on PostgreSQL; these tests make the database
refuse the same way on any backend, one refusal per SQLSTATE, and read what the person is told.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from articles import workflow
from articles.exceptions import Busy
from articles.models import Article, WorkflowEvent
from articles.workflow import frame


class DatabaseError(Exception):
    """What psycopg raises under Django's OperationalError: it carries the SQLSTATE."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.fixture
def refusing_database(monkeypatch: Any) -> Any:
    def refuse_with(sqlstate: str | None) -> None:
        def lock(article: Article) -> Article:
            error = OperationalError("canceling statement")
            if sqlstate != "no cause":
                error.__cause__ = DatabaseError(sqlstate)
            raise error

        monkeypatch.setattr(frame, "lock", lock)

    return refuse_with


@pytest.mark.parametrize(
    ("sqlstate", "message"),
    [
        (
            "55P03",
            "Someone else is acting on “What helps peripheral neuropathy?” right now, so nothing "
            "was changed. Try again in a moment; your text is kept below.",
        ),
        (
            "57014",
            "The database took too long to answer, so nothing was changed. "
            "Try again in a moment; your text is kept below.",
        ),
        (
            "40001",
            "The database could not complete this just now, so nothing was changed. "
            "Try again in a moment; your text is kept below.",
        ),
        (
            None,
            "The database could not complete this just now, so nothing was changed. "
            "Try again in a moment; your text is kept below.",
        ),
        (
            "no cause",
            "The database could not complete this just now, so nothing was changed. "
            "Try again in a moment; your text is kept below.",
        ),
    ],
)
def test_a_database_refusal_is_told_to_the_person_and_changes_nothing(
    make_article: Any,
    author: Any,
    refusing_database: Any,
    sqlstate: str | None,
    message: str,
) -> None:
    article = make_article()
    events = WorkflowEvent.objects.count()
    refusing_database(sqlstate)
    with pytest.raises(Busy) as caught:
        workflow.submit(article=article, by=author)
    assert str(caught.value) == message
    assert Article.objects.get(pk=article.pk).state == "draft"
    assert WorkflowEvent.objects.count() == events


@pytest.mark.parametrize(("seconds", "milliseconds"), [(3, 3000), (0.5, 500), (10, 10_000)])
def test_the_lock_wait_given_to_the_database_is_the_setting_in_milliseconds(
    settings: Any, seconds: float, milliseconds: int
) -> None:
    settings.WORKFLOW_LOCK_TIMEOUT_SECONDS = seconds
    assert frame.lock_timeout_ms() == milliseconds


def test_the_lock_wait_is_three_seconds_unless_set(settings: Any) -> None:
    del settings.WORKFLOW_LOCK_TIMEOUT_SECONDS
    assert frame.lock_timeout_ms() == 3000
