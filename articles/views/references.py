"""Add reference: look one up by DOI or PMID, or enter it by hand; then paste its marker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles import rules
from articles.views import common
from references.forms import ReferenceForm, ReferenceLookupForm
from references.lookup import ReferenceLookupError, lookup_reference

SOURCES = {
    "library": "Already in the library",
    "crossref": "Added to the library from Crossref",
    "pubmed": "Added to the library from PubMed",
}


@login_required
def add_reference(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    if not rules.may_edit(article, request.user):
        raise PermissionDenied("Only an author of this article or an editor can add references.")
    lookup_form = ReferenceLookupForm(prefix="lookup", label_suffix="")
    manual_form = ReferenceForm(prefix="manual", label_suffix="")
    added, source, error, status = None, "", None, 200
    if request.method == "POST" and "lookup-identifier" in request.POST:
        lookup_form = ReferenceLookupForm(request.POST, prefix="lookup", label_suffix="")
        if lookup_form.is_valid():
            try:
                found = lookup_reference(lookup_form.cleaned_data["identifier"])
            except ReferenceLookupError as refused:
                error = str(refused)
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
        "error": error,
        "standalone": not request.htmx or bool(request.POST.get("standalone")),
    }
    template = (
        "articles/includes/add_reference.html" if request.htmx else "articles/add_reference.html"
    )
    # htmx swaps only 2xx answers; the partial carries its own errors.
    return render(request, template, context, status=200 if request.htmx else status)
