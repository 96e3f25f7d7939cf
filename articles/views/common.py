"""What every working page shares: fetching the article for the person, rendering, history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from articles import rules
from articles.exceptions import WorkflowError
from articles.models import Article, Review, ReviewRound, State
from editorial.models import EditorialPolicy


class HtmxRequest(HttpRequest):
    """A request as django_htmx.middleware.HtmxMiddleware leaves it (django-htmx's advice)."""

    htmx: HtmxDetails


def article_for(user: Any, pk: int, queryset: QuerySet[Article] | None = None) -> Article:
    """The article, or 404 for anyone who may not see its working copy."""
    # Never `queryset or ...`: truth-testing a queryset fetches every row of it.
    found = (Article.objects.all() if queryset is None else queryset).filter(pk=pk).first()
    if found is None or not rules.may_view(found, user):
        raise Http404("No such article.")
    return found


def require_writer(user: Any) -> None:
    """Authors and editors write; everyone else gets 403."""
    if not rules.may_create(user):
        raise PermissionDenied("Only authors and editors write articles.")


def report(request: HttpRequest, error: WorkflowError) -> None:
    """A refused action as a message: the reason, then each unmet condition."""
    messages.error(request, error.message)
    for problem in error.problems:
        messages.error(request, problem)


def current_policy() -> EditorialPolicy | None:
    return EditorialPolicy.objects.current()


def authors_by_name() -> Prefetch:
    """A list's rows' authors with what `includes/people.html` shows of them, not whole
    user rows (password hashes included)."""
    names = ("id", "username", "first_name", "last_name")
    return Prefetch("authors", queryset=get_user_model().objects.only(*names))


def with_round_progress(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate each article with the approvals in its open round, in the same query."""
    return queryset.annotate(
        open_approvals=Count(
            "rounds__reviews",
            filter=Q(
                rounds__outcome=ReviewRound.Outcome.OPEN,
                rounds__reviews__decision=Review.Decision.APPROVE,
            ),
            distinct=True,
        )
    )


def waiting_on(article: Article, required_approvals: int) -> str:
    """Who the article waits for now, in a few words (needs with_round_progress)."""
    approvals = getattr(article, "open_approvals", 0)
    match article.state:
        case State.DRAFT:
            return "You: finish it and submit it for review"
        case State.CHANGES_REQUESTED:
            return "You: answer the reviewers' comments and resubmit"
        case State.SUBMITTED:
            return "The board: a reviewer to start the review"
        case State.UNDER_REVIEW:
            noun = "approval" if required_approvals == 1 else "approvals"
            return f"The board: {approvals} of {required_approvals} {noun}"
        case State.APPROVED:
            if article.publish_at:
                return "Scheduled: goes live on its own"
            return "An editor: to publish it"
        case State.PUBLISHED:
            return "Nobody: it is live"
        case _:
            return "Nobody: it is archived"


def historical_at(article: Article, revision: int) -> Any:
    """The last history record of a given revision (content is the same across its rows)."""
    return (
        article.history.filter(revision=revision).order_by("-history_date", "-history_id").first()
    )


def content_of(record: Any) -> dict[str, str]:
    if record is None:
        return {"title": "", "summary": "", "body": ""}
    return {"title": record.title, "summary": record.summary, "body": record.body}
