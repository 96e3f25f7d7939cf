"""An author hands the article to the board: submit, resubmit, withdraw."""

from __future__ import annotations

from typing import Any

from articles import checks, notifications, rules
from articles.models import Article, ReviewRound
from articles.workflow.frame import acting, record, require_conditions
from articles.workflow.rounds import close_round, new_round
from references.citations import sync_citations


def submit(*, article: Article, by: Any, comment: str = "") -> Article:
    """draft → submitted: opens a review round pinned to the current revision."""
    return _hand_over(article, by=by, comment=comment, name="submit")


def resubmit(*, article: Article, by: Any, comment: str = "") -> Article:
    """changes_requested → submitted: a new round on the revised text."""
    return _hand_over(article, by=by, comment=comment, name="resubmit")


def _hand_over(article: Article, *, by: Any, comment: str, name: str) -> Article:
    with acting(article, name, by=by, may=rules.may_edit) as locked:
        # A reference added to the library since the last save may now resolve a marker.
        sync_citations(locked)
        require_conditions(checks.submission_problems(locked), "submitted")
        record(locked, name, by=by, comment=comment)
        new_round(locked, by=by, kind=ReviewRound.Kind.SUBMISSION)
        notifications.submitted(locked)
    return locked


def withdraw(*, article: Article, by: Any, comment: str = "") -> Article:
    """submitted → draft, before a reviewer has picked it up."""
    with acting(article, "withdraw", by=by, may=rules.may_edit) as locked:
        close_round(locked, ReviewRound.Outcome.WITHDRAWN)
        record(locked, "withdraw", by=by, comment=comment)
    return locked
