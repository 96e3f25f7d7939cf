"""What readers tell us, and what we tell them: reader reports and evidence notices.

- `submit_report`: a reader's "Report a problem" (no account), limited per address.
- `dismiss_report`, `act_on_report`: an editor's triage, with who and why; the reader is
  told the outcome if they left an email.
- `start_rereview_from_report`: published → under_review from a report, in one click, by a
  board member (who then reviews it) or an editor (who opens the round for the board).
- `evidence_found`: a cited reference of a live page was found retracted, under concern or
  corrected after publication; the editors and the approvers are told, once, in the same
  transaction as the status change (check_references calls it).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import notifications, rules
from articles.exceptions import WorkflowError
from articles.models import (
    Article,
    EvidenceFlagReview,
    Publication,
    ReaderReport,
    ReviewRound,
    State,
)
from articles.workflow.evidence import rereview_comment, settle_flags
from articles.workflow.frame import acting, clean_text, log_event, record
from articles.workflow.rounds import new_round
from editorial import roles


class TooManyReports(WorkflowError):
    pass


def sender_of(address: str) -> str:
    """A keyed hash of the reader's address: enough to count their reports, not to find them."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"reader-report:{address}".encode(), hashlib.sha256).hexdigest()


def editors() -> list[Any]:
    users = get_user_model().objects.filter(is_active=True)
    return [u for u in users.filter(groups__name=roles.EDITORS).distinct()] + list(
        users.filter(is_superuser=True).exclude(groups__name=roles.EDITORS)
    )


def submit_report(
    *,
    article: Article,
    publication_number: int | None,
    category: str,
    body: str,
    email: str = "",
    address: str,
    now: datetime.datetime | None = None,
) -> ReaderReport:
    """Take a reader's report about the live page into the editors' triage list."""
    now = now or timezone.now()
    body = clean_text(body, name="A description", required=True)
    if category not in ReaderReport.Category.values:
        raise WorkflowError("Choose what is wrong with the page.")
    if article.current_publication_id is None or article.state == State.ARCHIVED:
        raise WorkflowError("This page is no longer published, so it cannot be reported.")
    sender = sender_of(address)
    recent = ReaderReport.objects.filter(
        sender=sender, created_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    if recent >= settings.READER_REPORTS_PER_HOUR:
        raise TooManyReports(
            "You have sent several reports in the last hour, which is as many as we take "
            "from one connection. Please try again later; thank you for your patience."
        )
    seen = (
        Publication.objects.filter(article=article, number=publication_number).first()
        if publication_number
        else None
    ) or article.current_publication
    assert seen is not None  # a live article has a publication
    with transaction.atomic():
        report = ReaderReport.objects.create(
            article=article,
            publication=seen,
            category=category,
            body=body,
            email=(email or "").strip(),
            sender=sender,
        )
        log_event(article, "reader_report", by=None, comment=report.get_category_display())
        notifications.send(
            "reader_report",
            to=[*editors(), *_approvers(article)],
            article=article,
            path=reverse("articles:report", args=[report.pk]),
            report=report,
        )
    return report


def _approvers(article: Article) -> list[Any]:
    publication = article.current_publication
    return list(publication.approvers.all()) if publication else []


def _locked_open_report(report: ReaderReport) -> ReaderReport:
    locked = ReaderReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReaderReport.Status.OPEN:
        raise WorkflowError(
            f"This report was already {locked.get_status_display().lower()} "
            f"by {notifications.name_of(locked.handled_by)}."
        )
    return locked


def _close(report: ReaderReport, *, status: str, by: Any, resolution: str) -> None:
    report.status, report.handled_by = status, by
    report.handled_at, report.resolution = timezone.now(), resolution
    report.save()
    log_event(
        report.article,
        "report_" + status,
        by=by,
        comment=f"{report.get_category_display()}: {resolution}",
    )
    if report.email:
        notifications.send(
            "report_outcome",
            to=[report.email],
            article=report.article,
            path=report.article.get_absolute_url(),
            report=report,
        )


def triage_report(*, report: ReaderReport, by: Any, status: str, resolution: str) -> ReaderReport:
    """Mark an open report acted on or dismissed, saying why. Editors only."""
    resolution = clean_text(resolution, name="A reason", required=True)
    if not rules.may_triage_reports(by):
        raise WorkflowError(rules.PERMISSION_MESSAGES["triage_report"])
    if status not in (ReaderReport.Status.ACTED_ON, ReaderReport.Status.DISMISSED):
        raise WorkflowError("A report is either acted on or dismissed.")
    with transaction.atomic():
        locked = _locked_open_report(report)
        _close(locked, status=status, by=by, resolution=resolution)
    return locked


def start_rereview_from_report(*, report: ReaderReport, by: Any) -> ReaderReport:
    """published → under_review because of a reader's report; the report is acted on.

    A board member who may review the article starts the review themselves; an editor opens
    the round for the board.
    """
    article = report.article
    with acting(article, "start_rereview", by=by, may=rules.may_rereview_from_report) as locked:
        locked_report = _locked_open_report(report)
        reviewing = rules.may_review(locked, by)
        review_round = new_round(locked, by=by, kind=ReviewRound.Kind.REREVIEW, started=reviewing)
        why = f"a reader reported: {locked_report.get_category_display().lower()}"
        why, flags = rereview_comment(locked, why)
        settle_flags(flags, by=by, outcome=EvidenceFlagReview.Outcome.REREVIEW)
        record(locked, "start_rereview", by=by, comment=why)
        locked_report.review_round, locked_report.article = review_round, locked
        _close(
            locked_report,
            status=ReaderReport.Status.ACTED_ON,
            by=by,
            resolution="The Medical Advisory Board is reviewing the page again.",
        )
        notifications.send(
            "rereview_from_report",
            to=_board_except_contributors(locked),
            article=locked,
            path=locked.get_review_url(),
            report=locked_report,
        )
    report.refresh_from_db()
    return report


def _board_except_contributors(article: Article) -> list[Any]:
    board = get_user_model().objects.filter(groups__name=roles.BOARD, is_active=True)
    return [u for u in board if not rules.is_contributor(article, u)]


def evidence_found(*, reference: Any, before: str, after: str) -> list[Article]:
    """A reference changed status; tell the people behind every live page citing it.

    Called inside the transaction that records the new status (references.checking), so the
    emails are queued exactly once: a later check that finds the same status changes nothing
    and calls nothing. A retraction puts the article in the board's re-review list at once
    (Article.objects.review_due); a concern or a correction flags it for the board.
    """
    if after not in ("retracted", "concern", "corrected"):
        return []
    articles = list(
        Article.objects.live()
        .filter(current_publication__cited__reference=reference)
        .select_related("current_publication")
        .distinct()
    )
    label = {
        "retracted": "retracted",
        "concern": "an expression of concern",
        "corrected": "corrected",
    }
    for article in articles:
        assert article.current_publication is not None  # live() has one
        number = (
            article.current_publication.cited.filter(reference=reference)
            .values_list("number", flat=True)
            .first()
        )
        log_event(
            article,
            "evidence_notice",
            by=None,
            comment=f"Reference {number} ({reference}) is now {label[after]} (was {before}).",
        )
        notifications.send(
            "evidence_notice",
            to=[*editors(), *_approvers(article)],
            article=article,
            path=article.get_review_url(),
            reference=reference,
            number=number,
            status=after,
            rereview=after == "retracted",
        )
    return articles
