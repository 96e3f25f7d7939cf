"""The workflow itself refuses what the forms refuse, with the message a person reads.

The forms check these bounds first; these tests call the workflow directly, as the admin, a
management command or a future page would, so a rule the workflow drops is caught here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_fsm import TransitionNotAllowed

from articles import workflow
from articles.exceptions import EditConflict, WorkflowError
from articles.models import Article, Comment, ReviewRound, State
from articles.workflow.content import SLUG_MAX_LENGTH
from tests.conftest import BODY, make_user

pytestmark = pytest.mark.usefixtures("policy")


def save(article: Article, by: Any, **changes: str) -> Article:
    content = {"title": article.title, "summary": article.summary, "body": article.body}
    return workflow.save_content(
        article=article, by=by, expected_revision=article.revision, **(content | changes)
    )


def refusal(action: Any, **kwargs: Any) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        action(**kwargs)
    return caught.value


# Titles, bodies and addresses: blank and at the bounds.


@pytest.mark.parametrize("title", ["", "   \t "])
def test_the_workflow_refuses_a_blank_title_when_creating_an_article(
    author: Any, title: str
) -> None:
    error = refusal(workflow.create_article, by=author, title=title, body=BODY)
    assert (error.message, error.problems) == (
        "The content was not saved.",
        ["Title cannot be empty."],
    )
    assert not Article.objects.exists()


def test_the_workflow_refuses_a_blank_title_when_saving_an_article(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    error = refusal(save, article=article, by=author, title="  ")
    assert error.problems == ["Title cannot be empty."]
    article.refresh_from_db()
    assert (article.title, article.revision) == ("What helps peripheral neuropathy?", 1)


def test_a_title_of_the_maximum_length_is_saved_and_one_character_more_is_refused(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    longest = "T" * workflow.TITLE_MAX_LENGTH
    article = save(article, author, title=longest)
    assert Article.objects.get(pk=article.pk).title == longest
    error = refusal(save, article=article, by=author, title=longest + "T")
    assert error.problems == [
        f"Title is {workflow.TITLE_MAX_LENGTH + 1:,} characters; "
        f"keep it to {workflow.TITLE_MAX_LENGTH} or fewer."
    ]


def test_a_body_of_the_maximum_length_is_saved_and_one_character_more_is_refused(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    longest = BODY + "x" * (workflow.BODY_MAX_LENGTH - len(BODY))
    article = save(article, author, body=longest)
    assert len(Article.objects.get(pk=article.pk).body) == workflow.BODY_MAX_LENGTH
    error = refusal(save, article=article, by=author, body=longest + "x")
    assert error.problems == ["Body is 500,001 characters; the limit is 500,000."]
    assert Article.objects.get(pk=article.pk).revision == article.revision


def test_a_blank_title_and_an_overlong_body_are_both_named(author: Any) -> None:
    error = refusal(
        workflow.create_article, by=author, title=" ", body="x" * (workflow.BODY_MAX_LENGTH + 1)
    )
    assert error.problems == [
        "Title cannot be empty.",
        "Body is 500,001 characters; the limit is 500,000.",
    ]


def test_an_address_of_the_maximum_length_is_taken_and_one_character_more_is_refused(
    make_article: Any, editor: Any
) -> None:
    article = make_article()
    longest = "a" * SLUG_MAX_LENGTH
    workflow.change_slug(article=article, by=editor, expected_revision=1, slug=longest)
    assert Article.objects.get(pk=article.pk).slug == longest
    error = refusal(
        workflow.change_slug, article=article, by=editor, expected_revision=1, slug=longest + "a"
    )
    assert error.message == (
        f"An address uses lowercase letters, digits and hyphens, at most {SLUG_MAX_LENGTH} "
        "characters."
    )
    assert Article.objects.get(pk=article.pk).slug == longest


@pytest.mark.parametrize("slug", ["Upper-Case", "with space", "ünïcode", "a/b"])
def test_an_address_with_other_characters_is_refused(
    make_article: Any, editor: Any, slug: str
) -> None:
    article = make_article()
    error = refusal(
        workflow.change_slug, article=article, by=editor, expected_revision=1, slug=slug
    )
    assert error.message.startswith("An address uses lowercase letters, digits and hyphens")
    assert Article.objects.get(pk=article.pk).slug == article.slug


def test_a_blank_address_is_refused_by_name(make_article: Any, editor: Any) -> None:
    article = make_article()
    error = refusal(
        workflow.change_slug, article=article, by=editor, expected_revision=1, slug="   "
    )
    assert error.message == "The address (slug) is required."


def test_an_address_taken_by_another_article_is_refused_by_name(
    make_article: Any, editor: Any
) -> None:
    article = make_article()
    other = make_article(title="Foot care in diabetes")
    error = refusal(
        workflow.change_slug, article=article, by=editor, expected_revision=1, slug=other.slug
    )
    assert error.message == f"The address “{other.slug}” is taken by another article."
    assert Article.objects.get(pk=article.pk).slug == article.slug


def test_an_article_keeps_its_own_address_without_an_event(make_article: Any, editor: Any) -> None:
    article = make_article()
    events = article.events.count()
    workflow.change_slug(article=article, by=editor, expected_revision=1, slug=article.slug)
    assert article.events.count() == events


def test_a_published_article_keeps_its_address(make_article: Any, editor: Any) -> None:
    article = make_article("published")
    error = refusal(
        workflow.change_slug,
        article=article,
        by=editor,
        expected_revision=article.revision,
        slug="a-new-address",
    )
    assert error.message == (
        "A published article keeps its address: readers and search engines link to it."
    )


def test_an_archived_article_keeps_its_byline_and_address(
    make_article: Any, editor: Any, other_author: Any
) -> None:
    article = make_article("archived")
    for action, change in [
        (workflow.change_slug, {"slug": "somewhere-else"}),
        (workflow.change_authors, {"authors": [other_author]}),
    ]:
        error = refusal(
            action, article=article, by=editor, expected_revision=article.revision, **change
        )
        assert error.message == f"“{article.title}” is archived; it is no longer changed."


def test_an_article_cannot_be_left_without_an_author(make_article: Any, editor: Any) -> None:
    article = make_article()
    error = refusal(
        workflow.change_authors, article=article, by=editor, expected_revision=1, authors=[]
    )
    assert error.message == "An article needs at least one author."
    assert article.authors.count() == 1


def test_the_same_byline_again_is_not_a_change(make_article: Any, editor: Any, author: Any) -> None:
    article = make_article()
    events = article.events.count()
    workflow.change_authors(article=article, by=editor, expected_revision=1, authors=[author])
    assert article.events.count() == events


# Stale forms keep what was typed.


def test_a_stale_content_save_keeps_exactly_what_was_typed(
    make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article()
    save(article, editor, summary="The editor's summary.")
    with pytest.raises(EditConflict) as caught:
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=1,
            title="  My title  ",
            summary="My summary",
            body="My body\r\n",
        )
    assert caught.value.submitted == {
        "title": "  My title  ",
        "summary": "My summary",
        "body": "My body\r\n",
    }
    assert caught.value.current_revision == 2
    assert caught.value.message == (
        "Someone saved a newer version (revision 2) while you were editing revision 1. "
        "Your text is below; compare it with the current version before saving again."
    )


def test_a_stale_byline_or_address_change_keeps_what_was_chosen(
    make_article: Any, author: Any, editor: Any, other_author: Any
) -> None:
    article = make_article()
    save(article, author, summary="A newer summary.")
    with pytest.raises(EditConflict) as caught:
        workflow.change_authors(
            article=article, by=editor, expected_revision=1, authors=[other_author, author]
        )
    assert caught.value.submitted == {"authors": "alice, amir"}
    with pytest.raises(EditConflict) as caught:
        workflow.change_slug(article=article, by=editor, expected_revision=1, slug="new-place")
    assert caught.value.submitted == {"slug": "new-place"}


# Content changes only in a draft or with changes requested.


def test_content_under_review_is_refused_without_the_revise_hint(
    make_article: Any, author: Any
) -> None:
    article = make_article("submitted")
    error = refusal(save, article=article, by=author, summary="Changed.")
    assert error.message == (
        "“What helps peripheral neuropathy?” is submitted; its content can be changed only "
        "while it is a draft or has changes requested."
    )


def test_content_of_a_published_article_is_refused_with_the_revise_hint(
    make_article: Any, author: Any
) -> None:
    article = make_article("published")
    error = refusal(save, article=article, by=author, summary="Changed.")
    assert error.message == (
        "“What helps peripheral neuropathy?” is published; its content can be changed only "
        "while it is a draft or has changes requested. Use “Revise” to start a new revision."
    )


# Reasons and comments the workflow requires.


def test_archiving_needs_a_reason_that_is_not_just_spaces(make_article: Any, editor: Any) -> None:
    article = make_article("published")
    error = refusal(workflow.archive, article=article, by=editor, reason="  \n ")
    assert error.message == "Give a reason for archiving; readers and the team will see it."
    assert Article.objects.get(pk=article.pk).state == State.PUBLISHED


def test_a_request_for_changes_needs_a_comment_that_is_not_just_spaces(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    error = refusal(workflow.request_changes, article=article, by=reviewer, comment=" \t")
    assert error.message == (
        "Say what needs to change: a request for changes needs a comment or at least one point."
    )
    assert Article.objects.get(pk=article.pk).state == State.UNDER_REVIEW


def test_a_comment_that_is_only_spaces_is_refused(make_article: Any, author: Any) -> None:
    article = make_article("submitted")
    error = refusal(workflow.add_comment, article=article, by=author, body="  \n  ")
    assert error.message == "A comment is required."
    assert not Comment.objects.exists()


def test_someone_who_cannot_see_the_working_copy_cannot_comment(
    make_article: Any, outsider: Any
) -> None:
    article = make_article("submitted")
    error = refusal(workflow.add_comment, article=article, by=outsider, body="Looks fine.")
    assert error.message == "Only the article's authors, the board and editors can comment."
    assert not Comment.objects.exists()


def test_a_comment_belongs_to_the_open_round_and_the_revision_it_was_written_on(
    make_article: Any, author: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    comment = workflow.add_comment(article=article, by=reviewer, body="  Is the dose right?  ")
    stored = Comment.objects.get(pk=comment.pk)
    open_round = article.rounds.get(outcome=ReviewRound.Outcome.OPEN)
    assert (stored.body, stored.author, stored.round, stored.revision) == (
        "Is the dose right?",
        reviewer,
        open_round,
        article.revision,
    )


def test_a_comment_on_a_draft_belongs_to_no_round(make_article: Any, author: Any) -> None:
    article = make_article("changes_requested")
    comment = workflow.add_comment(article=article, by=author, body="Fixed the dose.")
    assert Comment.objects.get(pk=comment.pk).round is None


# The state field moves only inside the workflow.


@pytest.mark.parametrize(
    ("action", "transition"),
    [
        (lambda article, people: workflow.submit(article=article, by=people["author"]), "withdraw"),
        (
            lambda article, people: workflow.withdraw(article=article, by=people["author"]),
            "submit",
        ),
    ],
    ids=["after submit", "after withdraw"],
)
def test_the_article_the_workflow_returns_cannot_change_state_outside_it(
    make_article: Any, author: Any, action: Any, transition: str
) -> None:
    article = make_article("submitted" if transition == "submit" else "draft")
    returned = action(article, {"author": author})
    with pytest.raises((RuntimeError, TransitionNotAllowed)):
        getattr(returned, transition)()
    returned.refresh_from_db()
    assert returned.state == (State.SUBMITTED if transition == "withdraw" else State.DRAFT)


def test_an_unknown_action_name_is_refused_by_name(make_article: Any, editor: Any) -> None:
    article = make_article()
    error = refusal(workflow.perform, name="delete", article=article, by=editor)
    assert error.message == "“delete” is not a workflow action."


def test_an_action_by_name_passes_its_arguments_on(make_article: Any, editor: Any) -> None:
    article = make_article("published")
    workflow.perform("archive", article=article, by=editor, reason="Superseded by a newer one.")
    article.refresh_from_db()
    assert (article.state, article.archived_reason) == (
        State.ARCHIVED,
        "Superseded by a newer one.",
    )


def test_the_transitions_offered_are_those_of_the_state_and_the_person(
    make_article: Any, author: Any, reviewer: Any, editor: Any
) -> None:
    article = make_article("submitted")
    assert workflow.available_transitions(article, author) == ["withdraw"]
    assert workflow.available_transitions(article, reviewer) == ["start_review"]
    assert set(workflow.available_transitions(article, editor)) == {"withdraw", "archive"}
    assert workflow.available_transitions(article, make_user("nobody")) == []


def test_the_transitions_of_a_state_are_listed_for_anyone(make_article: Any) -> None:
    # What the review page checks a posted action against, before asking who may act.
    assert set(workflow.state_transitions(make_article("submitted"))) == {
        "withdraw",
        "start_review",
        "archive",
    }
    assert set(workflow.state_transitions(make_article("published"))) == {
        "revise",
        "start_rereview",
        "archive",
    }


def test_a_summary_over_its_bound_is_refused_by_the_workflow_on_every_path(
    make_article: Any, author: Any
) -> None:
    from articles.workflow.content import SUMMARY_MAX_LENGTH

    article = make_article()
    with pytest.raises(WorkflowError, match="Summary is 10,001 characters; the limit is 10,000"):
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=article.revision,
            title=article.title,
            summary="s" * (SUMMARY_MAX_LENGTH + 1),
            body=article.body,
        )
    saved = workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary="s" * SUMMARY_MAX_LENGTH,
        body=article.body,
    )
    assert len(saved.summary) == SUMMARY_MAX_LENGTH
