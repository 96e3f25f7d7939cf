"""The references library at the author's fingertips.

- ``library``: search the library by title, author, journal, year, DOI, PMID or key; each match
  formatted as it will be cited, with its evidence status and its marker. In the editor it is an
  htmx panel (results swapped in place, "Insert" puts the marker at the cursor); without
  JavaScript it is a plain page. References the article already cites come first.
- ``add_reference``: look one up by DOI or PMID (the library is asked first), or enter it by
  hand. Works for a saved article and for a new one that has no id yet.
- ``export_library`` / ``export_article``: RIS or CSL-JSON.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from articles import rules
from articles.models import Article
from articles.views import common
from references import exports
from references.forms import ReferenceForm, ReferenceLookupForm
from references.identifiers import InvalidIdentifier, classify
from references.lookup import ReferenceLookupError, lookup_reference
from references.models import Citation, Reference

SOURCES = {
    "library": "Already in the library",
    "crossref": "Added to the library from Crossref",
    "pubmed": "Added to the library from PubMed",
}
RESULTS = 20
SEARCH_MAX_LENGTH = 300


def search_references(query: str, article: Article | None = None) -> QuerySet[Reference]:
    """Every word must match a title, an author, a journal, the year, the key or an identifier."""
    references = Reference.objects.all()
    query = " ".join(query.split())[:SEARCH_MAX_LENGTH]
    kind, value = _identifier_hint(query)
    explicit = kind == "doi" or (kind == "pmid" and not query.isdigit())
    if explicit:  # "10.2337/…", "https://doi.org/…", "PMID: 27999003", a PubMed address
        references = references.filter(**{kind: value})
    else:
        for word in query.split():
            match = (
                Q(title__icontains=word)
                | Q(authors__icontains=word)
                | Q(journal__icontains=word)
                | Q(journal_abbrev__icontains=word)
                | Q(publisher__icontains=word)
                | Q(key__iexact=word.strip("[]@").lower())
                | Q(doi__iexact=word.lower())
                | Q(pmid=word)
            )
            if word.isdigit() and len(word) == 4:
                match |= Q(year=int(word))
            references = references.filter(match)
    if article is not None:
        cited = Citation.objects.filter(article=article, reference=OuterRef("pk"))
        references = references.annotate(cited=Exists(cited)).order_by("-cited", "title")
    else:
        references = references.order_by("title")
    return references


def _article_for_writer(request: HttpRequest, pk: int | None) -> Article | None:
    """The article being edited (404 for one they may not see), or None for a new one."""
    common.require_writer(request.user)
    if pk is None:
        return None
    return common.article_for(request.user, pk)


def _identifier_hint(query: str) -> tuple[str, str]:
    try:
        return classify(query) if query.strip() else ("", "")
    except InvalidIdentifier:
        return "", ""


@login_required
def library(request: common.HtmxRequest) -> HttpResponse:
    raw_pk = request.GET.get("article", "")
    article = _article_for_writer(request, int(raw_pk) if raw_pk.isdigit() else None)
    query = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    found = search_references(query, article)
    results = list(found[: RESULTS + 1])
    kind, value = _identifier_hint(query)
    context = {
        "article": article,
        "query": query,
        "results": results[:RESULTS],
        "more": len(results) > RESULTS,
        "total": found.count() if len(results) > RESULTS else len(results),
        "identifier": value if kind and not results else "",
        "lookup_form": ReferenceLookupForm(
            prefix="lookup", label_suffix="", initial={"identifier": value} if kind else None
        ),
    }
    if request.htmx:
        return render(request, "references/includes/results.html", context)
    return render(request, "references/library.html", context)


@login_required
def add_reference(request: common.HtmxRequest, pk: int | None = None) -> HttpResponse:
    article = _article_for_writer(request, pk)
    if article is not None and not rules.may_edit(article, request.user):
        raise PermissionDenied("Only an author of this article or an editor can add references.")
    lookup_form = ReferenceLookupForm(prefix="lookup", label_suffix="")
    manual_form = ReferenceForm(prefix="manual", label_suffix="")
    added, source, lookup_error, status = None, "", None, 200
    if request.method == "POST" and "lookup-identifier" in request.POST:
        lookup_form = ReferenceLookupForm(request.POST, prefix="lookup", label_suffix="")
        if lookup_form.is_valid():
            try:
                found = lookup_reference(lookup_form.cleaned_data["identifier"])
            except ReferenceLookupError as refused:
                lookup_error = str(refused)
            else:
                added, source = found.reference, SOURCES.get(found.source, "")
                lookup_form = ReferenceLookupForm(prefix="lookup", label_suffix="")
        status = 200 if added else 400
    elif request.method == "POST":
        manual_form = ReferenceForm(request.POST, prefix="manual", label_suffix="")
        if manual_form.is_valid():
            added, source = manual_form.save(), "Added to the library"
            manual_form = ReferenceForm(prefix="manual", label_suffix="")
        status = 200 if added else 400
    context = {
        "article": article,
        "lookup_form": lookup_form,
        "manual_form": manual_form,
        "added": added,
        "source": source,
        "marker": added.marker if added else "",
        "lookup_error": lookup_error,
        "standalone": not request.htmx or bool(request.POST.get("standalone")),
    }
    template = (
        "articles/includes/add_reference.html" if request.htmx else "articles/add_reference.html"
    )
    # htmx swaps only 2xx answers; the partial carries its own errors.
    return render(request, template, context, status=200 if request.htmx else status)


FORMATS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", exports.ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", exports.csl_json),
}


def _download(references: list[Reference], name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Export as .ris or .json.")
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(references), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export_library(request: HttpRequest, fmt: str) -> HttpResponse:
    common.require_writer(request.user)
    return _download(list(Reference.objects.order_by("title")), "references", fmt)


@login_required
def export_article(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    article = common.article_for(request.user, pk)
    rows = Citation.objects.filter(article=article).select_related("reference").order_by("number")
    return _download([row.reference for row in rows], f"references-{article.slug or pk}", fmt)
