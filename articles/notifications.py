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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from editorial import roles

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    label: str
    who: str
    required: bool  # the workflow needs the person to act: it cannot be turned off


KINDS: dict[str, Kind] = {
    "submitted": Kind("An article is submitted for review", "the board", False),
    "resubmitted": Kind("An article you reviewed is resubmitted", "its reviewers", True),
    "assigned": Kind("You are asked to review an article", "the reviewer", True),
    "assignment_withdrawn": Kind("Your review assignment is withdrawn", "the reviewer", False),
    "reminder": Kind("Reminder: a review of yours is due soon", "the reviewer", True),
    "overdue": Kind("A review of yours is overdue", "the reviewer", True),
    "overdue_editors": Kind("A reviewer's review is overdue", "editors", True),
    "accepted": Kind("A reviewer accepts an assignment", "editors", False),
    "declined": Kind("A reviewer declines an assignment", "editors", True),
    "approval": Kind("A board member approves your article", "authors", False),
    "approved": Kind("Your article is approved (quorum met)", "authors", False),
    "ready_to_publish": Kind("An article is ready to publish", "editors", True),
    "changes_requested": Kind("Changes are requested to your article", "authors", True),
    "published": Kind("An article of yours goes live", "authors and approvers", False),
    "archived": Kind("An article of yours is archived", "authors and approvers", False),
    "comment": Kind("A new comment in a review you take part in", "participants", False),
}


def optional_kinds() -> dict[str, Kind]:
    """The kinds a person may turn off on their notification settings page."""
    return {name: kind for name, kind in KINDS.items() if not kind.required}


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


def wanted(kind: str, users: Iterable[Any]) -> list[Any]:
    """`users` minus those who turned `kind` off (a kind the workflow needs cannot be)."""
    from articles.models import NotificationOptOut

    users = list(users)
    known = KINDS.get(kind)
    if known is None or known.required or not users:
        return users
    off = set(
        NotificationOptOut.objects.filter(kind=kind, user__in=[u.pk for u in users]).values_list(
            "user_id", flat=True
        )
    )
    return [u for u in users if u.pk not in off]


def render(
    kind: str, *, article: Any, path: str, template: str | None = None, **extra: Any
) -> dict[str, str]:
    """The message's subject, plain text and HTML, rendered now."""
    template = template or kind
    context = {
        "article": article,
        "url": settings.SITE_URL + path,
        "site_name": settings.SITE_NAME,
        "settings_url": settings.SITE_URL + reverse("articles:notification_settings"),
        "authors": ", ".join(name_of(u) for u in article.authors.all()) if article else "",
        **extra,
    }
    return {
        "subject": " ".join(render_to_string(f"emails/{template}_subject.txt", context).split()),
        "body": render_to_string(f"emails/{template}.txt", context),
        "html": render_to_string(f"emails/{template}.html", context),
    }


def send(
    kind: str,
    *,
    to: Iterable[Any],
    article: Any = None,
    path: str,
    template: str | None = None,
    **extra: Any,
) -> None:
    """Queue one email of `kind` to the people `to`, inside the caller's transaction.

    People who turned the kind off are left out; nothing is queued when nobody is left.
    `template` names the templates when they are not the kind's own (the shared "notice":
    `subject`, `lead`, optional `points`, `quote`, `action`). The message leaves after the
    commit, sent by the worker (or, with NOTIFICATIONS_SEND_ON_COMMIT, by this process
    right after the commit: the tests' way of seeing the email without a worker).
    """
    from articles.tasks import deliver, send_queued

    recipients = addresses(wanted(kind, to))
    if not recipients:
        return
    message = {
        "kind": kind,
        "to": recipients,
        "article_id": getattr(article, "pk", None),
        **render(kind, article=article, path=path, template=template, **extra),
    }
    queued = deliver.enqueue(message)
    if getattr(settings, "NOTIFICATIONS_SEND_ON_COMMIT", False):
        transaction.on_commit(lambda: send_queued(ids=[queued.id]))


def notice(kind: str, *, to: Iterable[Any], article: Any, path: str, **extra: Any) -> None:
    send(kind, to=to, article=article, path=path, template="notice", **extra)


def editors() -> list[Any]:
    User = get_user_model()  # noqa: N806
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=roles.EDITORS) | Q(is_superuser=True))
        .distinct()
    )


def _due(assignment: Any) -> str:
    return formats.date_format(timezone.localtime(assignment.due_at), "DATETIME_FORMAT")


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


def resubmitted(article: Any, reviewers: Sequence[Any]) -> None:
    """To the previous round's reviewers; the whole board if nobody had it yet."""
    if not reviewers:
        submitted(article)
        return
    notice(
        "resubmitted",
        to=reviewers,
        article=article,
        path=article.get_review_url(),
        subject=f"Resubmitted: {article.title}",
        lead=(
            f"“{article.title}” is resubmitted as revision {article.revision}, with the "
            "authors' answer to each point. The review page shows the points, the answers "
            "and what changed."
        ),
        action="Open the review page",
    )


def changes_requested(article: Any, review: Any) -> None:
    """To the authors, with the reviewer's points, linking to the editor."""
    send(
        "changes_requested",
        to=article.authors.all(),
        article=article,
        path=article.get_edit_url(),
        review=review,
        points=list(review.points.all()),
        note=review.note,
        reviewer=name_of(review.reviewer),
    )


def approval(article: Any, review: Any, approvals: int, required: int) -> None:
    """To the authors: one more approval, short of the quorum ("1 of 2")."""
    notice(
        "approval",
        to=article.authors.all(),
        article=article,
        path=article.get_edit_url(),
        subject=f"Approved by {name_of(review.reviewer)} ({approvals} of {required}): "
        f"{article.title}",
        lead=(
            f"{name_of(review.reviewer)} approved revision {review.revision} of "
            f"“{article.title}”: {approvals} of {required} approvals. It goes to the "
            "editors once the quorum is met."
        ),
        action="Open your article",
    )


def approved(article: Any) -> None:
    """To the authors: the quorum is met."""
    send("approved", to=article.authors.all(), article=article, path=article.get_edit_url())


def ready_to_publish(article: Any, approvers: Sequence[Any]) -> None:
    """To the editors: the board's quorum approved it; someone must publish it."""
    names = ", ".join(name_of(u) for u in approvers)
    notice(
        "ready_to_publish",
        to=editors(),
        article=article,
        path=article.get_review_url(),
        subject=f"Ready to publish: {article.title}",
        lead=(
            f"“{article.title}” (revision {article.revision}) is approved by {names}: the "
            "quorum is met. Publish it now or at a set time."
        ),
        action="Open it to publish",
    )


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


def archived(article: Any, approvers: Sequence[Any]) -> None:
    """To the authors and the approvers, with the editor's reason."""
    notice(
        "archived",
        to=[*article.authors.all(), *approvers],
        article=article,
        path=article.get_edit_url(),
        subject=f"Archived: {article.title}",
        lead=f"“{article.title}” is archived. Its public page now says it was withdrawn.",
        quote=article.archived_reason,
        action="Open the article",
    )


def assigned(assignment: Any) -> None:
    article = assignment.round.article
    by = name_of(assignment.assigned_by) if assignment.assigned_by else "An editor"
    notice(
        "assigned",
        to=[assignment.reviewer],
        article=article,
        path=article.get_review_url(),
        subject=f"Please review by {_due(assignment)}: {article.title}",
        lead=(
            f"{by} asks you to review “{article.title}” (revision {assignment.round.revision}) "
            f"by {_due(assignment)}. Accept it, declaring any conflict of interest, or "
            "decline it with a reason, on the review page."
        ),
        action="Accept or decline",
    )


def assignment_withdrawn(assignment: Any) -> None:
    article = assignment.round.article
    notice(
        "assignment_withdrawn",
        to=[assignment.reviewer],
        article=article,
        path=article.get_review_url(),
        subject=f"No longer needed: your review of {article.title}",
        lead=f"An editor withdrew your assignment to review “{article.title}”. Thank you.",
        action="Open the review page",
    )


def responded(assignment: Any) -> None:
    """To the editors: the reviewer accepted or declined (with the reason)."""
    article = assignment.round.article
    accepted = assignment.status == "accepted"
    verb = "accepted" if accepted else "declined"
    notice(
        verb,
        to=editors(),
        article=article,
        path=article.get_review_url(),
        subject=f"{name_of(assignment.reviewer)} {verb} to review: {article.title}",
        lead=(
            f"{name_of(assignment.reviewer)} {verb} to review “{article.title}”"
            + (f", due {_due(assignment)}." if accepted else ". Assign someone else.")
        ),
        quote="" if accepted else assignment.decline_reason,
        action="Open the review page",
    )


def reminder(assignment: Any) -> None:
    article = assignment.round.article
    notice(
        "reminder",
        to=[assignment.reviewer],
        article=article,
        path=article.get_review_url(),
        subject=f"Reminder: your review is due {_due(assignment)}: {article.title}",
        lead=f"Your review of “{article.title}” is due {_due(assignment)}.",
        action="Open the review page",
    )


def overdue(assignment: Any) -> None:
    """To the reviewer, and to the editors, once."""
    article = assignment.round.article
    reviewer = name_of(assignment.reviewer)
    notice(
        "overdue",
        to=[assignment.reviewer],
        article=article,
        path=article.get_review_url(),
        subject=f"Overdue: your review of {article.title}",
        lead=(
            f"Your review of “{article.title}” was due {_due(assignment)}. Please decide "
            "now, or decline so an editor can ask someone else."
        ),
        action="Open the review page",
    )
    notice(
        "overdue_editors",
        to=editors(),
        article=article,
        path=article.get_review_url(),
        subject=f"Overdue review by {reviewer}: {article.title}",
        lead=f"{reviewer}'s review of “{article.title}” was due {_due(assignment)}.",
        action="Open the review page",
    )


def comment(comment: Any, participants: Sequence[Any]) -> None:
    """To the round's other participants."""
    article = comment.article
    notice(
        "comment",
        to=[u for u in participants if u.pk != comment.author_id],
        article=article,
        path=article.get_review_url() + "#thread",
        subject=f"New comment by {name_of(comment.author)}: {article.title}",
        lead=f"{name_of(comment.author)} commented on “{article.title}”:",
        quote=comment.body,
        action="Read the discussion",
    )
