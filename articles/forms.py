"""Forms for the browser pages and the workflow actions that need input.

ApproveForm, RequestChangesForm, PublishForm and ArchiveForm are shared with the admin
(articles.admin imports them by name): keep their field names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from articles.checks import EvidenceWarning
from articles.models import Article, Audience, Publication, ReaderReport

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
    subject = forms.CharField(
        label="Subject",
        required=False,
        max_length=Article._meta.get_field("subject").max_length,
        help_text="The condition the article is about, e.g. Peripheral neuropathy (optional).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
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

    change_note = forms.CharField(
        label="What changed (public)",
        required=False,
        max_length=Publication._meta.get_field("change_note").max_length,
        help_text=(
            "Readers see it in the page's history, e.g. “Dosage table updated to the 2026 "
            "guideline”. Needed when the article was live before."
        ),
    )
    is_correction = forms.BooleanField(
        label="This fixes an error (a correction)",
        required=False,
        help_text="Corrections are also noted at the top of the page for 30 days.",
    )

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["is_correction"].help_text = (
            "Corrections are also noted at the top of the page for "
            f"{settings.CORRECTION_NOTICE_DAYS} days."
        )
        zone = timezone.get_current_timezone_name()
        self.fields[
            "at"
        ].help_text = f"Leave empty to publish now. Times are in the site's time zone, {zone}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        live = self.article.current_publication if self.article is not None else None
        updated = live is not None and live.revision != getattr(self.article, "revision", None)
        if updated and not (data.get("change_note") or "").strip():
            self.add_error(
                "change_note",
                "Say what changed: readers see this note in the page's history.",
            )
        if data.get("is_correction") and not (data.get("change_note") or "").strip():
            self.add_error("change_note", "Say what was corrected.")
        return data


class ArchiveForm(Form):
    reason = forms.CharField(
        label="Reason", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


REPORT_BODY_MAX_LENGTH = 5_000


class ReaderReportForm(Form):
    """A reader's "Report a problem": no account, bounded, with a field only robots fill."""

    category = forms.ChoiceField(
        label="What is wrong",
        choices=ReaderReport.Category.choices,
        widget=forms.RadioSelect,
        initial=ReaderReport.Category.FACTUAL_ERROR,
    )
    body = forms.CharField(
        label="Tell us more",
        min_length=10,
        max_length=REPORT_BODY_MAX_LENGTH,
        help_text="Which part of the page, and what you believe is right (up to 5,000 characters).",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REPORT_BODY_MAX_LENGTH}),
    )
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like to hear what we did. We use it for nothing else.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    publication = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people by the stylesheet, filled in by robots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class TriageForm(Form):
    resolution = forms.CharField(
        label="Why",
        max_length=TEXT_MAX_LENGTH,
        help_text="What was done, or why nothing needs doing. The reader sees it if they left an email.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
