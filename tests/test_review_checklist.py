"""The structured review: the policy's checklist, the structured conflict-of-interest
declaration, frozen questions of older policy versions, and what readers see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Review, State
from editorial.models import DEFAULT_REVIEW_CHECKLIST, EditorialPolicy

QUESTIONS = DEFAULT_REVIEW_CHECKLIST
ALL_YES = ["yes"] * len(QUESTIONS)


@pytest.fixture
def checklist_policy(policy: EditorialPolicy) -> EditorialPolicy:
    policy.review_checklist = list(QUESTIONS)
    policy.save()
    return policy


@pytest.fixture
def in_review(checklist_policy: Any, make_article: Any, reviewer: Any) -> Any:
    article = make_article("submitted")
    return workflow.start_review(article=article, by=reviewer)


def approve(article: Any, reviewer: Any, checklist: Any, **kwargs: Any) -> Any:
    return workflow.approve(
        article=article,
        by=reviewer,
        conflict_of_interest=kwargs.pop("conflict_of_interest", "none"),
        checklist=checklist,
        **kwargs,
    )


def test_a_new_policy_version_starts_with_the_default_checklist_and_fourteen_days(db: Any) -> None:
    policy = EditorialPolicy.objects.create(
        version=7, effective_date=datetime.date(2025, 1, 1), body="Policy."
    )
    assert policy.review_checklist == QUESTIONS
    assert policy.review_days == 14


@pytest.mark.parametrize(
    "answers, problem",
    [
        ([], "Not answered: Every clinical claim is supported by a cited source."),
        (["yes", "yes", "", "yes", "yes"], "Not answered: The evidence cited is current."),
        (["yes", "no", "yes", "yes", "yes"], "Answered “no”: Doses, contraindications"),
    ],
)
def test_approval_is_refused_while_an_item_is_unanswered_or_no(
    in_review: Any, reviewer: Any, answers: list[str], problem: str
) -> None:
    with pytest.raises(WorkflowError) as refused:
        approve(in_review, reviewer, answers)
    assert any(p.startswith(problem) for p in refused.value.problems)
    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW
    assert not Review.objects.exists()


def test_yes_and_not_applicable_answers_approve_and_are_kept_with_the_review(
    in_review: Any, reviewer: Any, checklist_policy: Any
) -> None:
    approve(in_review, reviewer, ["yes", "n/a", "yes", "yes", "yes"])
    review = Review.objects.get()
    assert in_review.state == State.APPROVED
    assert review.policy == checklist_policy
    assert review.checklist_answers[1] == {"question": QUESTIONS[1], "answer": "n/a"}
    assert [item["label"] for item in review.checklist] == [
        "Yes",
        "Not applicable",
        "Yes",
        "Yes",
        "Yes",
    ]


def test_a_request_for_changes_records_the_answers_given(in_review: Any, reviewer: Any) -> None:
    workflow.request_changes(
        article=in_review,
        by=reviewer,
        points=["Add the 2024 dosing table."],
        checklist=["yes", "no"],
    )
    review = Review.objects.get()
    assert [item["answer"] for item in review.checklist_answers] == ["yes", "no", "", "", ""]


def test_the_structured_declaration_keeps_its_kind_and_statement(
    in_review: Any, reviewer: Any
) -> None:
    approve(
        in_review,
        reviewer,
        ALL_YES,
        conflict_category="professional",
        conflict_of_interest="Co-author of a cited guideline",
    )
    review = Review.objects.get()
    assert (review.conflict_category, review.conflict_of_interest) == (
        "professional",
        "Co-author of a cited guideline",
    )


def test_none_is_a_declaration_of_no_interest(in_review: Any, reviewer: Any) -> None:
    approve(in_review, reviewer, ALL_YES, conflict_of_interest="None")
    assert Review.objects.get().conflict_category == "none"


def test_the_frozen_checklist_of_an_older_policy_still_renders_old_reviews(
    client: Any, in_review: Any, reviewer: Any, editor: Any, checklist_policy: Any
) -> None:
    approve(in_review, reviewer, ["yes", "n/a", "yes", "yes", "yes"])
    assert checklist_policy.checklist_is_frozen
    # A newer version asks other questions; the old review still reads as answered.
    EditorialPolicy.objects.create(
        version=2,
        effective_date=datetime.date(2025, 6, 1),
        body="Version 2.",
        review_checklist=["Is the plain-language summary accurate?"],
    )
    client.force_login(editor)
    page = client.get(f"/review/{in_review.pk}/").text
    assert "Checklist (policy v1)" in page
    assert QUESTIONS[1] in page and "Not applicable" in page
    assert "plain-language summary" not in page


def test_the_checklist_of_a_used_version_cannot_be_changed_at_all(
    in_review: Any, reviewer: Any, checklist_policy: Any
) -> None:
    from django.core.exceptions import ValidationError

    approve(in_review, reviewer, ALL_YES)
    checklist_policy.review_checklist = ["Something else?"]
    with pytest.raises(ValidationError, match="frozen"):
        checklist_policy.save()
    checklist_policy.refresh_from_db()
    assert checklist_policy.review_checklist == QUESTIONS
    checklist_policy.body = "A clarified policy text."  # other fields stay editable here
    checklist_policy.save()


def test_the_admin_refuses_to_edit_the_checklist_of_a_used_version(
    client: Any, in_review: Any, reviewer: Any, checklist_policy: Any
) -> None:
    from tests.conftest import make_user

    approve(in_review, reviewer, ALL_YES)
    admin = make_user("root", is_superuser=True, staff=True)
    client.force_login(admin)
    url = f"/admin/editorial/editorialpolicy/{checklist_policy.pk}/change/"
    page = client.get(url).text
    assert 'name="review_checklist"' not in page  # read-only once answered
    assert QUESTIONS[0] in page


def test_the_admin_edits_an_unused_versions_checklist_one_question_per_line(
    client: Any, checklist_policy: Any
) -> None:
    from tests.conftest import make_user

    admin = make_user("root", is_superuser=True, staff=True)
    client.force_login(admin)
    url = f"/admin/editorial/editorialpolicy/{checklist_policy.pk}/change/"
    assert 'name="review_checklist"' in client.get(url).text
    response = client.post(
        url,
        {
            "version": 1,
            "effective_date": "2025-01-01",
            "body": "Policy.",
            "required_approvals": 1,
            "review_interval_months": 12,
            "review_days": 10,
            "review_checklist": "Is it accurate?\r\n\r\n  Is it current?  \r\n",
        },
    )
    assert response.status_code == 302
    checklist_policy.refresh_from_db()
    assert checklist_policy.review_checklist == ["Is it accurate?", "Is it current?"]
    assert checklist_policy.review_days == 10


def test_the_review_page_asks_each_question_and_refuses_an_unanswered_one(
    client: Any, in_review: Any, reviewer: Any
) -> None:
    client.force_login(reviewer)
    page = client.get(f"/review/{in_review.pk}/").text
    for question in QUESTIONS:
        assert question in page
    data = {"conflict_of_interest": "none", **{f"checklist_{n}": "yes" for n in range(4)}}
    response = client.post(f"/review/{in_review.pk}/approve/", data)
    assert response.status_code == 400
    assert "Answer this question." in response.text
    in_review.refresh_from_db()
    assert in_review.state == State.UNDER_REVIEW
    data["checklist_4"] = "n/a"
    response = client.post(f"/review/{in_review.pk}/approve/", data)
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED


def test_authors_see_the_answers_but_not_the_declared_interest(
    client: Any, in_review: Any, reviewer: Any, author: Any
) -> None:
    approve(
        in_review,
        reviewer,
        ALL_YES,
        conflict_category="financial",
        conflict_of_interest="Shares in a device maker",
    )
    client.force_login(author)
    page = client.get(f"/review/{in_review.pk}/").text
    assert QUESTIONS[0] in page
    assert "Shares in a device maker" not in page


def test_the_public_page_shows_an_approvers_declared_interest_beside_the_standing_disclosure(
    client: Any, in_review: Any, reviewer: Any, editor: Any
) -> None:
    profile = reviewer.board_profile
    profile.conflict_of_interest_disclosure = "Advisory board of a charity (2023)."
    profile.save()
    approve(
        in_review,
        reviewer,
        ALL_YES,
        conflict_category="financial",
        conflict_of_interest="Speaker fees from a <device> maker",
    )
    second = Review.objects.get()
    assert second.declares_interest
    workflow.publish(article=in_review, by=editor)
    page = client.get(in_review.get_absolute_url()).text
    assert (
        "declared a financial interest for this review: Speaker fees from a &lt;device&gt; maker"
        in page
    )
    assert "Standing disclosure: Advisory board of a charity (2023)." in page


def test_an_approval_with_gaps_is_refused_in_exact_words_naming_each_question(
    in_review: Any, reviewer: Any
) -> None:
    with pytest.raises(WorkflowError) as refused:
        approve(in_review, reviewer, ["yes", "no", "", "n/a"])
    assert refused.value.message == (
        "Answer every checklist question “yes” or “not applicable” before approving "
        "(request changes for anything answered “no”)."
    )
    assert refused.value.problems == [
        f"Answered “no”: {QUESTIONS[1]}",
        f"Not answered: {QUESTIONS[2]}",
        f"Not answered: {QUESTIONS[4]}",
    ]


def test_an_answer_that_is_not_one_of_the_three_is_refused_by_name(
    in_review: Any, reviewer: Any
) -> None:
    with pytest.raises(WorkflowError) as refused:
        approve(in_review, reviewer, ["yes", "maybe", "yes", "yes", "yes"])
    assert (refused.value.message, refused.value.problems) == (
        "“maybe” is not an answer: use yes, no or not applicable.",
        [],
    )
    assert not Review.objects.exists()


def test_answers_are_kept_without_surrounding_spaces(in_review: Any, reviewer: Any) -> None:
    approve(in_review, reviewer, [" yes", "n/a ", "yes", "yes", "yes"])
    assert Review.objects.get().checklist_answers == [
        {"question": question, "answer": answer}
        for question, answer in zip(QUESTIONS, ["yes", "n/a", "yes", "yes", "yes"], strict=True)
    ]
