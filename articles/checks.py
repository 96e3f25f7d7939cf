"""Conditions on workflow actions, each a small function that names what is missing.

A check takes the (locked) article and returns a list of problems, each a sentence a
person can act on; an empty list means the condition holds. Adding a condition to an
action is adding one function to its list below, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from articles.models import Article

Check = Callable[["Article"], list[str]]


@dataclass(frozen=True)
class EvidenceWarning:
    """Something the approving reviewer must acknowledge, e.g. a corrected reference."""

    code: str
    message: str


def has_title(article: Article) -> list[str]:
    return [] if article.title.strip() else ["The article needs a title."]


def has_body(article: Article) -> list[str]:
    return [] if article.body.strip() else ["The article needs a body."]


def _citation_checks() -> list[Check]:
    # Imported late: the references app builds on articles, not the other way round.
    from references import checks as reference_checks

    return reference_checks.SUBMISSION_CHECKS


def _approval_checks() -> list[Check]:
    from references import checks as reference_checks

    return reference_checks.APPROVAL_CHECKS


def submission_problems(article: Article) -> list[str]:
    """Everything that stops `submit` and `resubmit`."""
    checks: list[Check] = [has_title, has_body, *_citation_checks()]
    return [problem for check in checks for problem in check(article)]


def approval_problems(article: Article) -> list[str]:
    """Everything that stops `approve` outright (e.g. a retracted reference)."""
    return [problem for check in _approval_checks() for problem in check(article)]


def approval_warnings(article: Article) -> list[EvidenceWarning]:
    """Warnings the approving reviewer must acknowledge before approving."""
    from references import checks as reference_checks

    return reference_checks.evidence_warnings(article)
