"""The Atom feed of new and updated articles.

One entry per live article, identified by its page's address and dated by its live
publication: when a revision or a re-review is published, the entry moves to the top with
a new `updated` date, which is how Atom readers recognise an updated entry.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Publication
from articles.views.public import live_publications

FEED_LENGTH = 30


class PublicationFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{settings.SITE_NAME}: new and updated articles"

    def subtitle(self) -> str:
        return "Answers to clinical questions, each approved by our Medical Advisory Board."

    def link(self) -> str:
        return reverse("public:home")

    def feed_url(self) -> str:
        return reverse("public:feed")

    def items(self) -> QuerySet[Publication]:
        return live_publications().only(
            "number", "title", "summary", "published_at", "article__slug"
        )[:FEED_LENGTH]

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        if item.number == 1:
            return item.summary
        return f"Updated. {item.summary}".strip()

    def item_link(self, item: Publication) -> str:
        return reverse("public:article", args=[item.article.slug])

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        return item.published_at
