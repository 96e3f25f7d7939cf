"""Forms for the workflow actions that need input. Shared by the browser pages and the admin."""

from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    conflict_of_interest = forms.CharField(
        label="Conflict of interest",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Write “none”, or state your interest. Editors see it.",
    )
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    acknowledged_warnings = forms.MultipleChoiceField(
        label="I have read these evidence warnings",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: object, warnings: list | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acknowledged_warnings"].choices = [(w.code, w.message) for w in warnings or []]
        if not warnings:
            del self.fields["acknowledged_warnings"]


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        label="Publish at",
        required=False,
        help_text="Leave empty to publish now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
