"""History in the admin is for reading. simple-history's "revert" form saves an old version
straight to the model on POST (even with SIMPLE_HISTORY_REVERT_DISABLED), which would bypass
the workflow; every admin here uses this class instead of SimpleHistoryAdmin.

The history list stays cheap however long the history: 50 records a page, the "Changes"
column compares the records' own columns (not their many-to-many rows, which cost queries
for every record) and shows long texts shortened, with their length."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# Past this many characters a text is shown as its start and its length.
SHOWN_CHARACTERS = 300


class ShortValuesContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
            return f"{value[:SHOWN_CHARACTERS]}… ({len(value):,} characters in all)"
        return value


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    history_list_per_page = 50

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied("Old versions cannot be restored from the admin.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return ShortValuesContextHelper(self.model, historical_record)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """simple-history's deltas, without the many-to-many rows (queries per record)."""
        many_to_many = [f.name for f in self.model._meta.many_to_many]
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=many_to_many,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
