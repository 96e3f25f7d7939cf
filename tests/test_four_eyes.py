"""No one takes an article live alone: the publisher is never the only approver."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Publication, State
from editorial import roles
from tests.conftest import make_user


@pytest.fixture
def editor_on_the_board(db: Any) -> Any:
    return make_user("dr-both", roles.EDITORS, roles.BOARD, staff=True)


def approved_by(make_article: Any, *approvers: Any) -> Any:
    article = make_article("under_review")
    for approver in approvers:
        workflow.approve(article=article, by=approver, conflict_of_interest="none")
    article.refresh_from_db()
    assert article.state == State.APPROVED
    return article


def test_an_editor_who_alone_approved_cannot_publish(
    policy: Any, make_article: Any, editor_on_the_board: Any
) -> None:
    article = approved_by(make_article, editor_on_the_board)
    with pytest.raises(WorkflowError, match="no one takes an article live alone"):
        workflow.publish(article=article, by=editor_on_the_board)
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert not Publication.objects.filter(article=article).exists()


def test_an_editor_who_alone_approved_cannot_schedule_it_either(
    policy: Any, make_article: Any, editor_on_the_board: Any
) -> None:
    article = approved_by(make_article, editor_on_the_board)
    later = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(WorkflowError, match="another editor must publish it"):
        workflow.publish(article=article, by=editor_on_the_board, at=later)
    article.refresh_from_db()
    assert article.publish_at is None


def test_another_editor_publishes_what_the_editor_approved(
    policy: Any, make_article: Any, editor_on_the_board: Any, editor: Any
) -> None:
    article = approved_by(make_article, editor_on_the_board)
    workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.state == State.PUBLISHED
    assert list(article.current_publication.approvers.all()) == [editor_on_the_board]


def test_an_approver_with_a_second_approver_may_publish(
    policy: Any, make_article: Any, editor_on_the_board: Any, reviewer: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = approved_by(make_article, editor_on_the_board, reviewer)
    workflow.publish(article=article, by=editor_on_the_board)
    article.refresh_from_db()
    assert article.state == State.PUBLISHED


def test_the_publishing_page_refuses_the_lone_approver(
    client: Any, policy: Any, make_article: Any, editor_on_the_board: Any
) -> None:
    article = approved_by(make_article, editor_on_the_board)
    client.force_login(editor_on_the_board)
    response = client.post(reverse("articles:publish", args=[article.pk]), {"at": ""})
    assert "no one takes an article live alone" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_the_admin_refuses_the_lone_approver(
    client: Any, policy: Any, make_article: Any, editor_on_the_board: Any
) -> None:
    article = approved_by(make_article, editor_on_the_board)
    client.force_login(editor_on_the_board)
    url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
    response = client.post(url, {"at": ""}, follow=True)
    assert "no one takes an article live alone" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.APPROVED
