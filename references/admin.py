from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from references.models import Reference


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "journal", "year", "doi", "pmid", "retraction_status"]
    list_filter = ["kind", "retraction_status"]
    search_fields = ["title", "doi", "pmid", "journal", "key"]
