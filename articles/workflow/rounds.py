"""Review rounds: each submission or re-review opens one, pinned to a revision."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from articles.models import Article, ReviewRound


def open_round(article: Article) -> ReviewRound | None:
    return article.rounds.filter(outcome=ReviewRound.Outcome.OPEN).first()


def close_round(article: Article, outcome: str) -> ReviewRound | None:
    review_round = open_round(article)
    if review_round is not None:
        review_round.outcome = outcome
        review_round.closed_at = timezone.now()
        review_round.save(update_fields=["outcome", "closed_at"])
    return review_round


def new_round(article: Article, *, by: Any, kind: str, started: bool = False) -> ReviewRound:
    """A round on the article's current revision; `started` when a reviewer opens it at once."""
    number = (article.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    return ReviewRound.objects.create(
        article=article,
        number=number,
        kind=kind,
        revision=article.revision,
        opened_by=by,
        started_at=timezone.now() if started else None,
        started_by=by if started else None,
    )


def mark_started(review_round: ReviewRound | None, *, by: Any) -> None:
    if review_round is not None:
        review_round.started_at, review_round.started_by = timezone.now(), by
        review_round.save(update_fields=["started_at", "started_by"])
