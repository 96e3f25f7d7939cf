"""Conditions on workflow actions, each a small function that names what is missing.

A check takes the (locked) article and returns a list of problems, each a sentence a
person can act on; an empty list means the condition holds. Adding a condition to an
action is adding one function to its list below, nothing more.

The citation and evidence checks read the article's citation rows, the ones the renderer
numbers and a publication would show, so what is checked is what readers get:

- submit / resubmit: a body, at least one cited reference; every marker resolves (each
  unresolved key named); no cited reference is retracted (each named). (A title is never
  blank: ``validate_content`` refuses one wherever an article is created or edited.)
- approve and publish: no cited reference is retracted (a reference can be retracted while
  the article waits in the queue: ``check_references`` updates the library).
- approve also needs every evidence warning acknowledged by its ``code``: a reference with an
  expression of concern, a correction, or not yet checked for retraction. Codes are
  ``"<status>:<reference pk>"``, stable across requests, and change if the status changes, so
  an acknowledgement of "corrected" does not cover a later "concern".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from references.citations import cited_keys, match_keys
from references.models import Citation, Reference

if TYPE_CHECKING:
    from articles.models import Article

Check = Callable[["Article"], list[str]]
Status = Reference.RetractionStatus


@dataclass(frozen=True)
class EvidenceWarning:
    """Something the approving reviewer must acknowledge, e.g. a corrected reference."""

    code: str
    message: str


def has_body(article: Article) -> list[str]:
    return [] if article.body.strip() else ["The article needs a body."]


def _rows(article: Article) -> list[Citation]:
    return list(
        Citation.objects.filter(article_id=article.pk)
        .select_related("reference")
        .order_by("number")
    )


def _name(row: Citation) -> str:
    title = row.reference.title
    if len(title) > 120:
        title = title[:119] + "…"
    year = f" ({row.reference.year})" if row.reference.year else ""
    return f"reference {row.number}, “{title}”{year}"


def cites_a_reference(article: Article) -> list[str]:
    if Citation.objects.filter(article_id=article.pk).exists():
        return []
    return ["The article must cite at least one reference (add a marker such as [@pmid:12345678])."]


def markers_resolve(article: Article) -> list[str]:
    """Every marker in the body names a reference among the article's citation rows."""
    keys = cited_keys(article.body)
    if not keys:
        return []
    found = match_keys(keys, [row.reference for row in _rows(article)])
    missing = [key for key in keys if key not in found]
    if not missing:
        return []
    problems = []
    for key in missing:
        if key.startswith("pmid:") and not key[5:].isdigit():
            problems.append(f"The citation [@{key}] is not a valid PMID: a PMID is digits only.")
        elif key.startswith("doi:") and not key[4:].startswith("10."):
            problems.append(
                f"The citation [@{key}] is not a valid DOI: a DOI starts with 10., "
                "e.g. [@doi:10.2337/dc16-2042]."
            )
        else:
            problems.append(
                f"The citation [@{key}] matches no reference in the library: add the reference "
                "(“Add reference”) or correct the marker."
            )
    return problems


def no_retracted_references(article: Article) -> list[str]:
    return [
        f"Cited {_name(row)}, has been retracted: remove or replace it."
        for row in _rows(article)
        if row.reference.retraction_status == Status.RETRACTED
    ]


SUBMISSION_CHECKS: list[Check] = [
    has_body,
    cites_a_reference,
    markers_resolve,
    no_retracted_references,
]
APPROVAL_CHECKS: list[Check] = [no_retracted_references]

WARNING_TEXT: dict[str, str] = {
    Status.CONCERN: "has an expression of concern from its publisher",
    Status.CORRECTED: "has been corrected since publication; check that the cited finding stands",
    Status.UNCHECKED: "has not yet been checked for retractions or corrections",
}


def submission_problems(article: Article) -> list[str]:
    """Everything that stops `submit` and `resubmit`."""
    return [problem for check in SUBMISSION_CHECKS for problem in check(article)]


def approval_problems(article: Article) -> list[str]:
    """Everything that stops `approve` and `publish` outright (e.g. a retracted reference)."""
    return [problem for check in APPROVAL_CHECKS for problem in check(article)]


def approval_warnings(article: Article) -> list[EvidenceWarning]:
    """Warnings the approving reviewer must acknowledge before approving."""
    warnings = []
    for row in _rows(article):
        text = WARNING_TEXT.get(row.reference.retraction_status)
        if text:
            warnings.append(
                EvidenceWarning(
                    code=warning_code(row.reference), message=f"Cited {_name(row)}, {text}."
                )
            )
    return warnings


def warning_code(reference: Any) -> str:
    return f"{reference.retraction_status}:{reference.pk}"
