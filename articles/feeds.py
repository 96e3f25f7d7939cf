"""The Atom feed of new and updated articles.

One entry per live article, identified by its page's address and dated by its live
publication: when a revision or a re-review is published, the entry moves to the top with
a new `updated` date, which is how Atom readers recognise an updated entry. The summary
starts with what readers are told at the top of the page: a cited reference found
retracted, under concern or corrected since, and the publication's kind and change note.

Summaries are plain text typed by authors: they go out as `type="text"`, so a feed reader
shows `<script>` as those characters instead of running it. Each entry names its authors.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import evidence
from articles.models import Publication
from articles.views.public import live_publications

FEED_LENGTH = 30


class PlainTextSummaryAtomFeed(Atom1Feed):
    """Atom with `<summary type="text">`: Django's Atom1Feed declares every summary HTML."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class PublicationFeed(Feed):
    feed_type = PlainTextSummaryAtomFeed

    def title(self) -> str:
        return f"{settings.SITE_NAME}: new and updated articles"

    def subtitle(self) -> str:
        return "Answers to clinical questions, each approved by our Medical Advisory Board."

    def link(self) -> str:
        return reverse("public:home")

    def feed_url(self) -> str:
        return reverse("public:feed")

    def items(self) -> QuerySet[Publication]:
        publications = live_publications().only(
            "number", "title", "summary", "published_at", "article__slug", "kind", "change_note"
        )
        return evidence.with_latest_notice(publications).prefetch_related("article__authors")[
            :FEED_LENGTH
        ]

    def author_name(self) -> str:
        return settings.SITE_NAME

    def item_author_name(self, item: Publication) -> str:
        names = [a.get_full_name() or a.get_username() for a in item.article.authors.all()]
        return ", ".join(names) or settings.SITE_NAME

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        """What the page says at its top (a reference found retracted since), what changed
        (its kind and public change note), then the summary."""
        notice = evidence.latest_notice(item)
        parts = [notice.text if notice else "", evidence.what_changed(item), item.summary]
        return " ".join(part for part in parts if part)

    def item_link(self, item: Publication) -> str:
        return reverse("public:article", args=[item.article.slug])

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        """A notice found after publication updates the entry, as it updates the page."""
        notice = evidence.latest_notice(item)
        return max(item.published_at, notice.found_at) if notice else item.published_at
