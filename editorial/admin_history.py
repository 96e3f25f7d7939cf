"""History in the admin is for reading. simple-history's "revert" form saves an old version
straight to the model on POST (even with SIMPLE_HISTORY_REVERT_DISABLED), which would bypass
the workflow; every admin here uses this class instead of SimpleHistoryAdmin.

The history list stays cheap however long the history: 50 records a page, the "Changes"
column compares the records' own columns (not their many-to-many rows, which cost queries
for every record) and shows long texts shortened, with their length. Long texts (a
10,000-word body in each of 50 records) are not read at all: the database gives each one's
start, length and checksum, and a text changed when its checksum did."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import MD5, Left
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

# Past this many characters a text is shown as its start and its length.
SHOWN_CHARACTERS = 300


class OctetLength(models.Func):
    """A text's size in bytes, which PostgreSQL reads without decompressing the text
    (counting its characters would decompress every one)."""

    function = "OCTET_LENGTH"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra
        )


class Shortened(str):
    """A long text as the history list shows it, already shortened by the database."""

    @classmethod
    def of(cls, start: str | None, size: int | None) -> Shortened:
        if start is None:
            return cls("")
        if len(start) >= SHOWN_CHARACTERS and (size or 0) > len(start.encode()):
            return cls(f"{start}… ({size:,} bytes in all)")
        return cls(start)


class ShortValuesContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, Shortened):
            return value
        if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
            return f"{value[:SHOWN_CHARACTERS]}… ({len(value):,} characters in all)"
        return value


def long_text_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    history_list_per_page = 25

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
        # Our own shortening (the start of a text and its size) is what shows, not
        # simple-history's cut of 100 characters through the middle of it.
        return ShortValuesContextHelper(
            self.model, historical_record, max_displayed_delta_change_chars=SHOWN_CHARACTERS + 100
        )

    def get_history_queryset(
        self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any
    ) -> Any:
        """The records without their long texts: each text's start, length and checksum."""
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        texts = long_text_fields(self.model)
        annotations: dict[str, Any] = {}
        for name in texts:
            annotations[f"_short_{name}"] = Left(name, SHOWN_CHARACTERS)
            annotations[f"_length_{name}"] = OctetLength(name)
            annotations[f"_md5_{name}"] = MD5(name)
        return records.defer(*texts).annotate(**annotations)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """simple-history's deltas, without the many-to-many rows (queries per record) and
        with the long texts compared by their checksums."""
        many_to_many = [f.name for f in self.model._meta.many_to_many]
        texts = long_text_fields(self.model)
        previous = None
        for current in historical_records:
            # What the list calls the record (the model's own name for it), made from the
            # columns read: simple-history's `history_object` would read each long text.
            current.listed_as = str(
                self.model(
                    **{
                        f.attname: getattr(current, f.attname)
                        for f in self.model._meta.concrete_fields
                        if f.name not in texts
                    }
                )
            )
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=[*many_to_many, *texts],
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                changed = [
                    ModelChange(
                        name,
                        Shortened.of(
                            getattr(current, f"_short_{name}"), getattr(current, f"_length_{name}")
                        ),
                        Shortened.of(
                            getattr(previous, f"_short_{name}"),
                            getattr(previous, f"_length_{name}"),
                        ),
                    )
                    for name in texts
                    if getattr(previous, f"_md5_{name}") != getattr(current, f"_md5_{name}")
                ]
                if changed:
                    delta = replace(
                        delta,
                        changes=[*delta.changes, *changed],
                        changed_fields=[*delta.changed_fields, *(c.field for c in changed)],
                    )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
