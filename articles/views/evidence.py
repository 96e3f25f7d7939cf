"""The forms of the board's answer to an evidence notice ("Reviewed: no change needed",
with a reason), on the queue's "Evidence flagged" rows and the review page; the view that
takes them is articles.views.review.dismiss_evidence_flag."""

from __future__ import annotations

from django.forms import Form

from articles.forms import DismissEvidenceFlagForm
from articles.models import Article, EvidenceFlagReview, PublicationReference


def attach_forms(
    flags: list[PublicationReference],
    *,
    prefix: str,
    bound: Form | None = None,
) -> None:
    """Each notice's own "Reviewed: no change needed" form (ids unique on the page).

    The one posted and refused keeps what was typed, with its errors, and carries the
    notice as it stands now: if the status changed since it was read, sending it again
    answers the notice now shown.
    """
    for flag in flags:
        changed_at = flag.reference.status_changed_at
        current = {
            "reference": flag.reference_id,
            "found": changed_at.isoformat() if changed_at else "",
        }
        auto_id = f"{prefix}-{flag.reference_id}-%s"
        if bound is not None and str(bound.data.get("reference")) == str(flag.reference_id):
            typed = {**current, "reason": bound.data.get("reason", "")}
            flag.dismiss_form = DismissEvidenceFlagForm(typed, auto_id=auto_id)
        else:
            flag.dismiss_form = DismissEvidenceFlagForm(initial=current, auto_id=auto_id)


def answered_notices(article: Article) -> list[EvidenceFlagReview]:
    """The board's answers to the live page's notices, newest first: who, when and why."""
    if article.current_publication_id is None:
        return []
    return list(
        EvidenceFlagReview.objects.filter(publication_id=article.current_publication_id)
        .select_related("reviewed_by", "reference")
        .order_by("-reviewed_at", "-pk")
    )
