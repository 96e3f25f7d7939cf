"""A request for changes is numbered points; the author answers each before resubmitting;
the reviewer sees points, answers and the diff together."""

from __future__ import annotations

from typing import Any

import pytest

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import ChangePoint, Review, State
from tests.conftest import edit_body

POINTS = [
    "Say how often to exercise.",
    "Cite the 2024 guideline update.",
    "Mention foot inspection for people with diabetes.",
]


@pytest.fixture
def sent_back(policy: Any, make_article: Any, reviewer: Any, author: Any) -> Any:
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    workflow.request_changes(article=article, by=reviewer, points=POINTS)
    edit_body(article, by=author, body=article.body + "\nThree sessions a week [@pmid:27999003].\n")
    return article


def test_a_request_for_changes_is_numbered_points(sent_back: Any) -> None:
    points = list(ChangePoint.objects.order_by("number").values_list("number", "text"))
    assert points == [(1, POINTS[0]), (2, POINTS[1]), (3, POINTS[2])]


def test_a_request_given_only_points_is_kept_as_the_numbered_list_under_the_policy(
    sent_back: Any, policy: Any
) -> None:
    review = Review.objects.get(round__article=sent_back)
    assert review.comment == (
        "1. Say how often to exercise.\n"
        "2. Cite the 2024 guideline update.\n"
        "3. Mention foot inspection for people with diabetes."
    )
    assert review.policy == policy
    event = sent_back.events.get(transition="request_changes")
    assert event.comment == review.comment


def test_resubmit_is_refused_until_every_point_has_an_answer(sent_back: Any, author: Any) -> None:
    with pytest.raises(WorkflowError) as refused:
        workflow.resubmit(article=sent_back, by=author, answers={1: ("done", ""), 2: ("done", "")})
    assert refused.value.problems == [
        "Point 3 has no answer yet: “Mention foot inspection for people with diabetes.”"
    ]
    sent_back.refresh_from_db()
    assert sent_back.state == State.CHANGES_REQUESTED
    assert not ChangePoint.objects.exclude(answer="").exists()  # nothing half-saved


def test_not_done_needs_a_reason(sent_back: Any, author: Any) -> None:
    with pytest.raises(WorkflowError, match="Point 2: say why it is not done"):
        workflow.answer_points(article=sent_back, by=author, answers={2: ("not_done", " ")})


def test_answers_saved_earlier_count_and_the_resubmission_goes_through(
    sent_back: Any, author: Any
) -> None:
    workflow.answer_points(
        article=sent_back,
        by=author,
        answers={1: ("done", ""), 2: ("not_done", "The 2024 update is not yet published.")},
    )
    workflow.resubmit(article=sent_back, by=author, answers={3: ("done", "Added a paragraph.")})
    assert sent_back.state == State.SUBMITTED
    answers = list(ChangePoint.objects.order_by("number").values_list("answer", "answer_reason"))
    assert answers == [
        ("done", ""),
        ("not_done", "The 2024 update is not yet published."),
        ("done", "Added a paragraph."),
    ]


def test_only_authors_and_editors_answer_points(
    sent_back: Any, reviewer: Any, other_author: Any
) -> None:
    for person in (reviewer, other_author):
        with pytest.raises(WorkflowError, match="Only an author of this article or an editor"):
            workflow.answer_points(article=sent_back, by=person, answers={1: ("done", "")})


def test_the_reviewer_sees_points_answers_and_the_diff_together(
    client: Any, sent_back: Any, author: Any, reviewer: Any
) -> None:
    workflow.resubmit(
        article=sent_back,
        by=author,
        answers={
            1: ("done", ""),
            2: ("not_done", "The <2024> update is not yet published."),
            3: ("done", ""),
        },
    )
    client.force_login(reviewer)
    page = client.get(sent_back.get_review_url()).text
    points_at = page.index("Points and answers")
    diff_at = page.index('id="changes-heading"')
    assert points_at < diff_at
    section = page[points_at:diff_at]
    for text in POINTS:
        assert text in section
    assert "Not done</strong>: The &lt;2024&gt; update is not yet published." in section
    assert "Three sessions a week" in page[diff_at:]


def test_the_editor_page_asks_for_an_answer_to_each_point(
    client: Any, sent_back: Any, author: Any
) -> None:
    client.force_login(author)
    page = client.get(sent_back.get_edit_url()).text
    for n, text in enumerate(POINTS, 1):
        assert text in page
        assert f'name="answer-{n}"' in page and f'name="reason-{n}"' in page


def _form(article: Any, **extra: str) -> dict[str, Any]:
    return {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "audience": article.audience,
        "expected_revision": article.revision,
        **extra,
    }


def test_resubmitting_from_the_editor_without_every_answer_keeps_what_was_typed(
    client: Any, sent_back: Any, author: Any
) -> None:
    client.force_login(author)
    response = client.post(
        sent_back.get_edit_url(),
        _form(sent_back, action="resubmit", **{"answer-1": "done", "reason-2": "Working on it"}),
    )
    assert response.status_code == 400
    assert "Point 2 has no answer yet" in response.text
    assert "Working on it</textarea>" in response.text
    sent_back.refresh_from_db()
    assert sent_back.state == State.CHANGES_REQUESTED
    # The answer given was saved with the draft, so it is there next time too.
    assert ChangePoint.objects.get(number=1).answer == "done"


def test_resubmitting_from_the_editor_with_every_answer(
    client: Any, sent_back: Any, author: Any
) -> None:
    client.force_login(author)
    answers = {"answer-1": "done", "answer-2": "not_done", "reason-2": "Not out yet."}
    answers["answer-3"] = "done"
    response = client.post(sent_back.get_edit_url(), _form(sent_back, action="resubmit", **answers))
    assert response.status_code == 302
    sent_back.refresh_from_db()
    assert sent_back.state == State.SUBMITTED


def test_nobody_else_can_post_answers_through_the_editor(
    client: Any, sent_back: Any, other_author: Any, reviewer: Any
) -> None:
    response = client.post(sent_back.get_edit_url(), _form(sent_back, **{"answer-1": "done"}))
    assert response.status_code in (302, 401)  # anonymous: sign in
    for person in (other_author, reviewer):
        client.force_login(person)
        response = client.post(sent_back.get_edit_url(), _form(sent_back, **{"answer-1": "done"}))
        assert response.status_code in (403, 404)
    assert not ChangePoint.objects.exclude(answer="").exists()


def test_the_review_page_turns_paragraphs_into_points(
    client: Any, policy: Any, make_article: Any, reviewer: Any
) -> None:
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    client.force_login(reviewer)
    response = client.post(
        f"/review/{article.pk}/request-changes/",
        {"comment": "1. Say how often.\r\n\r\n2. Cite the update.\r\n"},
    )
    assert response.status_code == 302
    assert list(ChangePoint.objects.order_by("number").values_list("text", flat=True)) == [
        "Say how often.",
        "Cite the update.",
    ]
