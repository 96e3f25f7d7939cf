"""Forms for the browser pages and the workflow actions that need input.

ApproveForm, RequestChangesForm, PublishForm and ArchiveForm are shared with the admin
(articles.admin imports them by name): keep their field names.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.checks import EvidenceWarning
from articles.models import (
    Article,
    Audience,
    ChecklistAnswer,
    ConflictCategory,
    Publication,
    ReaderReport,
)
from editorial.models import EditorialPolicy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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


class ChecklistFields(Form):
    """The current policy's checklist questions as radio fields `checklist_<n>`; clean()
    gathers them into cleaned_data["checklist"] (answers in the questions' order), the
    shape workflow.approve and request_changes take (the admin passes cleaned_data on)."""

    def add_checklist(self, questions: list[str] | None, *, required: bool) -> None:
        if questions is None:
            policy = EditorialPolicy.objects.current()
            questions = list(policy.review_checklist) if policy else []
        self.questions = questions
        for n, question in enumerate(questions):
            self.fields[f"checklist_{n}"] = forms.ChoiceField(
                label=question,
                choices=ChecklistAnswer.choices,
                required=required,
                widget=forms.RadioSelect(attrs={"class": "checklist-answers"}),
                error_messages={"required": "Answer this question."},
            )

    def checklist_fields(self) -> list[Any]:
        return [self[f"checklist_{n}"] for n in range(len(self.questions))]

    def gather_checklist(self, data: dict[str, Any]) -> None:
        data["checklist"] = [
            data.pop(f"checklist_{n}", "") or "" for n in range(len(self.questions))
        ]


class ConflictFields(Form):
    """A structured conflict-of-interest declaration: "none", or a statement and its kind
    (financial, professional, personal; "other" when no kind is chosen)."""

    conflict_of_interest = forms.CharField(
        label="Conflict of interest",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Write “none”, or state your interest. Editors see it.",
    )
    conflict_category = forms.ChoiceField(
        label="Kind of interest",
        choices=[c for c in ConflictCategory.choices if c[0] != ConflictCategory.NONE],
        required=False,
        widget=forms.RadioSelect,
        help_text="When you state an interest. Readers see an approver's declared interests.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        statement = (data.get("conflict_of_interest") or "").strip()
        if statement.lower() in ("none", "none.", "no"):
            data["conflict_category"] = ConflictCategory.NONE
        return data


class ApproveForm(ChecklistFields, ConflictFields):
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
        self,
        *args: Any,
        warnings: list[EvidenceWarning] | None = None,
        questions: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings or [])
        acknowledged = self.fields["acknowledged_warnings"]
        assert isinstance(acknowledged, forms.MultipleChoiceField)
        acknowledged.choices = [(w.code, w.message) for w in self.warnings]
        if not self.warnings:
            del self.fields["acknowledged_warnings"]
        self.add_checklist(questions, required=True)

    def clean_acknowledged_warnings(self) -> list[str]:
        acknowledged = self.cleaned_data.get("acknowledged_warnings") or []
        if len(set(acknowledged)) < len(self.warnings):
            raise forms.ValidationError("Tick each warning to confirm you have read it.")
        return acknowledged

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.gather_checklist(data)
        return data


class RequestChangesForm(ChecklistFields, Form):
    comment = forms.CharField(
        label="What needs to change",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Each paragraph (separated by a blank line) is a numbered point the authors answer.",
    )

    def __init__(self, *args: Any, questions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_checklist(questions, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("comment") or "").strip()
        if not text and "comment" not in self.errors:
            self.add_error("comment", "Say what needs to change.")
        data["points"] = split_points(text)
        data["comment"] = "" if len(data["points"]) > 1 else text
        self.gather_checklist(data)
        return data


def split_points(text: str) -> list[str]:
    """Paragraphs (blank-line separated) become points; a leading "1." or "-" is dropped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return [re.sub(r"^(\d+[.)]|[-*•])\s+", "", p) for p in paragraphs if p]


class AcceptForm(ConflictFields):
    """Accepting an assignment declares any conflict of interest up front."""


class DeclineForm(Form):
    reason = forms.CharField(
        label="Why you decline",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. a conflict of interest, no time before the date, outside your field.",
    )


class ReviewerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        specialty = getattr(obj, "specialty", "") or "no specialty given"
        count = getattr(obj, "open_assignments", 0)
        open_reviews = f"{count} open review{'s' if count != 1 else ''}"
        match = " · matches the article" if getattr(obj, "matches", False) else ""
        return f"{name} ({specialty}; {open_reviews}){match}"


class AssignForm(Form):
    """Named board members and a due date; `candidates` are the suggested reviewers, in
    order (articles.views.assignments.suggested_reviewers): nobody else can be chosen."""

    reviewers = ReviewerChoice(
        label="Reviewers",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one board member."},
    )
    due_date = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date such as 2026-05-02."},
        help_text="The end of that day. The policy's default is filled in.",
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        field = self.fields["reviewers"]
        assert isinstance(field, ReviewerChoice)
        field.queryset = get_user_model().objects.filter(pk__in=[c.pk for c in candidates])
        by_pk = {c.pk: c for c in candidates}
        field.choices = [(c.pk, field.label_from_instance(by_pk[c.pk])) for c in candidates]

    def clean_due_date(self) -> datetime.date:
        date = self.cleaned_data["due_date"]
        if date < timezone.localdate():
            raise forms.ValidationError("The due date has passed: choose today or later.")
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due_date"):
            data["due_at"] = due_at_from(data["due_date"])
        return data


def due_at_from(date: datetime.date) -> datetime.datetime:
    """A due date means the end of that day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(23, 59)))


class ReassignForm(Form):
    reviewer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Ask instead", queryset=None, empty_label="Choose a board member"
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = get_user_model().objects.filter(pk__in=[c.pk for c in candidates])
        field.choices = [("", field.empty_label)] + [
            (c.pk, c.get_full_name() or c.get_username()) for c in candidates
        ]


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_correction"].help_text = (
            "Corrections are also noted at the top of the page for "
            f"{settings.CORRECTION_NOTICE_DAYS} days."
        )
        zone = timezone.get_current_timezone_name()
        self.fields[
            "at"
        ].help_text = f"Leave empty to publish now. Times are in the site's time zone, {zone}."


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


class DismissEvidenceFlagForm(Form):
    """ "Reviewed: no change needed" for one reference's notice, as the page showed it."""

    reference = forms.IntegerField(widget=forms.HiddenInput)
    found = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why no change is needed",
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Say why the page needs no change."},
        help_text="Kept in the article's history, with your name.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
