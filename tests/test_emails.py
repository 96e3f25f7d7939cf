"""Workflow emails: who gets them, the link where they act, plain text and HTML, after commit."""

from __future__ import annotations

from django.core import mail

from articles import workflow


def _html(message) -> str:
    return message.alternatives[0][0]


def test_submission_emails_the_board_but_not_the_author_with_the_review_link(
    author, reviewer, reviewer_author, make_article, django_capture_on_commit_callbacks
):
    article = make_article(by=reviewer_author)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, by=reviewer_author)
    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert message.subject == f"[Clinical Answers] Ready for review: {article.title}"
    assert f"/review/{article.pk}/" in message.body
    assert f'href="http://127.0.0.1:8000/review/{article.pk}/"' in _html(message)


def test_no_email_leaves_before_the_transaction_commits(
    author, reviewer, make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(article=article, by=author)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_changes_requested_emails_the_authors_with_the_comment_and_editor_link(
    author, reviewer, make_article, django_capture_on_commit_callbacks
):
    article = make_article("under_review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(article=article, by=reviewer, comment="Cite the <2024> update.")
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert "Rosa Lind asked for changes" in message.body
    assert "Cite the <2024> update." in message.body
    assert "Cite the &lt;2024&gt; update." in _html(message)
    assert f"/drafts/{article.pk}/" in message.body


def test_approval_emails_the_authors_with_the_link_to_their_article(
    author, reviewer, editor, make_article, policy, django_capture_on_commit_callbacks
):
    article = make_article("under_review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    (message,) = [m for m in mail.outbox if m.to == [author.email]]  # editors are told too
    assert message.subject.startswith("[Clinical Answers] Approved:")
    assert f"/drafts/{article.pk}/" in message.body
    assert "An editor will publish it" in _html(message)


def test_an_approval_short_of_the_quorum_tells_only_the_authors_how_far_it_is(
    author, reviewer, editor, make_article, policy, django_capture_on_commit_callbacks
):
    policy.required_approvals = 2
    policy.save()
    article = make_article("under_review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert "(1 of 2)" in message.subject
    assert "1 of 2 approvals" in message.body


def test_publication_emails_authors_and_approvers_with_the_public_link(
    author, reviewer, editor, make_article, policy, django_capture_on_commit_callbacks
):
    article = make_article("submitted")
    workflow.start_review(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article=article, by=editor)
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([author.email, reviewer.email])
    assert f"/articles/{article.slug}/" in message.body
    assert "is now live" in _html(message)


def test_subjects_are_not_html_escaped(
    author, reviewer, make_article, django_capture_on_commit_callbacks
):
    article = make_article(title="Heat & cold: which helps?")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, by=author)
    assert mail.outbox[0].subject.endswith("Heat & cold: which helps?")
