"""The sitemap index, its pages and the Atom feed: cached, and answering conditional requests.

These are what crawlers and feed readers fetch over and over, anonymously. Each request
costs one small query (the latest workflow event, which every publication and archiving
writes, and the policies): a repeat with If-None-Match or If-Modified-Since gets 304, any
other request the bytes kept in the cache for that version. Only the first request after
a change renders the sitemap page or the feed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from articles.feeds import PublicationFeed
from articles.models import WorkflowEvent
from articles.sitemaps import SITEMAPS
from editorial.models import EditorialPolicy

CACHE_SECONDS = 3600
# What shared caches and crawlers may keep without asking again.
MAX_AGE = 300


def _version() -> tuple[str, Any]:
    """What the sitemap and the feed depend on, and when it last changed."""
    event = WorkflowEvent.objects.order_by("-pk").values_list("pk", "created_at").first()
    policies = EditorialPolicy.objects.aggregate(n=Count("pk"), last=Max("pk"))
    when = event[1].timestamp() if event else 0
    tag = f"{event[0] if event else 0}.{when:.6f}.{policies['n']}.{policies['last']}"
    return tag, event[1] if event else None


def cached_for_crawlers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the cache per version and path; 304 when the client has it."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tag, changed_at = _version()
        path = request.get_full_path()
        etag = quote_etag(hashlib.sha256(f"{tag}:{path}".encode()).hexdigest()[:32])
        last_modified = int(changed_at.timestamp()) if changed_at else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            key = f"crawler:{etag}:{request.scheme}://{request.get_host()}"
            kept = cache.get(key)
            if kept is None:
                rendered = view(request, *args, **kwargs)
                if hasattr(rendered, "render"):
                    rendered.render()
                if rendered.status_code != 200:
                    return rendered
                kept = (rendered.content, rendered["Content-Type"])
                cache.set(key, kept, CACHE_SECONDS)
            response = HttpResponse(kept[0], content_type=kept[1])
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapper


@cached_for_crawlers
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="public:sitemap_section")


@cached_for_crawlers
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


feed = cached_for_crawlers(PublicationFeed())
