"""The board's answer to an evidence notice found after publication (issue 13).

A concern or a correction about a reference of a live page, found after it went live,
flags the article for the board (`PublicationReference.objects.flagged`; the queue's
"Evidence flagged"). A board member who may review it deals with the flag in one of two
ways: "Start re-review" (`start_rereview`, which answers every open flag of the article
with `settle_flags`), or "Reviewed: no change needed" with a reason
(`dismiss_evidence_flag`). Either is recorded per notice (EvidenceFlagReview); a later
status change of the reference flags the page again.
"""

from __future__ import annotations

import datetime
from typing import Any

from articles import rules
from articles.exceptions import WorkflowError
from articles.models import Article, EvidenceFlagReview, PublicationReference
from articles.workflow.frame import acting, clean_text, record, require_transition_state

FOUND = {"concern": "expression of concern", "corrected": "correction"}


def open_flags(article: Article) -> list[PublicationReference]:
    """The live page's notices the board has not answered, in the order of the references."""
    if article.current_publication_id is None:
        return []
    return list(
        PublicationReference.objects.flagged()
        .filter(publication_id=article.current_publication_id)
        .select_related("reference")
        .order_by("number")
    )


def describe(flag: PublicationReference) -> str:
    """'reference 2, correction': short, so the history row keeps the reason after it."""
    reference = flag.reference
    return f"reference {flag.number}, {FOUND[reference.retraction_status]}"


def settle_flags(
    flags: list[PublicationReference],
    *,
    by: Any,
    outcome: str,
    reason: str = "",
) -> None:
    """Record the board's answer to each notice (inside the acting transaction)."""
    for flag in flags:
        reference = flag.reference
        assert reference.status_changed_at is not None  # flagged() compared it
        EvidenceFlagReview.objects.create(
            publication_id=flag.publication_id,
            reference=reference,
            status=reference.retraction_status,
            status_changed_at=reference.status_changed_at,
            outcome=outcome,
            reason=reason,
            reviewed_by=by,
        )


def rereview_comment(article: Article, comment: str = "") -> tuple[str, list[PublicationReference]]:
    """A re-review answers the page's open notices: they are named in its comment."""
    flags = open_flags(article)
    if not flags:
        return comment, []
    because = "evidence notice: " + "; ".join(describe(f) for f in flags)
    return (f"{comment} ({because})" if comment else because), flags


def _require_flag(article: Article, name: str) -> None:
    require_transition_state(article, name)
    if not open_flags(article):
        raise WorkflowError(
            f"No evidence notice about “{article.title}” is waiting for the board, so you "
            "cannot mark one reviewed now."
        )


def dismiss_evidence_flag(
    *,
    article: Article,
    by: Any,
    reason: str,
    reference: Any = None,
    found_at: datetime.datetime | None = None,
) -> Article:
    """ "Reviewed: no change needed": a board member who may review the article read the
    notice and keeps the page as it is, saying why.

    `reference` (a Reference or its id) answers that reference's notice, and `found_at`
    (when the notice was recorded, as the page showed it) makes sure it is the notice the
    person read: a status that changed since is refused, to be read again. Without them,
    every open notice of the article is answered.
    """
    reason = clean_text(reason, name="A reason", required=True)
    with acting(
        article, "dismiss_evidence_flag", by=by, may=rules.may_review, state=_require_flag
    ) as locked:
        flags = open_flags(locked)
        if reference is not None:
            wanted = getattr(reference, "pk", reference)
            flags = [f for f in flags if f.reference_id == int(wanted)]
            if not flags:
                raise WorkflowError(
                    "That reference has no evidence notice waiting for the board: someone "
                    "may have answered it already. Nothing was changed."
                )
        if found_at is not None and any(f.reference.status_changed_at != found_at for f in flags):
            raise WorkflowError(
                "The reference's status changed since you read the notice, so nothing was "
                "changed. Read the new notice, then decide again; your text is kept below."
            )
        noticed = "; ".join(describe(f) for f in flags)
        # The transition first: its condition is that a notice is still unanswered.
        record(locked, "dismiss_evidence_flag", by=by, comment=f"{noticed}: {reason}")
        settle_flags(flags, by=by, outcome=EvidenceFlagReview.Outcome.NO_CHANGE, reason=reason)
    return locked
