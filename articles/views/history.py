"""Every revision of an article (who, when, why) and a word-level diff between any two."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.views import common
from articles.views.diff import content_diff


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
