"""The Django admin for articles. State is read-only; transitions call articles.workflow.

django-fsm-2's FSMAdminMixin applies a transition named in a POST without checking the
user's permission (`response_change` → `_apply_fsm_transition`). Here every transition,
from a button or a crafted POST, goes through the workflow function, which checks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django_fsm.admin import FSMAdminMixin

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.models import (
    Article,
    Audience,
    Comment,
    Publication,
    ReaderReport,
    Review,
    ReviewAssignment,
    ReviewRound,
    WorkflowEvent,
)
from articles.views.kept import render_kept
from articles.views.labels import ACTION_LABELS
from editorial.admin_history import ReadOnlyHistoryAdmin
from editorial.admin_lists import LightListMixin

CONTENT_FIELDS = ("title", "summary", "body", "audience", "subject")
REVIEW_PAGE_ACTIONS = {"approve", "request_changes", "dismiss_evidence_flag"}
ROUND_FIELDS = (
    "number",
    "kind",
    "revision",
    "outcome",
    "opened_at",
    "started_by",
    "closed_at",
    "policy",
)
EVENT_FIELDS = (
    "created_at",
    "actor",
    "transition",
    "from_state",
    "to_state",
    "revision",
    "comment",
)

TRANSITION_HELP = {
    "approve": (
        "Record your approval of the revision under review. It counts toward the policy's "
        "required approvals; declare any conflict of interest."
    ),
    "request_changes": "Send the article back to its authors with what needs to change.",
    "publish": (
        "Publishing writes a permanent snapshot of the approved revision for readers. "
        "Leave the time empty to publish now, or choose when it should go live."
    ),
    "archive": "Take the article out of service; its public address answers 410 Gone.",
    "dismiss_evidence_flag": (
        "On the review page: say why a concern or correction about a cited reference needs "
        "no change to the live page."
    ),
}


# A publication's page as readers see it: what its list rows never show.
PUBLICATION_PAGE_COLUMNS = (
    "summary",
    "body_html",
    "references_html",
    "citations",
    "author_names",
    "page_history",
)


class ReadOnlyAdminMixin:
    """For records that are written by the workflow and never by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ArticleAdminForm(forms.ModelForm):
    acting_user: Any = None  # set by ArticleAdmin.get_form
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ["title", "slug", "subject", "summary", "body", "audience", "authors"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Left empty, made from the title."
        body = self.fields.get("body")
        if isinstance(body, forms.CharField):
            # Saved as typed, as the editor does: stripping would make an unchanged save an edit.
            body.strip = False
        if self.instance.pk:
            self.fields["expected_revision"].initial = self.instance.revision

    def clean(self) -> dict[str, Any]:
        """The workflow's own checks, run here too, so a refusal keeps the typed text."""
        cleaned = super().clean() or {}
        user = self.acting_user
        if not self.instance.pk:
            if not rules.may_create(user):
                raise forms.ValidationError("Only authors and editors can start a new article.")
        else:
            changed = set(self.changed_data) - {"expected_revision"}
            if not changed:
                return cleaned
            if changed & set(CONTENT_FIELDS) and not rules.may_edit(self.instance, user):
                raise forms.ValidationError(rules.PERMISSION_MESSAGES["edit"])
            if changed & {"slug", "authors"} and not rules.may_manage(self.instance, user):
                raise forms.ValidationError(rules.PERMISSION_MESSAGES["change_slug"])
            if cleaned.get("expected_revision") != self.instance.revision:
                raise forms.ValidationError(
                    "Someone saved a newer version while you were editing. Your text is kept "
                    "below; reload the page in another tab to compare before saving again."
                )
        try:
            workflow.validate_content(
                cleaned.get("title") or "", cleaned.get("summary") or "", cleaned.get("body") or ""
            )
        except WorkflowError as refusal:
            raise forms.ValidationError([refusal.message, *refusal.problems]) from None
        return cleaned


class ReviewRoundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewRound
    fields = ROUND_FIELDS
    readonly_fields = ROUND_FIELDS
    extra = 0
    show_change_link = True


class WorkflowEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WorkflowEvent
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS
    extra = 0


@admin.register(Article)
class ArticleAdmin(LightListMixin, FSMAdminMixin, ReadOnlyHistoryAdmin):
    form = ArticleAdminForm
    fsm_fields = ["state"]
    list_display = ["title", "state", "audience", "revision", "live_since", "updated_at"]
    list_filter = ["state", "audience", ("authors", admin.RelatedOnlyFieldListFilter)]
    list_defer = (
        "summary",
        "body",
        *(f"current_publication__{name}" for name in PUBLICATION_PAGE_COLUMNS),
    )
    search_fields = ["title", "summary", "slug", "authors__username", "authors__last_name"]
    readonly_fields = [
        "state",
        "revision",
        "current_publication",
        "publish_at",
        "publish_scheduled_by",
        "archived_reason",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["authors"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subject", "summary", "body", "audience", "authors"]}),
        (
            "Workflow",
            {
                "fields": [
                    "state",
                    "revision",
                    "current_publication",
                    "publish_at",
                    "publish_scheduled_by",
                    "archived_reason",
                    "created_at",
                    "updated_at",
                    "expected_revision",
                ]
            },
        ),
    ]
    inlines = [ReviewRoundInline, WorkflowEventInline]
    history_list_display = ["state", "revision"]
    fsm_forms = {
        "approve": "articles.forms.ApproveForm",
        "request_changes": "articles.forms.RequestChangesForm",
        "publish": "articles.forms.PublishForm",
        "archive": "articles.forms.ArchiveForm",
    }

    @admin.display(description="Live since", ordering="current_publication__published_at")
    def live_since(self, obj: Article) -> Any:
        return obj.current_publication.published_at if obj.current_publication else None

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("current_publication")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable_by(request.user):
            fields += [*CONTENT_FIELDS, "authors"]
        if obj is not None and (
            obj.current_publication_id or not rules.may_manage(obj, request.user)
        ):
            fields.append("slug")  # The public address of a live article stays put.
        return fields

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        """A page where nothing can be changed offers no Save button, only the workflow's."""
        context = dict(extra_context or {})
        article = self.get_object(request, object_id)
        if article is not None:
            readonly = set(self.get_readonly_fields(request, article))
            if readonly >= {*CONTENT_FIELDS, "slug", "authors"}:
                context.update(
                    show_save=False, show_save_and_continue=False, show_save_and_add_another=False
                )
        return super().change_view(request, object_id, form_url, context)

    def get_fsm_label(self, transition: Any) -> str:
        return ACTION_LABELS.get(transition.name, transition.name)

    def get_help_text(self, transition: Any) -> str:
        return TRANSITION_HELP.get(transition.name, "")

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Workflow"

    # Django documents view_on_site as a method or a bool; django-stubs types it as a property.
    def view_on_site(self, obj: Article) -> str | None:  # type: ignore[override]
        """Only a live article has a public page to view."""
        live = obj.current_publication_id and obj.state != "archived"
        return obj.get_absolute_url() if live else None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Nothing is deleted: archive instead.

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Every change goes through the workflow: content, address and byline, each an event."""
        data = form.cleaned_data
        try:
            if not change:
                created = workflow.create_article(
                    by=request.user,
                    title=data["title"],
                    summary=data.get("summary", ""),
                    body=data.get("body", ""),
                    audience=data.get("audience") or Audience.PATIENT,
                    subject=data.get("subject") or "",
                    slug=data.get("slug") or "",
                    authors=[a for a in data.get("authors", []) if a.pk != request.user.pk],
                )
                obj.pk, obj.slug = created.pk, created.slug
                obj._state.adding = False
                obj._state.db = created._state.db
                return
            changed = set(form.changed_data)
            if changed & set(CONTENT_FIELDS):
                workflow.save_content(
                    article=obj,
                    by=request.user,
                    expected_revision=data["expected_revision"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    audience=data["audience"],
                    subject=data["subject"],
                )
                data["expected_revision"] = obj.revision
            if "slug" in changed:
                workflow.change_slug(
                    article=obj,
                    by=request.user,
                    expected_revision=data["expected_revision"],
                    slug=data["slug"],
                )
            if "authors" in changed:
                workflow.change_authors(
                    article=obj,
                    by=request.user,
                    expected_revision=data["expected_revision"],
                    authors=data["authors"],
                )
        except WorkflowError as error:
            # Only a race after clean() (another save in between) gets here.
            # Handed to response_change on the request Django's admin passes along.
            request._article_save_refused = error  # type: ignore[attr-defined]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        assert issubclass(form, ArticleAdminForm)
        form.acting_user = request.user
        return form

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The byline went through the workflow in save_model; the inlines are read-only
        records, saved only so the admin can describe the change."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return self._refused(request) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> Any:
        transition_name = request.POST.get(self.fsm_post_param)
        if transition_name and transition_name not in workflow.TRANSITIONS:
            return self._unknown_transition(transition_name)
        return self._refused(request) or super().response_change(request, obj)

    def _refused(self, request: HttpRequest) -> Any:
        error = getattr(request, "_article_save_refused", None)
        if error is None:
            return None
        return render_kept(request, heading="Not saved", reason=str(error), status=409)

    @staticmethod
    def _unknown_transition(name: str) -> HttpResponseBadRequest:
        return HttpResponseBadRequest(
            f"“{name}” is not a workflow action; nothing was changed.",
            content_type="text/plain; charset=utf-8",
        )

    def fsm_transition_view(
        self, request: HttpRequest, object_id: str, transition_name: str, **kwargs: Any
    ) -> Any:
        if transition_name not in workflow.TRANSITIONS:
            return self._unknown_transition(transition_name)
        if transition_name in REVIEW_PAGE_ACTIONS:
            # The board decides on the review page: the rendering, the diff, the evidence
            # warnings to acknowledge and the thread are all there.
            return HttpResponseRedirect(reverse("articles:review", args=[object_id]))
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _apply_fsm_transition(
        self,
        *,
        obj: Any,
        transition_name: str,
        request: HttpRequest,
        kwargs: Any = None,
    ) -> bool:
        try:
            workflow.perform(transition_name, article=obj, by=request.user, **(kwargs or {}))
        except WorkflowError as error:
            self.message_user(request, str(error), level=messages.ERROR)
            return False
        self.message_user(
            request,
            f"{ACTION_LABELS.get(transition_name, transition_name)}: done. "
            f"“{obj.title}” is now {obj.get_state_display().lower()}.",
            level=messages.SUCCESS,
        )
        return True


@admin.register(ReviewRound)
class ReviewRoundAdmin(LightListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "number", "kind", "revision", "outcome", "opened_at", "closed_at"]
    list_filter = ["outcome", "kind"]
    search_fields = ["article__title"]
    list_select_related = ["article"]


@admin.register(Review)
class ReviewAdmin(LightListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "round",
        "reviewer",
        "decision",
        "revision",
        "conflict_category",
        "conflict_of_interest",
        "created_at",
    ]
    list_filter = ["decision", "conflict_category"]
    search_fields = ["round__article__title", "reviewer__username", "comment"]
    list_select_related = ["round__article", "reviewer"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(LightListMixin, ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    """Who was asked to review what, by when, and what they answered. Changed only on the
    assign and review pages (articles.workflow.assignments), never here."""

    list_display = ["round", "reviewer", "status", "due_at", "assigned_by", "responded_at"]
    list_filter = ["status"]
    search_fields = ["round__article__title", "reviewer__username", "reviewer__last_name"]
    list_select_related = ["round__article", "reviewer", "assigned_by"]
    date_hierarchy = "due_at"


@admin.register(Comment)
class CommentAdmin(LightListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "author", "revision", "created_at"]
    search_fields = ["article__title", "body"]
    list_select_related = ["article", "author"]


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(LightListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "article",
        "actor",
        "transition",
        "from_state",
        "to_state",
        "revision",
    ]
    list_filter = ["transition", "to_state"]
    search_fields = ["article__title", "comment", "actor__username"]
    list_select_related = ["article", "actor"]


@admin.register(Publication)
class PublicationAdmin(LightListMixin, ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    list_display = [
        "title",
        "number",
        "revision",
        "approved_at",
        "published_at",
        "next_review_due",
        "policy",
    ]
    list_filter = ["policy", "published_at"]
    search_fields = ["title", "article__slug"]
    list_select_related = ["policy"]
    list_defer = PUBLICATION_PAGE_COLUMNS
    ordering = ["-published_at", "-pk"]


@admin.register(ReaderReport)
class ReaderReportAdmin(LightListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Readers' reports, to look up; triage happens on /reports/ through the workflow."""

    list_display = ["article", "category", "status", "created_at", "handled_by"]
    list_filter = ["status", "category", "created_at"]
    search_fields = ["body", "article__title", "email"]
    list_select_related = ["article", "handled_by"]
    exclude = ["sender"]
