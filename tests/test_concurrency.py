"""Two people acting on one article at the same moment, each on their own database connection.

The main thread holds the article's row lock while both workers start, so both are
certainly waiting on the same row when it is released; exactly one transition may follow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from articles import workflow
from articles.exceptions import EditConflict, WorkflowError
from articles.models import Article, Publication, Review, State, WorkflowEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(article: Article, *actions: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the actions in threads that all wait on the article's row lock, then release it."""
    results: list[tuple[str, Any]] = [("not run", None)] * len(actions)
    started = threading.Barrier(len(actions) + 1)

    def worker(index: int, action: Callable[[], Any]) -> None:
        try:
            started.wait()
            results[index] = ("ok", action())
        except WorkflowError as refusal:
            results[index] = ("refused", refusal)
        except Exception as error:  # reported by the assertions below, never swallowed
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    with transaction.atomic():
        Article.objects.select_for_update().get(pk=article.pk)
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.3)  # let both workers reach the lock; correctness does not depend on it
    for thread in threads:
        thread.join(timeout=30)
    assert all(kind != "error" for kind, _ in results), results
    return results


def approving(article: Article, reviewer: Any) -> Callable[[], Any]:
    """An approval as a worker makes it: its own copy of the article, "none" declared."""
    return lambda: workflow.approve(
        article=Article.objects.get(pk=article.pk), by=reviewer, conflict_of_interest="none"
    )


def kinds(results: list[tuple[str, Any]]) -> list[str]:
    return sorted(kind for kind, _ in results)


def test_two_reviewers_starting_the_same_review_make_one_transition(
    policy: Any, make_article: Any, reviewer: Any, second_reviewer: Any
) -> None:
    article = make_article("submitted")
    results = race(
        article,
        lambda: workflow.start_review(article=Article.objects.get(pk=article.pk), by=reviewer),
        lambda: workflow.start_review(
            article=Article.objects.get(pk=article.pk), by=second_reviewer
        ),
    )
    assert kinds(results) == ["ok", "refused"]
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert WorkflowEvent.objects.filter(article=article, transition="start_review").count() == 1


def test_two_simultaneous_approvals_with_quorum_two_both_count(
    policy: Any, make_article: Any, reviewer: Any, second_reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    results = race(
        article,
        approving(article, reviewer),
        approving(article, second_reviewer),
    )
    assert kinds(results) == ["ok", "ok"]
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert Review.objects.filter(round__article=article, decision="approve").count() == 2
    assert WorkflowEvent.objects.filter(article=article, to_state=State.APPROVED).count() == 1


def test_two_simultaneous_approvals_with_quorum_one_make_one_approval(
    policy: Any, make_article: Any, reviewer: Any, second_reviewer: Any
) -> None:
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    results = race(
        article,
        approving(article, reviewer),
        approving(article, second_reviewer),
    )
    assert kinds(results) == ["ok", "refused"]
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert Review.objects.filter(round__article=article, decision="approve").count() == 1


def test_a_double_submitted_approval_counts_once(
    policy: Any, make_article: Any, reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    results = race(article, approving(article, reviewer), approving(article, reviewer))
    assert kinds(results) == ["ok", "refused"]
    # The row lock makes the second approval wait and then find the first: the refusal is
    # the workflow's own, not the database's unique constraint (which stays as a backstop).
    refusal = next(value for kind, value in results if kind == "refused")
    assert str(refusal) == (
        "You have already approved revision 1; an approval counts once per reviewer."
    )
    assert Review.objects.filter(round__article=article, decision="approve").count() == 1
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW


def test_an_approval_racing_a_request_for_changes_leaves_one_consistent_outcome(
    policy: Any, make_article: Any, reviewer: Any, second_reviewer: Any
) -> None:
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    results = race(
        article,
        approving(article, reviewer),
        lambda: workflow.request_changes(
            article=Article.objects.get(pk=article.pk), by=second_reviewer, comment="Fix dosing."
        ),
    )
    assert kinds(results) == ["ok", "refused"]
    article.refresh_from_db()
    assert article.state in (State.APPROVED, State.CHANGES_REQUESTED)
    assert Review.objects.filter(round__article=article).count() == 1


def test_two_simultaneous_saves_one_wins_and_the_other_gets_the_conflict(
    policy: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article()
    start = article.revision

    def save(by: Any, body: str) -> Any:
        return workflow.save_content(
            article=Article.objects.get(pk=article.pk),
            by=by,
            expected_revision=start,
            title=article.title,
            summary=article.summary,
            body=body,
        )

    results = race(
        article,
        lambda: save(author, "Author's text [@pmid:27999003]."),
        lambda: save(editor, "Editor's text [@pmid:27999003]."),
    )
    assert kinds(results) == ["ok", "refused"]
    conflict = next(value for kind, value in results if kind == "refused")
    assert isinstance(conflict, EditConflict)
    assert conflict.submitted["body"] in (
        "Author's text [@pmid:27999003].",
        "Editor's text [@pmid:27999003].",
    )
    winner = next(value for kind, value in results if kind == "ok")
    article.refresh_from_db()
    assert article.revision == start + 1
    assert article.body == winner.body != conflict.submitted["body"]


def test_two_editors_publishing_at_once_write_one_publication(
    policy: Any, make_article: Any, editor: Any
) -> None:
    from tests.conftest import make_user

    other_editor = make_user("eli", "Editors", staff=True)
    article = make_article("approved")
    results = race(
        article,
        lambda: workflow.publish(article=Article.objects.get(pk=article.pk), by=editor),
        lambda: workflow.publish(article=Article.objects.get(pk=article.pk), by=other_editor),
    )
    assert kinds(results) == ["ok", "refused"]
    assert Publication.objects.filter(article=article).count() == 1


def test_two_authors_creating_the_same_title_at_once_both_get_a_draft(
    author: Any, other_author: Any
) -> None:
    started = threading.Barrier(2)
    results: list[Any] = []

    def create(by: Any) -> None:
        try:
            started.wait()
            results.append(workflow.create_article(by=by, title="Is coffee bad for the heart?"))
        except Exception as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(u,)) for u in (author, other_author)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(r, Article) for r in results), results
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "is-coffee-bad-for-the-heart",
        "is-coffee-bad-for-the-heart-2",
    ]
