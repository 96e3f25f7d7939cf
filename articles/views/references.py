"""Add reference: look one up by DOI or PMID, or enter it by hand; then paste its marker."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles import rules
from articles.forms import ReferenceLookupForm
from articles.views import common


def marker_for(reference: Any) -> str:
    """The citation marker an author pastes into the body."""
    if reference.pmid:
        return f"[@pmid:{reference.pmid}]"
    if reference.doi:
        return f"[@doi:{reference.doi}]"
    if reference.key:
        return f"[@{reference.key}]"
    return ""


def _reference_form(*args: Any, **kwargs: Any) -> Any:
    from references.forms import ReferenceForm

    return ReferenceForm(*args, **kwargs)


@login_required
def add_reference(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    if not rules.may_edit(article, request.user):
        raise PermissionDenied("Only an author of this article or an editor can add references.")
    lookup_form = ReferenceLookupForm(prefix="lookup")
    manual_form = _reference_form(prefix="manual")
    added, error, status = None, None, 200
    if request.method == "POST" and "lookup-identifier" in request.POST:
        lookup_form = ReferenceLookupForm(request.POST, prefix="lookup")
        if lookup_form.is_valid():
            added, error = _look_up(lookup_form.cleaned_data["identifier"])
        status = 200 if added else 400
    elif request.method == "POST":
        manual_form = _reference_form(request.POST, prefix="manual")
        if manual_form.is_valid():
            added = manual_form.save()
            manual_form = _reference_form(prefix="manual")
        status = 200 if added else 400
    context = {
        "article": article,
        "lookup_form": lookup_form,
        "manual_form": manual_form,
        "added": added,
        "marker": marker_for(added) if added else "",
        "error": error,
    }
    template = (
        "articles/includes/add_reference.html" if request.htmx else "articles/add_reference.html"
    )
    # htmx swaps only 2xx answers; the partial carries its own errors.
    return render(request, template, context, status=200 if request.htmx else status)


def _look_up(identifier: str) -> tuple[Any, str | None]:
    from references import lookup

    try:
        return lookup.lookup_reference(identifier), None
    except Exception as error:  # The look-up's domain error carries a human message.
        message = getattr(error, "message", None) or str(error)
        if not isinstance(error, getattr(lookup, "LookupError", ())) and not message:
            raise
        return None, message
