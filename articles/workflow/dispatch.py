"""The transitions by name, for the admin's buttons and generic views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_fsm import (
    FSMField,
    get_available_FIELD_transitions,
    get_available_user_FIELD_transitions,
)

from articles.exceptions import WorkflowError
from articles.models import Article
from articles.workflow.evidence import dismiss_evidence_flag
from articles.workflow.publishing import archive, publish, revise
from articles.workflow.review import approve, request_changes, start_rereview, start_review
from articles.workflow.submission import resubmit, submit, withdraw

TRANSITIONS: dict[str, Callable[..., Article]] = {
    "submit": submit,
    "withdraw": withdraw,
    "start_review": start_review,
    "approve": approve,
    "request_changes": request_changes,
    "resubmit": resubmit,
    "publish": publish,
    "revise": revise,
    "start_rereview": start_rereview,
    "dismiss_evidence_flag": dismiss_evidence_flag,
    "archive": archive,
}


def perform(name: str, *, article: Article, by: Any, **kwargs: Any) -> Article:
    """Dispatch a transition by name; an unknown name is refused, never a 500."""
    try:
        action = TRANSITIONS[name]
    except KeyError:
        raise WorkflowError(f"“{name}” is not a workflow action.") from None
    return action(article=article, by=by, **kwargs)


def _state_field() -> FSMField:
    field = Article._meta.get_field("state")
    assert isinstance(field, FSMField)
    return field


def available_transitions(article: Article, user: Any) -> list[str]:
    """The transitions this person may attempt from the article's current state."""
    return [t.name for t in get_available_user_FIELD_transitions(article, user, _state_field())]


def state_transitions(article: Article) -> list[str]:
    """The transitions from the article's current state whose conditions hold, for anyone."""
    return [t.name for t in get_available_FIELD_transitions(article, _state_field())]
