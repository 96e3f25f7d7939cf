"""Workflow emails, queued in the database inside the action's transaction.

`send(kind, to=…, article=…, path=…)` renders the message at once (so it says what was true
when the action happened) and queues it as a django-tasks task in the same transaction:
a rolled-back action queues nothing, a committed one never loses its message. A worker
(`manage.py db_worker`, started by `python3 dev.py run`) sends it after the commit and
retries a refused send with a growing delay (articles.tasks.deliver). A failing mail
server therefore never breaks, blocks or undoes a transition.

Templates: templates/emails/<kind>_subject.txt, <kind>.txt and <kind>.html, each given
`article`, `url` (where the recipient acts), `site_name`, `authors` (names) and whatever
the email adds (`review`, `publication`, …).

Other code sends its own kinds the same way:

    notifications.send("reader_report", to=roles.editors(), article=article,
                       path=reverse(...), report=report)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string

from editorial import roles

logger = logging.getLogger(__name__)


def name_of(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def addresses(users: Iterable[Any]) -> list[str]:
    """The addresses of the active people among `users` who have one, once each; a plain
    string is an address already (a reader who left one with a report)."""
    found = set()
    for user in users:
        if isinstance(user, str):
            found.add(user)
        elif user.email and user.is_active:
            found.add(user.email)
    return sorted(found)


def render(kind: str, *, article: Any, path: str, **extra: Any) -> dict[str, str]:
    """The message's subject, plain text and HTML, rendered now."""
    context = {
        "article": article,
        "url": settings.SITE_URL + path,
        "site_name": settings.SITE_NAME,
        "authors": ", ".join(name_of(u) for u in article.authors.all()) if article else "",
        **extra,
    }
    return {
        "subject": " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split()),
        "body": render_to_string(f"emails/{kind}.txt", context),
        "html": render_to_string(f"emails/{kind}.html", context),
    }


def send(kind: str, *, to: Iterable[Any], article: Any = None, path: str, **extra: Any) -> None:
    """Queue one email of `kind` to the people `to`, inside the caller's transaction.

    Nothing is queued when nobody is left to tell. The message leaves after the commit,
    sent by the worker (or, with NOTIFICATIONS_SEND_ON_COMMIT, by this process right after
    the commit: the tests' way of seeing the email without a worker).
    """
    from articles.tasks import deliver, send_queued

    recipients = addresses(to)
    if not recipients:
        return
    message = {
        "kind": kind,
        "to": recipients,
        "article_id": getattr(article, "pk", None),
        **render(kind, article=article, path=path, **extra),
    }
    queued = deliver.enqueue(message)
    if getattr(settings, "NOTIFICATIONS_SEND_ON_COMMIT", False):
        transaction.on_commit(lambda: send_queued(ids=[queued.id]))


def _board_except_contributors(article: Any) -> list[Any]:
    from articles import rules

    board = get_user_model().objects.filter(groups__name=roles.BOARD, is_active=True)
    return [u for u in board if not rules.is_contributor(article, u)]


def submitted(article: Any) -> None:
    """To the board, minus anyone who wrote the article."""
    send(
        "submitted",
        to=_board_except_contributors(article),
        article=article,
        path=article.get_review_url(),
    )


def changes_requested(article: Any, review: Any) -> None:
    """To the authors, with the reviewer's comment, linking to the editor."""
    send(
        "changes_requested",
        to=article.authors.all(),
        article=article,
        path=article.get_edit_url(),
        review=review,
        reviewer=name_of(review.reviewer),
    )


def approved(article: Any) -> None:
    """To the authors. Editors find it on their Publishing page."""
    send("approved", to=article.authors.all(), article=article, path=article.get_edit_url())


def published(article: Any) -> None:
    """To the authors and the board members who approved the published revision."""
    publication = article.current_publication
    approvers = list(publication.approvers.all()) if publication else []
    send(
        "published",
        to=[*article.authors.all(), *approvers],
        article=article,
        path=article.get_absolute_url(),
        publication=publication,
    )
