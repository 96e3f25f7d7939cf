"""Forms for the browser pages and the workflow actions that need input.

ApproveForm, RequestChangesForm, PublishForm and ArchiveForm are shared with the admin
(articles.admin imports them by name): keep their field names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from articles.checks import EvidenceWarning
from articles.models import Article, Audience

# Comments, decisions and reasons: stored in unbounded text columns, bounded here so one
# form cannot carry megabytes into the review thread and every email.
TEXT_MAX_LENGTH = 10_000


class Form(forms.Form):
    """Labels read exactly as written ("Title", not "Title:")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ArticleForm(Form):
    """The editor: title, summary and body, over the revision the writer started from."""

    title = forms.CharField(
        label="Title",
        max_length=Article._meta.get_field("title").max_length,
        help_text="The clinical question the article answers.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text="Two or three sentences: the answer, for readers in a hurry.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "true"}),
    )
    body = forms.CharField(
        label="Body",
        required=False,
        strip=False,
        help_text="Markdown. Cite with markers such as [@pmid:12345678] or [@doi:10.1000/xyz].",
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true", "class": "body-input"}),
    )
    audience = forms.ChoiceField(label="Written for", choices=Audience.choices)
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentForm(Form):
    body = forms.CharField(
        label="Comment",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(Form):
    conflict_of_interest = forms.CharField(
        label="Conflict of interest",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Write “none”, or state your interest. Editors see it.",
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    acknowledged_warnings = forms.MultipleChoiceField(
        label="I have read these evidence warnings",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(
        self, *args: Any, warnings: list[EvidenceWarning] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings or [])
        acknowledged = self.fields["acknowledged_warnings"]
        assert isinstance(acknowledged, forms.MultipleChoiceField)
        acknowledged.choices = [(w.code, w.message) for w in self.warnings]
        if not self.warnings:
            del self.fields["acknowledged_warnings"]

    def clean_acknowledged_warnings(self) -> list[str]:
        acknowledged = self.cleaned_data.get("acknowledged_warnings") or []
        if len(set(acknowledged)) < len(self.warnings):
            raise forms.ValidationError("Tick each warning to confirm you have read it.")
        return acknowledged


class RequestChangesForm(Form):
    comment = forms.CharField(
        label="What needs to change",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublishForm(Form):
    at = forms.DateTimeField(
        label="Publish at",
        required=False,
        help_text="Leave empty to publish now.",
        error_messages={"invalid": "Enter a date and time such as 2026-05-02 09:30."},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields[
            "at"
        ].help_text = f"Leave empty to publish now. Times are in the site's time zone, {zone}."


class ArchiveForm(Form):
    reason = forms.CharField(
        label="Reason", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
