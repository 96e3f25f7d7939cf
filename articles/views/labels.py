"""What the buttons and the history say for each workflow action, in the page's words."""

from __future__ import annotations

ACTION_LABELS = {
    "submit": "Submit for review",
    "withdraw": "Withdraw",
    "start_review": "Start review",
    "approve": "Approve",
    "request_changes": "Request changes",
    "resubmit": "Resubmit",
    "publish": "Publish",
    "revise": "Revise",
    "start_rereview": "Start re-review",
    "dismiss_evidence_flag": "Reviewed: no change needed",
    "archive": "Archive",
}

# The history page also names the changes that are not transitions.
HISTORY_LABELS = {
    **ACTION_LABELS,
    "create": "Created",
    "edit": "Edited",
    "schedule_publication": "Scheduled publication",
    "change_authors": "Changed the authors",
    "change_slug": "Changed the address",
    "comment": "Commented",
}
