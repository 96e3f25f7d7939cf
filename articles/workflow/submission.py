"""An author hands the article to the board: submit, resubmit, withdraw."""

from __future__ import annotations

from typing import Any

from articles import checks, notifications, rules
from articles.models import Article, ReviewRound
from articles.workflow.assignments import carry_over
from articles.workflow.frame import acting, record, require_conditions
from articles.workflow.points import Answers, record_answers, unanswered
from articles.workflow.rounds import close_round, new_round
from references.citations import sync_citations


def submit(*, article: Article, by: Any, comment: str = "") -> Article:
    """draft → submitted: opens a review round pinned to the current revision."""
    return _hand_over(article, by=by, comment=comment, name="submit")


def resubmit(
    *, article: Article, by: Any, comment: str = "", answers: Answers | None = None
) -> Article:
    """changes_requested → submitted: a new round on the revised text.

    Every point of the request for changes needs the author's answer ("done", or "not
    done" and why), given here or saved earlier with `answer_points`. The previous round's
    reviewers are assigned to the new round and told.
    """
    return _hand_over(article, by=by, comment=comment, name="resubmit", answers=answers)


def _hand_over(
    article: Article, *, by: Any, comment: str, name: str, answers: Answers | None = None
) -> Article:
    with acting(article, name, by=by, may=rules.may_edit) as locked:
        if answers:
            record_answers(locked, by=by, answers=answers)
        # A reference added to the library since the last save may now resolve a marker.
        sync_citations(locked)
        problems = checks.submission_problems(locked)
        if name == "resubmit":
            problems = [*problems, *unanswered(locked)]
        require_conditions(problems, "submitted")
        previous = locked.rounds.order_by("-number").first()
        record(locked, name, by=by, comment=comment)
        review_round = new_round(locked, by=by, kind=ReviewRound.Kind.SUBMISSION)
        if name == "resubmit":
            notifications.resubmitted(locked, carry_over(previous, review_round))
        else:
            notifications.submitted(locked)
    return locked


def withdraw(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → draft, before a reviewer has picked it up."""
    with acting(article, "withdraw", by=by, may=rules.may_edit) as locked:
        close_round(locked, ReviewRound.Outcome.WITHDRAWN)
        record(locked, "withdraw", by=by, comment=comment)
    return locked
