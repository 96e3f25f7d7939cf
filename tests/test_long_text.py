"""Comments, decisions and reasons of any length the forms accept are saved whole.

History rows keep the action and a bounded excerpt (history_change_reason is a
varchar(100) that PostgreSQL enforces); the full text lives in the event or the review.
"""

from __future__ import annotations

from typing import Any

from articles import workflow
from articles.models import Review, WorkflowEvent
from editorial.history import REASON_MAX_LENGTH, change_reason

LONG = ("The dosing table in the second section cites the 2019 guideline; the 2024 update " * 30)[
    :2000
]


def test_change_reason_keeps_short_reasons_and_cuts_long_ones_to_the_column() -> None:
    assert change_reason("approve") == "approve"
    assert change_reason("approve", "1 of 2 approvals") == "approve: 1 of 2 approvals"
    cut = change_reason("request_changes", LONG)
    assert len(cut) == REASON_MAX_LENGTH
    assert cut.startswith("request_changes: The dosing table") and cut.endswith("…")


def test_a_long_request_for_changes_is_saved_whole(make_article: Any, reviewer: Any) -> None:
    article = make_article("under_review")
    workflow.request_changes(article=article, by=reviewer, comment=LONG)
    review = Review.objects.get(round__article=article, reviewer=reviewer)
    assert review.comment == LONG.strip()
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    assert (event.transition, event.comment) == ("request_changes", LONG.strip())
    record = article.history.latest()
    assert record.history_change_reason.startswith("request_changes: The dosing table")
    assert len(record.history_change_reason) <= REASON_MAX_LENGTH


def test_a_long_approval_comment_and_declaration_are_saved_whole(
    policy: Any, make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    workflow.approve(article=article, by=reviewer, conflict_of_interest=LONG, comment=LONG)
    review = Review.objects.get(round__article=article, reviewer=reviewer)
    assert (review.conflict_of_interest, review.comment) == (LONG.strip(), LONG.strip())
    assert len(article.history.latest().history_change_reason) <= REASON_MAX_LENGTH


def test_a_long_archive_reason_is_saved_whole(policy: Any, make_article: Any, editor: Any) -> None:
    article = make_article("published")
    workflow.archive(article=article, by=editor, reason=LONG)
    article.refresh_from_db()
    assert article.archived_reason == LONG.strip()
    assert WorkflowEvent.objects.filter(article=article).latest("pk").comment == LONG.strip()
