"""Readers' "Report a problem": the public endpoint, and the editors' triage list.

The public form sits on the cached article page, so it carries no CSRF token and posts to
its own endpoint, which trusts nothing: the honeypot field, a per-address limit (counted in
the database, so every server agrees), size limits and an Origin check keep abuse out. The
report never acts on anyone's behalf (it is taken as anonymous even from a signed-in
browser), which is why it needs no CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.forms import ReaderReportForm, TriageForm
from articles.models import Article, ReaderReport, State
from articles.views.common import report as report_error
from articles.views.public import render_public

# A form of 5,000 characters, form-encoded in a non-Latin script, stays well under this.
REPORT_MAX_BYTES = 64 * 1024
HONEYPOT_MESSAGE = (
    "Your report was not sent: the field marked “Leave this field empty” was filled in, "
    "which only automated programs do. If you are a person, empty it and send again."
)


def client_address(request: HttpRequest) -> str:
    """The reader's address: the connection's, or the one the trusted proxies recorded."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _same_origin(request: HttpRequest) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.get_host()


def _report_page(
    request: HttpRequest, article: Article, form: ReaderReportForm, *, status: int, error: str = ""
) -> HttpResponse:
    response = render_public(
        request,
        "public/report.html",
        {"article": article, "form": form, "error": error},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@csrf_exempt
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form on its own page. POST: take the report; thank the reader."""
    article = (
        Article.objects.filter(slug=slug, current_publication__isnull=False)
        .exclude(state=State.ARCHIVED)
        .select_related("current_publication")
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if request.method != "POST":
        assert article.current_publication is not None  # filtered above
        initial = {"publication": article.current_publication.number}
        return _report_page(request, article, ReaderReportForm(initial=initial), status=200)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = REPORT_MAX_BYTES + 1
    if size > REPORT_MAX_BYTES:
        return _report_page(
            request,
            article,
            ReaderReportForm(),
            status=413,
            error="That report is too long to send. Keep it under 5,000 characters.",
        )
    if not _same_origin(request):
        raise PermissionDenied("Reports are sent from the article's own page.")
    form = ReaderReportForm(request.POST)
    if request.POST.get("website"):
        return _report_page(request, article, form, status=400, error=HONEYPOT_MESSAGE)
    if not form.is_valid():
        return _report_page(request, article, form, status=400)
    data = form.cleaned_data
    try:
        workflow.submit_report(
            article=article,
            publication_number=data["publication"],
            category=data["category"],
            body=data["body"],
            email=data["email"],
            address=client_address(request),
        )
    except workflow.TooManyReports as refused:
        return _report_page(request, article, form, status=429, error=refused.message)
    except WorkflowError as refused:
        return _report_page(request, article, form, status=400, error=refused.message)
    response = render_public(
        request, "public/report_sent.html", {"article": article, "email": data["email"]}
    )
    add_never_cache_headers(response)
    return response


# --- the triage list --------------------------------------------------------------------


def _require_reader(user: Any) -> None:
    if not rules.may_see_reports(user):
        raise PermissionDenied("Only editors and the Medical Advisory Board see readers' reports.")


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    status = request.GET.get("status", ReaderReport.Status.OPEN)
    if status not in ReaderReport.Status.values:
        status = ReaderReport.Status.OPEN
    found = (
        ReaderReport.objects.filter(status=status)
        .select_related("article", "publication", "handled_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    counts = dict(ReaderReport.objects.values_list("status").annotate(n=Count("pk")).order_by())
    statuses = [
        (value, label, counts.get(value, 0)) for value, label in ReaderReport.Status.choices
    ]
    return render(
        request, "articles/reports.html", {"page": page, "status": status, "statuses": statuses}
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    found = get_object_or_404(
        ReaderReport.objects.select_related("article", "publication", "handled_by"), pk=pk
    )
    article = found.article
    return render(
        request,
        "articles/report.html",
        {
            "report": found,
            "form": TriageForm(),
            "may_triage": rules.may_triage_reports(request.user),
            "may_rereview": found.status == ReaderReport.Status.OPEN
            and article.state == State.PUBLISHED
            and rules.may_rereview_from_report(article, request.user),
            "is_live_publication": found.publication_id == article.current_publication_id,
        },
    )


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    found = get_object_or_404(ReaderReport, pk=pk)
    form = TriageForm(request.POST)
    status = request.POST.get("status", "")
    if not form.is_valid():
        messages.error(request, "Say why: what was done, or why nothing needs doing.")
        return redirect("articles:report", pk=pk)
    try:
        workflow.triage_report(
            report=found, by=request.user, status=status, resolution=form.cleaned_data["resolution"]
        )
    except WorkflowError as refused:
        report_error(request, refused)
        return redirect("articles:report", pk=pk)
    found.refresh_from_db()
    messages.success(request, f"Report marked {found.get_status_display().lower()}.")
    return redirect("articles:reports")


@login_required
@require_POST
def rereview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    found = get_object_or_404(ReaderReport.objects.select_related("article"), pk=pk)
    try:
        workflow.start_rereview_from_report(report=found, by=request.user)
    except WorkflowError as refused:
        report_error(request, refused)
        return redirect("articles:report", pk=pk)
    messages.success(request, "Re-review started; the board has been told.")
    return redirect(found.article.get_review_url())
