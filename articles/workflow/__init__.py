"""Every change to an article goes through one function here; nothing else changes it.

Each action takes the article's row lock inside a transaction (waiting a few seconds at
most), checks who is acting and the state with a message a person can act on, checks its
conditions (articles.checks), performs the @transition declared on the model, records the
event and the history row (who and why), and queues its emails in the same transaction
(articles.notifications; a worker sends them after the commit). Views,
the admin and management commands all call these functions:

    from articles import workflow
    workflow.approve(article=article, by=user, conflict_of_interest="none")

Where each action lives:
- frame.py       the shared frame: transaction, lock, permission, state, event, history
- content.py     create_article, save_content, change_authors, change_slug, add_comment
- submission.py  submit, resubmit, withdraw
- review.py      start_review, approve, request_changes, start_rereview
- publishing.py  publish (now or scheduled), publish_due, revise, archive
- dispatch.py    perform (by name, for the admin), available_transitions, state_transitions
- assignments.py assign_reviewers, accept_assignment, decline_assignment,
                 withdraw_assignment, reassign (named reviewers, due dates)
- points.py      answer_points (the author's answers to a request's numbered points)
- readers.py     submit_report, triage_report, start_rereview_from_report, evidence_found
- evidence.py    dismiss_evidence_flag ("Reviewed: no change needed"), open_flags: the
                 board's answer to a concern or correction found after publication
"""

from __future__ import annotations

from articles.workflow.assignments import (
    accept_assignment,
    assign_reviewers,
    decline_assignment,
    reassign,
    withdraw_assignment,
)
from articles.workflow.content import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    add_comment,
    change_authors,
    change_slug,
    create_article,
    save_content,
    unique_slug,
    validate_content,
)
from articles.workflow.dispatch import (
    TRANSITIONS,
    available_transitions,
    perform,
    state_transitions,
)
from articles.workflow.evidence import dismiss_evidence_flag, open_flags
from articles.workflow.points import answer_points
from articles.workflow.publishing import archive, publish, publish_due, revise, when_to_publish
from articles.workflow.readers import (
    TooManyReports,
    evidence_found,
    start_rereview_from_report,
    submit_report,
    triage_report,
)
from articles.workflow.review import approve, request_changes, start_rereview, start_review
from articles.workflow.submission import resubmit, submit, withdraw

__all__ = [
    "accept_assignment",
    "answer_points",
    "assign_reviewers",
    "decline_assignment",
    "reassign",
    "withdraw_assignment",
    "BODY_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "TRANSITIONS",
    "TooManyReports",
    "add_comment",
    "approve",
    "archive",
    "available_transitions",
    "state_transitions",
    "change_authors",
    "change_slug",
    "create_article",
    "dismiss_evidence_flag",
    "evidence_found",
    "open_flags",
    "perform",
    "publish",
    "publish_due",
    "request_changes",
    "resubmit",
    "revise",
    "save_content",
    "start_rereview",
    "start_rereview_from_report",
    "start_review",
    "submit",
    "submit_report",
    "triage_report",
    "unique_slug",
    "validate_content",
    "when_to_publish",
    "withdraw",
]
