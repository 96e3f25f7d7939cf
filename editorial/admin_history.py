"""History in the admin is for reading. simple-history's "revert" form saves an old version
straight to the model on POST (even with SIMPLE_HISTORY_REVERT_DISABLED), which would bypass
the workflow; every admin here uses this class instead of SimpleHistoryAdmin."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied("Old versions cannot be restored from the admin.")
        return super().history_form_view(request, object_id, version_id, extra_context)
