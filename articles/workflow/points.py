"""A request for changes is numbered points; the author answers each before resubmitting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from articles import rules
from articles.exceptions import WorkflowError
from articles.models import Article, ChangePoint, Review, ReviewRound, State
from articles.workflow.frame import acting, clean_text, log_event

# {point number: (answer, reason)}: answer "done" or "not_done"; reason required for not_done.
Answers = Mapping[int, tuple[str, str]]


def clean_points(points: Iterable[str], comment: str) -> list[str]:
    """The non-empty points, in order; a request given only a comment makes it point 1."""
    cleaned = [text for text in (clean_text(p, name="A point") for p in points) if text]
    if not cleaned and comment:
        cleaned = [comment]
    if not cleaned:
        raise WorkflowError(
            "Say what needs to change: a request for changes needs a comment or at least one point."
        )
    return cleaned


def write_points(review: Review, points: list[str]) -> list[ChangePoint]:
    return ChangePoint.objects.bulk_create(
        ChangePoint(review=review, number=n, text=text) for n, text in enumerate(points, 1)
    )


def last_request(article: Article) -> Review | None:
    """The request for changes that sent the latest round back, if it did."""
    latest = article.rounds.order_by("-number").first()
    if latest is None or latest.outcome != ReviewRound.Outcome.CHANGES_REQUESTED:
        return None
    return (
        latest.reviews.filter(decision=Review.Decision.REQUEST_CHANGES)
        .select_related("reviewer")
        .order_by("-created_at", "-pk")
        .first()
    )


def points_to_answer(article: Article) -> list[ChangePoint]:
    request = last_request(article)
    return list(request.points.all()) if request else []


def record_answers(article: Article, *, by: Any, answers: Answers) -> list[ChangePoint]:
    """Write the given answers onto the last request's points (the article is locked)."""
    points = {p.number: p for p in points_to_answer(article)}
    now, changed = timezone.now(), []
    for number, (answer, reason) in sorted(answers.items()):
        point = points.get(int(number))
        if point is None:
            raise WorkflowError(f"There is no point {number} to answer.")
        answer = (answer or "").strip()
        reason = clean_text(reason, name="A reason")
        if not answer and not reason:
            continue
        if answer and answer not in ChangePoint.Answer.values:
            raise WorkflowError(f"Point {point.number}: answer “done” or “not done”.")
        if answer == ChangePoint.Answer.NOT_DONE and not reason:
            raise WorkflowError(f"Point {point.number}: say why it is not done.")
        if (point.answer, point.answer_reason) == (answer, reason):
            continue
        point.answer, point.answer_reason = answer, reason
        # A note without an answer yet is kept as typed; resubmitting still needs the answer.
        point.answered_by, point.answered_at = by, now
        point.answered_revision = article.revision
        point.save()
        changed.append(point)
    if changed:
        log_event(
            article,
            "answer_points",
            by=by,
            comment="; ".join(
                f"Point {p.number}: {p.get_answer_display().lower()}"
                + (f" ({p.answer_reason})" if p.answer_reason else "")
                for p in changed
            ),
        )
    return changed


def unanswered(article: Article) -> list[str]:
    return [
        f"Point {p.number} has no answer yet: “{_short(p.text)}”"
        for p in points_to_answer(article)
        if not p.answer
    ]


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _changes_requested(article: Article, name: str) -> None:
    if article.state != State.CHANGES_REQUESTED:
        raise WorkflowError(
            f"“{article.title}” is {article.get_state_display().lower()}: there are no "
            "points to answer now."
        )


def answer_points(*, article: Article, by: Any, answers: Answers) -> list[ChangePoint]:
    """The author answers the reviewers' points (saved with the draft, before resubmitting)."""
    with acting(
        article, "answer_points", by=by, may=rules.may_edit, state=_changes_requested
    ) as locked:
        return record_answers(locked, by=by, answers=answers)
