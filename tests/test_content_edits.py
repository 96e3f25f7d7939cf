"""Title, summary and body change only through save_content, under its rules."""

from __future__ import annotations

from typing import Any

import pytest

from articles import workflow
from articles.exceptions import EditConflict, WorkflowError
from articles.models import Article, State


def save(article: Article, by: Any, *, body: str, revision: int | None = None) -> Article:
    return workflow.save_content(
        article=article,
        by=by,
        expected_revision=article.revision if revision is None else revision,
        title=article.title,
        summary=article.summary,
        body=body,
    )


def test_an_author_saves_a_draft_and_the_revision_moves_on(make_article: Any, author: Any) -> None:
    article = make_article()
    start = article.revision

    save(article, author, body="New text [@pmid:27999003].")

    article.refresh_from_db()
    assert article.body == "New text [@pmid:27999003]."
    assert article.revision == start + 1
    record = article.history.first()
    assert (record.history_user, record.history_change_reason, record.revision) == (
        author,
        "edit",
        start + 1,
    )


def test_a_save_over_a_newer_revision_is_a_conflict_that_keeps_the_text(
    make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article()
    stale = article.revision
    save(article, editor, body="The editor's version [@pmid:27999003].")

    with pytest.raises(EditConflict) as conflict:
        save(Article.objects.get(pk=article.pk), author, body="My long paragraph.", revision=stale)

    assert conflict.value.submitted["body"] == "My long paragraph."
    assert conflict.value.current_revision == stale + 1
    article.refresh_from_db()
    assert article.body == "The editor's version [@pmid:27999003]."


@pytest.mark.parametrize(
    "state", ["submitted", "under_review", "approved", "published", "archived"]
)
def test_content_is_read_only_outside_draft_and_changes_requested(
    policy: Any, make_article: Any, author: Any, editor: Any, state: str
) -> None:
    article = make_article(state)
    for person in (author, editor):
        with pytest.raises(WorkflowError, match="can be changed only while"):
            save(article, person, body="Sneaky change.")
    article.refresh_from_db()
    assert article.body != "Sneaky change."


def test_changes_requested_content_is_editable(policy: Any, make_article: Any, author: Any) -> None:
    article = make_article("changes_requested")
    save(article, author, body="Revised [@pmid:27999003].")
    article.refresh_from_db()
    assert article.body == "Revised [@pmid:27999003]."


@pytest.mark.parametrize("person", ["other_author", "reviewer", "outsider"])
def test_only_the_articles_authors_and_editors_may_edit(
    request: pytest.FixtureRequest, make_article: Any, person: str
) -> None:
    article = make_article()
    with pytest.raises(WorkflowError, match="Only an author of this article or an editor"):
        save(article, request.getfixturevalue(person), body="Not mine.")
    article.refresh_from_db()
    assert article.body != "Not mine."


def test_an_overlong_title_is_refused_with_its_length(make_article: Any, author: Any) -> None:
    article = make_article()
    with pytest.raises(WorkflowError) as refusal:
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=article.revision,
            title="Q" * 1000,
            summary="",
            body="x",
        )
    assert "1,000 characters" in str(refusal.value)


def test_state_cannot_be_assigned_or_moved_outside_the_workflow(make_article: Any) -> None:
    article = make_article()
    with pytest.raises(AttributeError):
        article.state = State.PUBLISHED
    with pytest.raises(RuntimeError, match="only through articles.workflow"):
        article.submit()
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_history_keeps_every_revision_with_its_authors_and_citations(
    make_article: Any, author: Any, other_author: Any, reference: Any
) -> None:
    article = make_article(body="No citations yet.")
    article.authors.add(other_author)
    save(article, author, body="Now cited [@pmid:27999003].")

    first, latest = article.history.order_by("history_id").first(), article.history.first()
    assert first.body == "No citations yet."
    assert list(first.cited_references.all()) == []
    assert [row.reference for row in latest.cited_references.all()] == [reference]
    assert {row.user for row in latest.authors.all()} == {author, other_author}


def test_submitting_resolves_a_marker_whose_reference_was_added_after_the_last_save(
    make_article: Any, author: Any
) -> None:
    from references.models import Reference

    article = make_article(body="Walking helps [@pmid:31908149] and so does care [@pmid:27999003].")
    with pytest.raises(WorkflowError, match="31908149"):
        workflow.submit(article=article, by=author)

    Reference.objects.create(title="Osteoarthritis guideline", pmid="31908149", year=2020)
    workflow.submit(article=article, by=author)

    article.refresh_from_db()
    assert article.state == State.SUBMITTED
    assert list(article.citation_set.values_list("reference__pmid", flat=True)) == [
        "31908149",
        "27999003",
    ]
