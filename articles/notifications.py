"""Workflow emails. Each is called after the transaction commits, with the article's id.

Templates: templates/emails/<name>_subject.txt, <name>.txt and <name>.html, each given
`article`, `url` (where the recipient acts), `site_name`, `authors` (names) and whatever the
email adds (`review`: the decision behind it; `publication`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from editorial import roles

logger = logging.getLogger(__name__)


def _emails(users: Iterable[Any]) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _send(name: str, *, article: Any, recipients: list[str], path: str, **extra: Any) -> None:
    if not recipients:
        return
    context = {
        "article": article,
        "url": settings.SITE_URL + path,
        "site_name": settings.SITE_NAME,
        "authors": ", ".join(_name(u) for u in article.authors.all()),
        **extra,
    }
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}.txt", context),
        to=recipients,
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    try:
        message.send()
    except Exception:  # An email failure must never undo or hide a committed transition.
        logger.exception("Could not send the %s email for article %s", name, article.pk)


def _article(article_id: int) -> Any:
    from articles.models import Article

    return Article.objects.prefetch_related("authors").get(pk=article_id)


def submitted(article_id: int) -> None:
    """To the board, minus anyone who wrote the article."""
    from articles import rules

    article = _article(article_id)
    board = get_user_model().objects.filter(groups__name=roles.BOARD, is_active=True)
    reviewers = [u for u in board if not rules.is_contributor(article, u)]
    _send(
        "submitted", article=article, recipients=_emails(reviewers), path=article.get_review_url()
    )


def _latest_review(article: Any, decision: str) -> Any:
    from articles.models import Review

    return (
        Review.objects.filter(round__article=article, decision=decision)
        .select_related("reviewer")
        .order_by("-created_at", "-pk")
        .first()
    )


def changes_requested(article_id: int) -> None:
    """To the authors, with the reviewer's comment, linking to the editor."""
    article = _article(article_id)
    review = _latest_review(article, "request_changes")
    _send(
        "changes_requested",
        article=article,
        recipients=_emails(article.authors.all()),
        path=article.get_edit_url(),
        review=review,
        reviewer=_name(review.reviewer) if review else "A board member",
    )


def approved(article_id: int) -> None:
    """To the authors. Editors find it on their Publishing page."""
    article = _article(article_id)
    _send(
        "approved",
        article=article,
        recipients=_emails(article.authors.all()),
        path=article.get_edit_url(),
    )


def published(article_id: int) -> None:
    """To the authors and the board members who approved the published revision."""
    article = _article(article_id)
    publication = article.current_publication
    approvers = list(publication.approvers.all()) if publication else []
    _send(
        "published",
        article=article,
        recipients=_emails([*article.authors.all(), *approvers]),
        path=article.get_absolute_url(),
        publication=publication,
    )
