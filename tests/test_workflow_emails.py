"""Workflow emails go out after the transaction commits, to the people who act next."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from articles import workflow
from articles.exceptions import WorkflowError


def recipients() -> list[set[str]]:
    return [set(message.to) for message in mail.outbox]


def test_submitting_emails_the_board_but_not_a_board_member_who_wrote_it(
    policy: Any,
    make_article: Any,
    author: Any,
    reviewer: Any,
    reviewer_author: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = make_article()
    article.authors.add(reviewer_author)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(article=article, by=author)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert recipients() == [{reviewer.email}]
    assert article.get_review_url() in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # an HTML part as well as plain text


def test_a_request_for_changes_emails_the_authors(
    policy: Any,
    make_article: Any,
    author: Any,
    reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(article=article, by=reviewer, comment="Cite the 2024 update.")
    assert recipients() == [{author.email}]
    assert article.get_edit_url() in mail.outbox[0].body


def test_each_approval_tells_the_authors_and_the_one_meeting_the_quorum_says_approved(
    policy: Any,
    make_article: Any,
    author: Any,
    reviewer: Any,
    second_reviewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    assert [m.subject for m in mail.outbox] == [
        f"[Clinical Answers] Approved by Rosa Lind (1 of 2): {article.title}"
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article=article, by=second_reviewer, conflict_of_interest="none")
    assert [m.subject for m in mail.outbox if m.to == [author.email]] == [
        f"[Clinical Answers] Approved: {article.title}"
    ]


def test_publishing_emails_the_authors_and_the_approvers(
    policy: Any,
    make_article: Any,
    author: Any,
    editor: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = make_article("approved")
    approver = article.rounds.get().reviews.get().reviewer
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    assert recipients() == [{author.email, approver.email}]
    assert article.get_absolute_url() in mail.outbox[0].body


def test_a_refused_action_sends_nothing(
    policy: Any, make_article: Any, other_author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(WorkflowError),
    ):
        workflow.submit(article=article, by=other_author)
    assert callbacks == []
    assert mail.outbox == []
