"""What readers see: the list of published articles and each article's public page.

Every page here is served from the immutable Publication snapshot, never from the working
copy, so an edit, a new citation or a review in progress changes nothing readers see until
the next publication.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag
from django.utils.safestring import SafeString, mark_safe

from articles import evidence
from articles.forms import ReaderReportForm
from articles.models import (
    Article,
    ConflictCategory,
    Publication,
    PublicationKind,
    Review,
    State,
    WorkflowEvent,
)

PAGE_SIZE = 20
QUERY_MAX_LENGTH = 200

# Shared caches (a CDN) may keep a page briefly and serve it stale while they revalidate;
# browsers revalidate sooner, cheaply, with the ETag.
ARTICLE_CACHE = {"public": True, "max_age": 60, "s_maxage": 300, "stale_while_revalidate": 600}
LIST_CACHE = {"public": True, "max_age": 60, "s_maxage": 120, "stale_while_revalidate": 300}


def _markup_fingerprint() -> str:
    """Changes when a deploy changes the page's markup, so old ETags stop matching."""
    digest = hashlib.sha256()
    for path in (
        settings.BASE_DIR / "templates" / "base.html",
        *sorted((settings.BASE_DIR / "templates" / "public").glob("*.html")),
        settings.BASE_DIR / "static" / "css" / "site.css",
    ):
        if Path(path).exists():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:10]


MARKUP_FINGERPRINT = _markup_fingerprint()


# --- rendering and caching headers ---------------------------------------------------------


def render_public(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a reader-facing page that shared caches may store.

    For anonymous readers the CSRF token is blanked: the layout would otherwise mint one
    (a Set-Cookie and a different body on every request), which makes the page uncacheable
    and not byte-stable. Public pages have no forms that POST for anonymous readers.
    """
    if is_anonymous(request):
        # Nor does an anonymous page show flash messages: whatever a messages cookie holds
        # would otherwise be rendered into a page the caches share with every reader.
        context = {**context, "csrf_token": "", "messages": ()}
    return render(request, template, context, status=status)


def is_anonymous(request: HttpRequest) -> bool:
    """Without a session cookie nobody is signed in; that check skips loading the session."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.user.is_authenticated


def cache_publicly(request: HttpRequest, response: HttpResponse, **directives: Any) -> None:
    """CDN-friendly for anonymous readers; private for signed-in people (the header names them)."""
    patch_vary_headers(response, ("Cookie",))
    if is_anonymous(request):
        patch_cache_control(response, **directives)
    else:
        patch_cache_control(response, private=True, no_cache=True)


# Two layers keep rendered pages for anonymous readers (signed-in people see their name
# in the header, so their pages are never shared):
#
# - The page cache, always on. Each key carries a version read by one small query on every
#   request, so a publication or an archiving shows at once: an article page is keyed by
#   its live publication (never edited), the list and search by the latest workflow event
#   (every publish and archive writes one). The time limits bound memory and how long an
#   edited board profile can take to reach the "Reviewed by" line.
# - The micro-cache, PUBLIC_PAGE_CACHE_SECONDS (5 in production, 0 — off — with DEBUG on
#   and in tests; see settings): the whole response kept for that many seconds with no
#   query at all, like a CDN's s-maxage but in each process. It is what lets an origin without a CDN serve a page about as fast
#   as a constant response (see docs/performance.md); pages may then lag by that long.
ARTICLE_CACHE_SECONDS = 300
LIST_CACHE_SECONDS = 60


def _page_key(request: HttpRequest, version: str) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:24]
    return f"public:{MARKUP_FINGERPRINT}:{version}:{digest}"


def _shareable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and is_anonymous(request)


def _cached_page(request: HttpRequest, version: str) -> HttpResponse | None:
    if not _shareable(request):
        return None
    content = cache.get(_page_key(request, version))
    return None if content is None else HttpResponse(content)


def _keep_page(request: HttpRequest, version: str, response: HttpResponse, seconds: int) -> None:
    if _shareable(request) and request.method == "GET" and response.status_code == 200:
        cache.set(_page_key(request, version), response.content, seconds)


def _micro_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


KEPT_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary")


def _from_micro_cache(request: HttpRequest) -> HttpResponse | None:
    """The kept response, headers and all; on this hot path nothing is parsed or patched."""
    if not _micro_seconds() or not _shareable(request):
        return None
    kept = cache.get(_page_key(request, "micro"))
    if kept is None:
        return None
    status, content, headers, last_modified = kept
    response = None
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        response = get_conditional_response(
            request, etag=headers.get("ETag"), last_modified=last_modified
        )
    if response is None:
        response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def _to_micro_cache(
    request: HttpRequest, response: HttpResponse, last_modified: int | None
) -> None:
    """Keep a finished response (Cache-Control and Vary already set) for anonymous readers."""
    if _micro_seconds() and _shareable(request) and response.status_code in (200, 410):
        headers = {name: response[name] for name in KEPT_HEADERS if name in response}
        kept = (response.status_code, response.content, headers, last_modified)
        cache.set(_page_key(request, "micro"), kept, _micro_seconds())


# --- the list and search -------------------------------------------------------------------


def live_publications() -> QuerySet[Publication]:
    """The publication each live article shows, newest first, without the heavy body."""
    return (
        Publication.objects.filter(article__current_publication=F("pk"))
        .exclude(article__state=State.ARCHIVED)
        .select_related("article")
        .only(
            "title",
            "summary",
            "published_at",
            "content_approved_at",
            "approved_at",
            "article__slug",
        )
        .order_by("-published_at", "-pk")
    )


def search_publications(query: str) -> QuerySet[Publication]:
    """Live publications matching `query` in title, summary or body, best first.

    On PostgreSQL this is full-text search over `search_document`, a stored, GIN-indexed
    tsvector column that migration 0003 adds (title weighted above summary above body).
    Elsewhere it is a plain case-insensitive substring match.
    """
    publications = live_publications()
    if connection.vendor != "postgresql":
        return publications.filter(
            Q(title__icontains=query) | Q(summary__icontains=query) | Q(body_html__icontains=query)
        )
    matches = RawSQL(
        "articles_publication.search_document @@ websearch_to_tsquery('english'::regconfig, %s)",
        [query],
    )
    rank = RawSQL(
        "ts_rank(articles_publication.search_document, "
        "websearch_to_tsquery('english'::regconfig, %s))",
        [query],
    )
    return (
        publications.alias(matches=matches)
        .filter(matches=True)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-pk")
    )


def _list_version() -> str:
    """Changes with every workflow event, hence with every publication and archiving."""
    latest = WorkflowEvent.objects.order_by("-pk").values_list("pk", "created_at").first()
    return f"list:{latest[0]}.{latest[1].timestamp():.6f}" if latest else "list:0"


def home(request: HttpRequest) -> HttpResponse:
    if (response := _from_micro_cache(request)) is not None:
        return response
    version = _list_version()
    response = _cached_page(request, version)
    if response is None:
        # PostgreSQL text cannot hold NUL; nobody searches for one.
        query = request.GET.get("q", "").replace("\x00", "").strip()[:QUERY_MAX_LENGTH]
        publications = search_publications(query) if query else live_publications()
        page: Page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("page"))
        response = render_public(request, "public/home.html", {"page": page, "query": query})
        _keep_page(request, version, response, LIST_CACHE_SECONDS)
    cache_publicly(request, response, **LIST_CACHE)
    _to_micro_cache(request, response, None)
    return response


# --- the article page ----------------------------------------------------------------------


CITED = "current_publication__cited__"
LIVE_FIELDS = {
    "number": f"{CITED}number",
    "status": f"{CITED}reference__retraction_status",
    "changed_at": f"{CITED}reference__status_changed_at",
    "checked_at": f"{CITED}reference__checked_at",
    "doi": f"{CITED}reference__doi",
    "pmid": f"{CITED}reference__pmid",
}


def _live_rows(slug: str) -> list[Mapping[str, Any]]:
    """What decides the answer (404, 410, 304 or which snapshot) and the live evidence
    status of each reference the live publication cites: one indexed query, a row per
    reference (one row when it cites none)."""
    return list(
        Article.objects.filter(slug=slug).values(
            "state",
            "archived_reason",
            "current_publication_id",
            "current_publication__title",
            "current_publication__published_at",
            "current_publication__corrected_at",
            **{name: F(path) for name, path in LIVE_FIELDS.items()},
        )
    )


def correction_shown(corrected_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """A correction is noted at the top of the page for CORRECTION_NOTICE_DAYS."""
    days = datetime.timedelta(days=settings.CORRECTION_NOTICE_DAYS)
    return corrected_at is not None and now - corrected_at <= days


def _snapshot(publication_id: int) -> tuple[Publication, list[Any]]:
    """The publication, its policy and its approvers with their board profiles: one query.

    It reads the approvers' link rows, each joined to the publication and the approver, so
    that one query brings everything (a publication always has at least one approver; the
    second query below only runs for data that lost them).
    """
    first_published = Publication.objects.filter(
        article_id=OuterRef("publication__article_id"), number=1
    ).values("published_at")[:1]
    # What each approver declared with their approval, read in the same query.
    declared = Review.objects.filter(
        round_id=OuterRef("publication__review_round_id"),
        reviewer_id=OuterRef("user_id"),
        decision=Review.Decision.APPROVE,
    )
    links = list(
        Publication.approvers.through.objects.filter(publication_id=publication_id)
        .select_related("publication__policy", "user__board_profile")
        .annotate(
            first_published_at=Subquery(first_published),
            declared_category=Subquery(declared.values("conflict_category")[:1]),
            declared_interest=Subquery(declared.values("conflict_of_interest")[:1]),
        )
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    if not links:
        return Publication.objects.select_related("policy").get(pk=publication_id), []
    publication = links[0].publication
    # getattr: the plugin does not see annotations on the auto-created through model.
    publication.first_published_at = getattr(links[0], "first_published_at")  # noqa: B009
    for link in links:
        category = getattr(link, "declared_category")  # noqa: B009
        declares = category not in (None, "", ConflictCategory.NONE)
        # The template's extra attributes on Django's User, which no annotation can declare.
        link.user.declared_interest = getattr(link, "declared_interest") if declares else ""  # type: ignore[attr-defined]  # noqa: B009
        link.user.declared_kind = ConflictCategory(category).label.lower() if declares else ""  # type: ignore[attr-defined]
    return publication, [link.user for link in links]


def article(request: HttpRequest, slug: str) -> HttpResponse:
    if (response := _from_micro_cache(request)) is not None:
        return response
    response, last_modified = _article_response(request, slug)
    cache_publicly(request, response, **ARTICLE_CACHE)
    _to_micro_cache(request, response, last_modified)
    return response


def _article_response(request: HttpRequest, slug: str) -> tuple[HttpResponse, int | None]:
    rows = _live_rows(slug)
    row = rows[0] if rows else None
    if row is None or row["current_publication_id"] is None:
        raise Http404("No such article.")
    if row["state"] == State.ARCHIVED:
        gone = render_public(
            request,
            "public/gone.html",
            {"title": row["current_publication__title"], "reason": row["archived_reason"]},
            status=410,
        )
        return gone, None

    publication_id = row["current_publication_id"]
    published_at = row["current_publication__published_at"]
    live = evidence.from_rows(published_at, rows)
    show_correction = correction_shown(row["current_publication__corrected_at"], timezone.now())
    version = (
        f"p{publication_id}.{published_at.timestamp():.6f}"
        f".e{live.fingerprint()}.c{int(show_correction)}"
    )
    viewer = f"-u{request.user.pk}" if request.user.is_authenticated else ""
    etag = quote_etag(f"{version}-{MARKUP_FINGERPRINT}{viewer}")
    last_modified = int(live.last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = _cached_page(request, version)
    if response is None:
        publication, reviewers = _snapshot(publication_id)
        path = reverse("public:article", args=[slug])
        history = page_history(publication)
        response = render_public(
            request,
            "public/article.html",
            {
                "publication": publication,
                "slug": slug,
                "canonical_url": request.build_absolute_uri(path),
                "reviewers": reviewers,
                "evidence": live,
                "references_html": evidence.live_references_html(publication.references_html, live),
                "page_history": history,
                "corrections": [e for e in history if e["kind"] == PublicationKind.CORRECTION]
                if show_correction
                else [],
                "report_form": ReaderReportForm(initial={"publication": publication.number}),
                "structured_data": structured_data(request, path, publication, reviewers, live),
            },
        )
        _keep_page(request, version, response, ARTICLE_CACHE_SECONDS)
    if request.method in ("GET", "HEAD"):
        response.headers.setdefault("ETag", etag)
        response.headers.setdefault("Last-Modified", http_date(last_modified))
    return response, last_modified


def page_history(publication: Publication) -> list[dict[str, Any]]:
    """The publication's frozen page history, newest first, dated and labelled."""
    entries = []
    for entry in publication.page_history or []:
        kind = entry.get("kind", PublicationKind.UPDATE)
        entries.append(
            {
                **entry,
                "published_at": datetime.datetime.fromisoformat(entry["published_at"]),
                "kind_label": PublicationKind(kind).label
                if kind in PublicationKind.values
                else kind,
            }
        )
    return entries


# --- MedicalWebPage structured data --------------------------------------------------------

# What json_script escapes: no value can close the <script> element or open a comment.
JSON_IN_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _citation(entry: Any) -> dict[str, Any] | None:
    """One schema.org CreativeWork from the snapshot's formatted-reference entry."""
    if isinstance(entry, str):
        return {"@type": "CreativeWork", "name": entry}
    if not isinstance(entry, dict):
        return None
    work: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "name": entry.get("title") or entry.get("text") or "",
    }
    journal = entry.get("journal") or entry.get("container-title")
    if journal:
        work["isPartOf"] = {"@type": "Periodical", "name": journal}
    year = entry.get("year")
    if year:
        work["datePublished"] = str(year)
    doi = entry.get("doi") or entry.get("DOI")
    pmid = entry.get("pmid") or entry.get("PMID")
    url = entry.get("url") or entry.get("URL")
    same_as = [
        *([f"https://doi.org/{doi}"] if doi else []),
        *([f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"] if pmid else []),
        *([url] if url else []),
    ]
    if same_as:
        work["sameAs"] = same_as
    return work


def _person(request: HttpRequest, user: Any) -> dict[str, Any]:
    """A board member; the specialty is what they know about, not a job title."""
    person: dict[str, Any] = {"@type": "Person", "name": user.get_full_name() or user.username}
    profile = getattr(user, "board_profile", None)
    if profile is not None:
        if profile.credentials:
            person["honorificSuffix"] = profile.credentials
        if profile.specialty:
            person["knowsAbout"] = profile.specialty
        person["url"] = request.build_absolute_uri(profile.get_absolute_url())
    person["memberOf"] = {"@type": "Organization", "name": f"{settings.SITE_NAME} {BOARD_NAME}"}
    return person


BOARD_NAME = "Medical Advisory Board"
SCHEMA_AUDIENCE = {"patient": "Patient", "clinician": "Clinician"}


def structured_data(
    request: HttpRequest,
    path: str,
    publication: Publication,
    reviewers: list[Any],
    live: evidence.LiveEvidence | None = None,
) -> SafeString:
    """The page's MedicalWebPage JSON-LD, escaped so no value can close the script element."""
    url = request.build_absolute_uri(path)
    statuses = live.statuses if live is not None else {}
    citations = []
    for entry in publication.citations or []:
        work = _citation(entry)
        if work is None:
            continue
        number = entry.get("number") if isinstance(entry, dict) else None
        status = statuses.get(number, "") if number is not None else ""
        if status in evidence.SCHEMA_STATUS:
            work["creativeWorkStatus"] = evidence.SCHEMA_STATUS[status]
        citations.append(work)
    site = request.build_absolute_uri(reverse("public:home"))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "mainEntityOfPage": url,
        "headline": publication.title,
        "description": publication.summary,
        "inLanguage": settings.LANGUAGE_CODE.split("-")[0],
        "audience": {
            "@type": "MedicalAudience",
            "audienceType": SCHEMA_AUDIENCE.get(publication.audience, "Patient"),
        },
        "datePublished": getattr(publication, "first_published_at", None)
        or publication.published_at,
        "dateModified": publication.published_at,
        "lastReviewed": publication.approved_at.date(),
        "reviewedBy": [_person(request, user) for user in reviewers],
        "citation": citations,
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": site},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": site},
    }
    if publication.subject:
        data["about"] = {"@type": "MedicalCondition", "name": publication.subject}
    if publication.author_names:
        data["author"] = [{"@type": "Person", "name": name} for name in publication.author_names]
    else:
        data["author"] = {"@type": "Organization", "name": settings.SITE_NAME, "url": site}
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": entry["note"],
            "datePublished": entry["published_at"],
        }
        for entry in publication.page_history or []
        if entry.get("kind") == PublicationKind.CORRECTION and entry.get("note")
    ]
    if corrections:
        data["correction"] = corrections
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_IN_SCRIPT_ESCAPES))  # noqa: S308 - escaped just above


# --- what browsers and crawlers ask for -----------------------------------------------------

FAVICON = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
# Working pages and report endpoints are of no use to a crawler; everything public is.
ROBOTS_DISALLOW = ("/admin/", "/accounts/", "/drafts/", "/review/", "/publishing/", "/reports/")


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append("Disallow: /articles/*/report/")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=7 * 86400)
    return response
