"""The frame every workflow action shares, defined once.

`acting()` opens the transaction, takes the article's row lock (waiting a few seconds at
most), checks who is acting and the state; the action then checks its own conditions and
calls `record()`, which performs the declared @transition (if any), saves the article with
its history row and writes the WorkflowEvent. Emails are queued in the database inside
the transaction (articles.notifications), so none is lost and none goes out for a change
that rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction

from articles import rules
from articles.exceptions import Busy, WorkflowError
from articles.models import Article, State, WorkflowEvent
from editorial.history import change_reason
from editorial.models import EditorialPolicy

# PostgreSQL's SQLSTATEs for "lock not available" and "statement cancelled (timeout)".
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"

Permission = Callable[[Article, Any], bool]
StateCheck = Callable[[Article, str], None]


def lock_timeout_ms() -> int:
    return int(getattr(settings, "WORKFLOW_LOCK_TIMEOUT_SECONDS", 3) * 1000)


def lock(article: Article) -> Article:
    """The article's row, locked until the transaction ends, with fresh values.

    Waits for another transaction's lock at most WORKFLOW_LOCK_TIMEOUT_SECONDS (PostgreSQL's
    lock_timeout, local to this transaction); past that, Busy.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {lock_timeout_ms():d}")
    return Article.objects.select_for_update().get(pk=article.pk)


def busy_error(article: Article, error: OperationalError) -> Busy:
    code = getattr(getattr(error, "__cause__", None), "sqlstate", None)
    if code == LOCK_NOT_AVAILABLE:
        return Busy(
            f"Someone else is acting on “{article.title}” right now, so nothing was changed. "
            "Try again in a moment; your text is kept below."
        )
    if code == QUERY_CANCELED:
        return Busy(
            "The database took too long to answer, so nothing was changed. "
            "Try again in a moment; your text is kept below."
        )
    return Busy(
        "The database could not complete this just now, so nothing was changed. "
        "Try again in a moment; your text is kept below."
    )


def require_transition_state(article: Article, name: str) -> None:
    """The state check of a declared @transition: refused unless `name` leaves this state."""
    meta = getattr(Article, name)._django_fsm
    if not meta.has_transition(article.state):
        sources = sorted({str(t.source) for t in meta.transitions.values()})
        allowed = ", ".join(State(s).label.lower() for s in sources if s in State.values)
        verb = name.replace("_", " ")
        raise WorkflowError(
            f"“{article.title}” is {article.get_state_display().lower()}, so you cannot "
            f"{verb} it now (only when it is {allowed})."
        )


def require_conditions(problems: Iterable[str], action: str) -> None:
    problems = list(problems)
    if problems:
        raise WorkflowError(f"The article cannot be {action} yet.", problems=problems)


def clean_text(value: str | None, *, name: str | None = None, required: bool = False) -> str:
    """The text trimmed. `name` says what is missing, so only a `required` text needs one."""
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(f"{name} is required.")
    return value


@contextmanager
def acting(
    article: Article,
    name: str,
    *,
    by: Any,
    may: Permission,
    state: StateCheck = require_transition_state,
) -> Iterator[Article]:
    """A transaction, the row lock (bounded wait), who may act, and from which state.

    Yields the locked, fresh article. Once the transaction has committed, the caller's own
    instance is refreshed so it does not go stale. A lock not granted in time or a statement
    timeout becomes Busy, after the whole transaction has rolled back.
    """
    try:
        with transaction.atomic():
            locked = lock(article)
            if not may(locked, by):
                raise WorkflowError(rules.PERMISSION_MESSAGES[name])
            state(locked, name)
            yield locked
    except OperationalError as error:
        raise busy_error(article, error) from error
    if article is not locked:
        article.refresh_from_db()


def record(
    article: Article,
    name: str,
    *,
    by: Any,
    comment: str = "",
    transition: bool = True,
    **transition_kwargs: Any,
) -> WorkflowEvent:
    """Perform the declared @transition `name` (unless transition=False), then save the
    article with its history row (who, and a bounded reason) and write the event (the
    whole comment)."""
    from_state = article.state
    if transition:
        article._in_workflow = True
        try:
            getattr(article, name)(**transition_kwargs)
        finally:
            article._in_workflow = False
    # `by` has passed the action's permission check, which only a signed-in user does, or
    # is None (the system, e.g. a reader's report): it is recorded as it is.
    article._history_user = by
    article._change_reason = change_reason(name, comment)
    article.save()
    return log_event(article, name, by=by, comment=comment, from_state=from_state)


def log_event(
    article: Article, name: str, *, by: Any, comment: str, from_state: str | None = None
) -> WorkflowEvent:
    """The audit trail: who did what to the article, when, in which revision, and why."""
    return WorkflowEvent.objects.create(
        article=article,
        actor=by,
        transition=name,
        from_state=from_state or article.state,
        to_state=article.state,
        revision=article.revision,
        comment=comment,
    )


def current_policy() -> EditorialPolicy:
    policy = EditorialPolicy.objects.current()
    if policy is None:
        raise WorkflowError(
            "No editorial policy is in effect yet. An editor must add one in the admin "
            "before articles can be approved or published."
        )
    return policy
