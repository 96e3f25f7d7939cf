"""Named people and small helpers shared by every test file."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from articles import workflow
from articles.models import Article
from editorial import roles
from editorial.models import BoardProfile, EditorialPolicy

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests skip on the SQLite default; in CI a missing PostgreSQL fails."""
    if on_postgres():
        return
    if IN_CI:
        raise pytest.UsageError(
            "CI must run on PostgreSQL: set DATABASE_URL=postgres://… (see .ci/run)."
        )
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def send_notifications_on_commit(settings: Any) -> None:
    """Queued emails are sent right after the commit, in the test's process, not by a
    worker: a test sees them in mail.outbox once its transaction has committed (or under
    django_capture_on_commit_callbacks(execute=True)). tests/test_notification_queue.py
    covers the worker's way."""
    settings.NOTIFICATIONS_SEND_ON_COMMIT = True


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing kept in Django's cache (the process's own memory):
    what an earlier test counted, rendered or rate-limited is not this test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real hashing costs ~0.3 s a user; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, *groups: str, staff: bool = False, **extra: Any) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username,
        password="test-password",
        email=f"{username}@example.org",
        first_name=extra.pop("first_name", username.title()),
        last_name=extra.pop("last_name", "Tester"),
        is_staff=staff,
        **extra,
    )
    # get_or_create: a transactional test's flush removes the groups the data migration made.
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return user


@pytest.fixture
def policy(db: Any) -> EditorialPolicy:
    return EditorialPolicy.objects.create(
        version=1,
        effective_date=datetime.date(2025, 1, 1),
        body="## How we review\n\nEvery article is approved by the board.",
        required_approvals=1,
        review_interval_months=12,
        # No checklist questions: tests not about the structured review approve with a
        # declaration alone. tests/test_review_checklist.py gives a policy its questions.
        review_checklist=[],
    )


@pytest.fixture
def author(db: Any) -> Any:
    return make_user("alice", roles.AUTHORS)


@pytest.fixture
def other_author(db: Any) -> Any:
    return make_user("amir", roles.AUTHORS)


@pytest.fixture
def reviewer(db: Any) -> Any:
    user = make_user("rosa", roles.BOARD, first_name="Rosa", last_name="Lind")
    BoardProfile.objects.create(user=user, credentials="MD", specialty="Neurology")
    return user


@pytest.fixture
def second_reviewer(db: Any) -> Any:
    user = make_user("ravi", roles.BOARD, first_name="Ravi", last_name="Shah")
    BoardProfile.objects.create(user=user, credentials="PharmD", specialty="Pharmacology")
    return user


@pytest.fixture
def reviewer_author(db: Any) -> Any:
    """A board member who is also an author (of the article, where a test adds them)."""
    return make_user("bea", roles.BOARD, roles.AUTHORS)


@pytest.fixture
def editor(db: Any) -> Any:
    return make_user("edna", roles.EDITORS, staff=True)


@pytest.fixture
def outsider(db: Any) -> Any:
    return make_user("oscar")


@pytest.fixture
def reference(db: Any) -> Any:
    from references.models import Reference

    return Reference.objects.create(
        kind=Reference.Kind.GUIDELINE,
        title="Diabetic Neuropathy: A Position Statement by the American Diabetes Association",
        journal="Diabetes care",
        year=2017,
        doi="10.2337/dc16-2042",
        pmid="27999003",
        retraction_status=Reference.RetractionStatus.OK,
    )


BODY = "## From the Guidelines\n\nExercise helps [@pmid:27999003].\n"


@pytest.fixture
def make_article(db: Any, author: Any, reference: Any) -> Callable[..., Article]:
    """A draft by `author` citing `reference`, optionally driven to a state by the workflow."""

    def make(state: str = "draft", *, by: Any = None, **content: Any) -> Article:
        writer = by or author
        article = workflow.create_article(
            by=writer,
            title=content.get("title", "What helps peripheral neuropathy?"),
            summary=content.get("summary", "Exercise and foot care."),
            body=content.get("body", BODY),
        )
        drive(article, state, writer=writer)
        article.refresh_from_db()
        return article

    return make


def drive(article: Article, state: str, *, writer: Any) -> None:
    """Take a new draft to `state` through the real workflow, with stand-in reviewers."""
    if state == "draft":
        return
    board_member = make_user(f"board-{article.pk}-{state}", roles.BOARD)
    editor = make_user(f"editor-{article.pk}-{state}", roles.EDITORS, staff=True)
    steps: dict[str, list[Callable[[], Any]]] = {
        "submitted": [lambda: workflow.submit(article=article, by=writer)],
        "under_review": [lambda: workflow.start_review(article=article, by=board_member)],
        "changes_requested": [
            lambda: workflow.request_changes(
                article=article, by=board_member, comment="Add a source."
            )
        ],
        "approved": [
            lambda: workflow.approve(
                article=article,
                by=board_member,
                conflict_of_interest="none",
                checklist=all_yes(),
            )
        ],
        "published": [lambda: workflow.publish(article=article, by=editor)],
        "archived": [lambda: workflow.archive(article=article, by=editor, reason="Superseded.")],
    }
    order = {
        "submitted": ["submitted"],
        "under_review": ["submitted", "under_review"],
        "changes_requested": ["submitted", "under_review", "changes_requested"],
        "approved": ["submitted", "under_review", "approved"],
        "published": ["submitted", "under_review", "approved", "published"],
        "archived": ["submitted", "under_review", "approved", "published", "archived"],
    }[state]
    for step in order:
        for action in steps[step]:
            action()


def all_yes() -> list[str]:
    """ "Yes" to every question of the current policy's checklist."""
    policy = EditorialPolicy.objects.current()
    return ["yes"] * len(policy.review_checklist) if policy else []


def at_once(action: Callable[[], Any], times: int = 2) -> list[Any]:
    """Run `action` in `times` threads released together, each on its own connection;
    returns each result, or the exception it raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(times)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except Exception as error:  # returned to the test, which says what it expected
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def edit_body(article: Article, *, by: Any, body: str) -> Article:
    """Save a new body over the article's current revision, keeping title and summary."""
    return workflow.save_content(
        article=article,
        by=by,
        expected_revision=article.revision,
        title=article.title,
        summary=article.summary,
        body=body,
    )
