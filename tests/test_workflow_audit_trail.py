"""Every action leaves the event and the history row a person reads later: who, what and why.

The event keeps the whole comment; the history row keeps the action's name and a bounded
excerpt (editorial.history.change_reason).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.models import Article, ReviewRound, WorkflowEvent
from editorial.history import REASON_MAX_LENGTH, change_reason

pytestmark = pytest.mark.usefixtures("policy")


def last_event(article: Article) -> WorkflowEvent:
    return WorkflowEvent.objects.filter(article=article).latest("pk")


def trail(article: Article) -> tuple[str, str, str, str]:
    """The latest event's action and comment, and the latest history row's reason and user."""
    event = last_event(article)
    record = Article.history.filter(id=article.pk).latest()
    return (
        event.transition,
        event.comment,
        record.history_change_reason,
        getattr(record.history_user, "username", None),
    )


# The reason kept in the history row.


def test_a_reason_without_a_comment_is_the_action_alone() -> None:
    assert change_reason("withdraw") == "withdraw"
    assert change_reason("withdraw", "") == "withdraw"
    assert change_reason("withdraw", "  \n ") == "withdraw"


def test_a_reason_joins_the_action_and_the_comment_with_spaces_collapsed() -> None:
    assert change_reason("archive", "  Superseded \n\n by   the 2025 article. ") == (
        "archive: Superseded by the 2025 article."
    )


def test_a_reason_of_exactly_the_column_length_is_kept_whole() -> None:
    comment = "x" * (REASON_MAX_LENGTH - len("approve: "))
    assert change_reason("approve", comment) == f"approve: {comment}"
    assert len(change_reason("approve", comment)) == REASON_MAX_LENGTH


def test_a_reason_one_character_too_long_is_cut_with_an_ellipsis() -> None:
    comment = "x" * (REASON_MAX_LENGTH - len("approve: ") + 1)
    reason = change_reason("approve", comment)
    assert reason == "approve: " + "x" * (REASON_MAX_LENGTH - len("approve: ") - 1) + "…"
    assert len(reason) == REASON_MAX_LENGTH


def test_a_cut_reason_does_not_end_in_a_space_before_the_ellipsis() -> None:
    words = "a" * (REASON_MAX_LENGTH - len("approve: ") - 2)
    reason = change_reason("approve", f"{words} and more words after the cut")
    assert reason == f"approve: {words}…"


# Each action's trail, with and without a comment.


@pytest.mark.parametrize(
    ("state", "action", "actor"),
    [
        ("draft", "submit", "author"),
        ("submitted", "withdraw", "author"),
        ("submitted", "start_review", "reviewer"),
        ("changes_requested", "resubmit", "author"),
        ("published", "revise", "author"),
        ("published", "start_rereview", "reviewer"),
    ],
)
@pytest.mark.parametrize("comment", [None, "Because the 2024 guideline changed."])
def test_an_action_records_its_comment_or_none_in_the_event_and_the_history(
    make_article: Any,
    author: Any,
    reviewer: Any,
    state: str,
    action: str,
    actor: str,
    comment: str | None,
) -> None:
    article = make_article(state)
    person = {"author": author, "reviewer": reviewer}[actor]
    given: dict[str, Any] = {} if comment is None else {"comment": comment}
    if action == "resubmit":
        given["answers"] = {1: ("done", "")}  # the reviewer's one point, answered
    getattr(workflow, action)(article=article, by=person, **given)
    said = comment or ""
    assert trail(article) == (action, said, change_reason(action, said), person.username)


@pytest.mark.parametrize(
    ("state", "action", "text", "who"),
    [
        ("under_review", "request_changes", "comment", "rosa"),
        ("published", "archive", "reason", "edna"),
    ],
)
def test_a_request_for_changes_or_an_archiving_records_its_text_trimmed(
    make_article: Any, reviewer: Any, editor: Any, state: str, action: str, text: str, who: str
) -> None:
    article = make_article(state)
    person = reviewer if who == "rosa" else editor
    getattr(workflow, action)(article=article, by=person, **{text: "  Cite the 2024 update. "})
    assert trail(article) == (
        action,
        "Cite the 2024 update.",
        f"{action}: Cite the 2024 update.",
        who,
    )
    if action == "archive":
        assert Article.objects.get(pk=article.pk).archived_reason == "Cite the 2024 update."


def test_a_byline_change_records_who_is_on_it_now(
    make_article: Any, editor: Any, author: Any, other_author: Any
) -> None:
    article = make_article()
    workflow.change_authors(
        article=article, by=editor, expected_revision=1, authors=[other_author, author]
    )
    assert trail(article) == (
        "change_authors",
        "alice, amir",
        "change_authors: alice, amir",
        "edna",
    )
    assert set(Article.objects.get(pk=article.pk).authors.all()) == {author, other_author}


def test_an_address_change_records_the_old_and_the_new_address(
    make_article: Any, editor: Any
) -> None:
    article = make_article()
    old = article.slug
    workflow.change_slug(article=article, by=editor, expected_revision=1, slug=" foot-care ")
    assert trail(article) == (
        "change_slug",
        f"{old} → foot-care",
        f"change_slug: {old} → foot-care",
        "edna",
    )
    assert Article.objects.get(pk=article.pk).slug == "foot-care"


def test_a_scheduled_publication_is_recorded_as_scheduled(make_article: Any, editor: Any) -> None:
    article = make_article("approved")
    now = timezone.now()
    workflow.publish(article=article, by=editor, at=now + datetime.timedelta(hours=1))
    published, refused = workflow.publish_due(now=now + datetime.timedelta(hours=2))
    assert ([a.pk for a in published], refused) == ([article.pk], [])
    assert trail(article) == ("publish", "scheduled", "publish: scheduled", "edna")


def test_publishing_due_articles_publishes_each_of_them(make_article: Any, editor: Any) -> None:
    now = timezone.now()
    articles = [make_article("approved", title=f"Article {n}") for n in range(3)]
    for article in articles:
        workflow.publish(article=article, by=editor, at=now + datetime.timedelta(minutes=10))
    published, refused = workflow.publish_due(now=now + datetime.timedelta(minutes=11))
    assert sorted(a.pk for a in published) == sorted(a.pk for a in articles)
    assert refused == []
    assert {a.state for a in Article.objects.all()} == {"published"}


def test_publishing_due_articles_leaves_those_not_yet_due(make_article: Any, editor: Any) -> None:
    now = timezone.now()
    early, late = make_article("approved", title="Early"), make_article("approved", title="Late")
    workflow.publish(article=early, by=editor, at=now + datetime.timedelta(minutes=5))
    workflow.publish(article=late, by=editor, at=now + datetime.timedelta(hours=5))
    published, _ = workflow.publish_due(now=now + datetime.timedelta(minutes=6))
    assert [a.pk for a in published] == [early.pk]
    assert Article.objects.get(pk=late.pk).state == "approved"


# Review rounds: opened, started and closed where the action says.


@pytest.mark.parametrize(
    ("state", "action", "outcome"),
    [
        ("under_review", "archive", ReviewRound.Outcome.ARCHIVED),
        ("submitted", "withdraw", ReviewRound.Outcome.WITHDRAWN),
        ("under_review", "request_changes", ReviewRound.Outcome.CHANGES_REQUESTED),
    ],
)
def test_an_action_that_ends_a_review_closes_its_round_then(
    make_article: Any,
    author: Any,
    reviewer: Any,
    editor: Any,
    state: str,
    action: str,
    outcome: str,
) -> None:
    article = make_article(state)
    before = timezone.now()
    if action == "archive":
        workflow.archive(article=article, by=editor, reason="Merged into another article.")
    elif action == "withdraw":
        workflow.withdraw(article=article, by=author)
    else:
        workflow.request_changes(article=article, by=reviewer, comment="Cite the update.")
    review_round = article.rounds.get()
    assert review_round.outcome == outcome
    assert review_round.closed_at is not None and review_round.closed_at >= before


def test_a_request_for_changes_is_kept_as_the_reviewers_decision(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    workflow.request_changes(article=article, by=reviewer, comment="Cite the update.")
    review = article.rounds.get().reviews.get()
    assert (review.reviewer, review.decision, review.revision, review.comment) == (
        reviewer,
        "request_changes",
        article.revision,
        "Cite the update.",
    )


def test_a_re_review_round_is_started_by_the_board_member_who_opened_it(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("published")
    before = timezone.now()
    workflow.start_rereview(article=article, by=reviewer)
    review_round = article.rounds.get(outcome=ReviewRound.Outcome.OPEN)
    assert (review_round.kind, review_round.opened_by, review_round.started_by) == (
        ReviewRound.Kind.REREVIEW,
        reviewer,
        reviewer,
    )
    assert review_round.started_at is not None and review_round.started_at >= before
    assert review_round.revision == article.revision


def test_a_submission_round_waits_to_be_started(make_article: Any, author: Any) -> None:
    article = make_article("submitted")
    review_round = article.rounds.get()
    assert (review_round.kind, review_round.opened_by) == (ReviewRound.Kind.SUBMISSION, author)
    assert (review_round.started_at, review_round.started_by) == (None, None)
    assert review_round.number == 1


def test_starting_the_review_marks_who_started_it_and_when(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("submitted")
    before = timezone.now()
    workflow.start_review(article=article, by=reviewer)
    review_round = article.rounds.get()
    assert review_round.started_by == reviewer
    assert review_round.started_at is not None and review_round.started_at >= before


def test_each_new_round_takes_the_next_number(make_article: Any, author: Any) -> None:
    article = make_article("submitted")
    workflow.withdraw(article=article, by=author)
    workflow.submit(article=article, by=author)
    assert list(article.rounds.order_by("number").values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("comment", "recorded"),
    [("", "1 of 2 approvals"), ("  Dose table checked. ", "1 of 2 approvals. Dose table checked.")],
)
def test_an_approval_records_the_progress_towards_the_quorum_and_the_comment(
    make_article: Any, reviewer: Any, policy: Any, comment: str, recorded: str
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = make_article("under_review")
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none", comment=comment)
    assert trail(article) == ("approve", recorded, f"approve: {recorded}", "rosa")
    assert article.rounds.get().reviews.get().comment == comment.strip()


@pytest.mark.parametrize("damage", ["round closed", "round of another revision"])
def test_an_article_under_review_without_its_open_round_cannot_be_decided(
    make_article: Any, reviewer: Any, damage: str
) -> None:
    article = make_article("under_review")
    rounds = ReviewRound.objects.filter(article=article)
    if damage == "round closed":
        rounds.update(outcome=ReviewRound.Outcome.WITHDRAWN)
    else:
        rounds.update(revision=article.revision + 1)
    for action, kwargs in [
        (workflow.approve, {"conflict_of_interest": "none"}),
        (workflow.request_changes, {"comment": "More."}),
    ]:
        with pytest.raises(WorkflowError) as caught:
            action(article=article, by=reviewer, **kwargs)
        assert caught.value.message == "There is no open review round for this revision."
    assert Article.objects.get(pk=article.pk).state == "under_review"


# Who counts as having written the article.


def test_a_board_member_who_wrote_another_article_may_review_this_one(
    make_article: Any, reviewer_author: Any, reviewer: Any
) -> None:
    make_article(by=reviewer_author, title="Their own article")
    article = make_article("submitted")
    workflow.start_review(article=article, by=reviewer_author)
    assert Article.objects.get(pk=article.pk).state == "under_review"


@pytest.mark.parametrize("nobody", [AnonymousUser(), None], ids=["anonymous", "none"])
def test_nobody_signed_in_counts_as_having_written_an_article(
    make_article: Any, nobody: Any
) -> None:
    article = make_article()
    assert rules.is_contributor(article, nobody) is False
    assert rules.is_article_author(article, nobody) is False


@pytest.mark.parametrize(
    ("state", "action", "to_state"),
    [
        ("draft", "submit", "submitted"),
        ("submitted", "withdraw", "draft"),
        ("published", "revise", "draft"),
    ],
)
def test_an_event_records_the_state_before_and_after(
    make_article: Any, author: Any, state: str, action: str, to_state: str
) -> None:
    article = make_article(state)
    getattr(workflow, action)(article=article, by=author)
    event = last_event(article)
    assert (event.from_state, event.to_state, event.revision) == (
        state,
        to_state,
        Article.objects.get(pk=article.pk).revision,
    )
