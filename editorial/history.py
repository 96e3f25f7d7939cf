"""What every history record says about why it was written.

django-simple-history keeps the reason in `history_change_reason`, a varchar(100). The
full text of a comment, a decision or an archive reason lives in the workflow event or the
review; the history row keeps the action's name and a bounded excerpt, so a reason of any
length can never make a save fail (PostgreSQL enforces the bound; SQLite ignores it).
"""

from __future__ import annotations

REASON_MAX_LENGTH = 100


def change_reason(action: str, comment: str = "") -> str:
    """`action: comment`, cut to fit the history column with an ellipsis when it is longer."""
    comment = " ".join((comment or "").split())
    reason = f"{action}: {comment}" if comment else action
    if len(reason) <= REASON_MAX_LENGTH:
        return reason
    return reason[: REASON_MAX_LENGTH - 1].rstrip() + "…"
