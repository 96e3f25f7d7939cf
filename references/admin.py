"""The references library in the admin: search, filters, history, and a check on demand.

Search understands identifiers as people paste them: ``https://doi.org/10.2337/DC16-2042``
finds the reference stored as ``10.2337/dc16-2042``, ``PMID: 27999003`` finds ``27999003``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from editorial.admin_history import ReadOnlyHistoryAdmin
from editorial.admin_lists import LightListMixin
from references import checking, lookup
from references.forms import ReferenceForm
from references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from references.models import Reference


class ReferenceAdminForm(ReferenceForm):
    class Meta(ReferenceForm.Meta):
        fields = [*ReferenceForm.Meta.fields, "retraction_status"]
        help_texts = {
            "retraction_status": (
                "Set by “check_references” from Crossref and PubMed. Change it by hand only for "
                "a notice you have seen yourself; the change is kept in the history."
            )
        }


@admin.register(Reference)
class ReferenceAdmin(LightListMixin, ReadOnlyHistoryAdmin):
    form = ReferenceAdminForm
    list_display = [
        "title", "kind", "study_design", "journal", "year", "doi", "pmid", "retraction_status"
    ]  # fmt: skip
    list_filter = ["kind", "study_design", "retraction_status"]
    search_fields = ["title", "doi", "pmid", "journal", "journal_abbrev", "key", "authors"]
    readonly_fields = ["checked_at", "created_at", "updated_at"]
    actions = ["check_now"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """A status set by hand is told like one check_references found, in one transaction."""
        before = getattr(obj, "_loaded_status", Reference.RetractionStatus.UNCHECKED)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            hook = checking.configured_status_hook()
            if hook is not None and obj.retraction_status != before:
                hook(reference=obj, before=before, after=obj.retraction_status)

    fieldsets = [
        (None, {"fields": ["kind", "study_design", "title", "authors", "key"]}),
        (
            "Source",
            {
                "fields": [
                    "journal",
                    "journal_abbrev",
                    "editors",
                    "year",
                    "month",
                    "day",
                    "volume",
                    "issue",
                    "pages",
                    "publisher",
                    "publisher_place",
                ]
            },
        ),  # fmt: skip
        ("Identifiers and links", {"fields": ["doi", "pmid", "url"]}),
        ("Evidence check", {"fields": ["retraction_status", "checked_at"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        for field, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
            try:
                value = normalize(search_term)
            except InvalidIdentifier:
                continue
            results |= queryset.filter(**{field: value})
        return results, may_have_duplicates

    @admin.action(description="Check the selected references for retractions now")
    def check_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        references = list(queryset.filter(doi__isnull=False) | queryset.filter(pmid__isnull=False))
        if len(references) > 50:
            self.message_user(
                request,
                "Select at most 50 references; “manage.py check_references” checks the rest.",
                messages.WARNING,
            )
            return
        with lookup.make_client() as client:
            outcomes = checking.check_batch(references, client=client)
        checked = [o for o in outcomes if o.after is not None]
        failed = [o for o in outcomes if o.after is None]
        changed = [o for o in checked if o.changed]
        self.message_user(
            request,
            f"Checked {len(checked)} references; {len(changed)} changed status.",
            messages.SUCCESS if checked else messages.WARNING,
        )
        for outcome in failed:
            self.message_user(request, " ".join(outcome.problems), messages.ERROR)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "title" and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return field
