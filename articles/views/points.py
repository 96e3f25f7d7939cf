"""The editor page's answers to the reviewers' points: read from the form, shown back."""

from __future__ import annotations

from django.http import QueryDict

from articles.models import Article, ChangePoint, State
from articles.workflow.points import Answers, points_to_answer


def answers_from(data: QueryDict) -> Answers:
    """{number: (answer, reason)} from the fields answer-<n> and reason-<n>."""
    numbers = {
        key.split("-", 1)[1]
        for key in data
        if key.startswith(("answer-", "reason-")) and key.split("-", 1)[1].isdigit()
    }
    return {
        int(n): (data.get(f"answer-{n}", ""), data.get(f"reason-{n}", ""))
        for n in sorted(numbers, key=int)
    }


def points_for_editor(article: Article, data: QueryDict | None) -> list[ChangePoint]:
    """The points to answer, each with what to show: what was just typed, else what is saved."""
    if article.state != State.CHANGES_REQUESTED:
        return []
    typed: Answers = answers_from(data) if data is not None else {}
    points = points_to_answer(article)
    for point in points:
        point.shown_answer, point.shown_reason = typed.get(
            point.number, (point.answer, point.answer_reason)
        )
    return points
