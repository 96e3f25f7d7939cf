"""{% reference_picker article %}: the references panel of the editor, with its own context, so
every page that shows the editor (new article, saved article, refused save) gets the same panel."""

from __future__ import annotations

from typing import Any

from django import template

from articles.views.references import RESULTS, search_references
from references.forms import ReferenceLookupForm

register = template.Library()


@register.inclusion_tag("references/includes/picker.html", takes_context=True)
def reference_picker(context: template.Context, article: Any = None) -> dict[str, Any]:
    article = article if getattr(article, "pk", None) else None  # a new article has none yet
    results = list(search_references("", article)[: RESULTS + 1])
    return {
        "article": article,
        "query": "",
        "results": results[:RESULTS],
        "more": len(results) > RESULTS,
        "total": len(results),
        "lookup_form": ReferenceLookupForm(prefix="lookup", label_suffix=""),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
