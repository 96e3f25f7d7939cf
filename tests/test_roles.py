"""Roles decide who may act; losing a role takes its powers away at once."""

from __future__ import annotations

from typing import Any

import pytest

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.models import State
from editorial import roles


def test_an_author_removed_from_the_authors_role_can_no_longer_edit_or_submit(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    author.groups.clear()
    roles.forget_groups(author)

    with pytest.raises(WorkflowError, match="Only an author of this article or an editor"):
        workflow.submit(article=article, by=author)
    with pytest.raises(WorkflowError, match="Only an author of this article or an editor"):
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=article.revision,
            title=article.title,
            summary="",
            body="Changed after leaving.",
        )
    article.refresh_from_db()
    assert (article.state, article.summary) == (State.DRAFT, "Exercise and foot care.")


def test_a_co_author_taken_off_the_byline_still_cannot_review_the_article(
    policy: Any, make_article: Any, author: Any, reviewer_author: Any
) -> None:
    article = make_article()
    article.authors.add(reviewer_author)
    workflow.submit(article=article, by=author)
    article.authors.remove(reviewer_author)

    assert rules.is_contributor(article, reviewer_author)
    with pytest.raises(WorkflowError, match="has not written or edited this article"):
        workflow.start_review(article=article, by=reviewer_author)


def test_the_board_sees_an_article_only_once_it_has_been_submitted(
    policy: Any, make_article: Any, author: Any, reviewer: Any, editor: Any
) -> None:
    article = make_article()
    assert not rules.may_view(article, reviewer)
    assert rules.may_view(article, editor) and rules.may_view(article, author)
    workflow.submit(article=article, by=author)
    assert rules.may_view(article, reviewer)
