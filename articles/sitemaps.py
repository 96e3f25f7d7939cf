"""The sitemap: every live article (dated by its live publication) and the policy pages.

/sitemap.xml is an index; each section is a file of at most URLS_PER_PAGE addresses
(`/sitemap-articles.xml?p=2`), well under the protocol's 50,000 and 50 MB.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from articles.models import Article
from editorial.models import EditorialPolicy

URLS_PER_PAGE = 10_000


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = URLS_PER_PAGE

    def items(self) -> QuerySet[Article]:
        return (
            Article.objects.live()
            .select_related("current_publication")
            .only("slug", "current_publication__published_at")
            .order_by("-current_publication__published_at", "pk")
        )

    def lastmod(self, item: Article) -> datetime.datetime:
        assert item.current_publication is not None  # items() lists live articles only
        return item.current_publication.published_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        """For the index: one aggregate, not every item loaded to take their maximum."""
        return Article.objects.live().aggregate(last=Max("current_publication__published_at"))[
            "last"
        ]


class PolicySitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.3

    def items(self) -> QuerySet[EditorialPolicy]:
        return EditorialPolicy.objects.in_effect()

    def location(self, item: EditorialPolicy) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: EditorialPolicy) -> datetime.date:
        return item.effective_date


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> list[str]:
        return ["public:home", "editorial:policy", "editorial:board"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "articles": ArticleSitemap,
    "policies": PolicySitemap,
    "pages": PagesSitemap,
}
