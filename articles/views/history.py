"""Every revision of an article (who, when, why) and a word-level diff between any two."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.views import common
from articles.views.diff import content_diff
from articles.views.labels import HISTORY_LABELS as WHAT


def what_and_why(reason: str | None) -> str:
    """“approve: 1 of 2 approvals” → “Approve: 1 of 2 approvals”, in the page's words."""
    name, _, comment = (reason or "").partition(":")
    label = WHAT.get(name.strip(), name.strip().replace("_", " ").capitalize())
    return f"{label}: {comment.strip()}" if comment.strip() else label


def _record_id(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    records = list(
        article.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    for record in records:
        record.what_and_why = what_and_why(record.history_change_reason)
    by_id = {record.history_id: record for record in records}
    newest = records[0] if records else None
    # By default: the newest record against the last one with different content.
    default_old = next(
        (r for r in records if newest and r.revision != newest.revision),
        records[-1] if records else None,
    )
    old = by_id.get(_record_id(request.GET.get("from"))) or default_old
    new = by_id.get(_record_id(request.GET.get("to"))) or newest
    diff = content_diff(common.content_of(old), common.content_of(new)) if old and new else []
    return render(
        request,
        "articles/history.html",
        {
            "article": article,
            "records": records,
            "old": old,
            "new": new,
            "diff": diff,
            "same": bool(diff) and not any(d.changed for d in diff),
        },
    )
