"""Every revision of an article (who, when, why) and a word-level diff between any two."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from articles.views import common
from articles.views.diff import cached_content_diff
from articles.views.labels import HISTORY_LABELS as WHAT


def what_and_why(reason: str | None) -> str:
    """“approve: 1 of 2 approvals” → “Approve: 1 of 2 approvals”, in the page's words."""
    name, _, comment = (reason or "").partition(":")
    label = WHAT.get(name.strip(), name.strip().replace("_", " ").capitalize())
    return f"{label}: {comment.strip()}" if comment.strip() else label


HISTORY_PAGE_ROWS = 50
# What the list of revisions shows; the texts are loaded only for the two compared.
RECORD_COLUMNS = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_user__first_name",
    "history_user__last_name",
    "history_user__username",
    "revision",
    "state",
    "id",
)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    records = (
        article.history.select_related("history_user")
        .only(*RECORD_COLUMNS)
        .order_by("-history_date", "-history_id")
    )
    total = records.count()
    pages = max(1, math.ceil(total / HISTORY_PAGE_ROWS))
    page = min(pages, _number(request.GET.get("page")) or 1)
    shown = list(records[(page - 1) * HISTORY_PAGE_ROWS : page * HISTORY_PAGE_ROWS])
    chosen = {
        record.history_id: record
        for record in records.filter(
            history_id__in=[
                i for i in (_number(request.GET.get("from")), _number(request.GET.get("to"))) if i
            ]
        )
    }
    newest = records.first()
    # By default: the newest record against the last one with different content.
    default_old = (
        records.exclude(revision=newest.revision).first() or records.last() if newest else None
    )
    old = chosen.get(_number(request.GET.get("from"))) or default_old
    new = chosen.get(_number(request.GET.get("to"))) or newest
    diff = []
    if old and new:
        diff = cached_content_diff(
            f"history:{old.history_id}.{old.history_date.timestamp():.6f}:"
            f"{new.history_id}.{new.history_date.timestamp():.6f}",
            lambda: _texts(article, old, new),
        )
    for record in [*shown, old, new]:
        if record is not None:
            record.what_and_why = what_and_why(record.history_change_reason)
    return render(
        request,
        "articles/history.html",
        {
            "article": article,
            "records": shown,
            "old": old,
            "new": new,
            "diff": diff,
            "same": bool(diff) and not any(d.changed for d in diff),
            "page": page,
            "pages": pages,
            "total": total,
            "previous_url": _page_url(old, new, page - 1) if page > 1 else "",
            "next_url": _page_url(old, new, page + 1) if page < pages else "",
        },
    )


def _texts(article: Any, old: Any, new: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The two compared records' title, summary and body: the only texts the page loads."""
    texts = {
        row["history_id"]: row
        for row in article.history.filter(history_id__in=[old.history_id, new.history_id]).values(
            "history_id", "title", "summary", "body"
        )
    }
    return texts[old.history_id], texts[new.history_id]


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _page_url(old: Any, new: Any, page: int) -> str:
    return "?" + urlencode({"from": old.history_id, "to": new.history_id, "page": page})
