"""Citation and evidence conditions on the workflow (see articles.checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from articles.checks import Check, EvidenceWarning
    from articles.models import Article


def cites_a_reference(article: Article) -> list[str]:
    if article.cited_references.exists():
        return []
    return ["The article must cite at least one reference (add a marker such as [@pmid:12345678])."]


SUBMISSION_CHECKS: list[Check] = [cites_a_reference]
APPROVAL_CHECKS: list[Check] = []


def evidence_warnings(article: Article) -> list[EvidenceWarning]:
    return []
