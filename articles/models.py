"""The article, its review rounds and reviews, its workflow events and its publications.

The article's `state` describes its working copy; readers see its latest `Publication`.
State changes only through the functions in `articles.workflow`: `state` is a protected
FSMField (it cannot be assigned), and the @transition methods below declare the graph and
refuse to run unless the workflow's frame (`articles.workflow.frame.record`) has set the
article's `_in_workflow` flag for the length of the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from articles import rules
from references.models import Citation


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)


class Audience(models.TextChoices):
    PATIENT = "patient", "Patients"
    CLINICIAN = "clinician", "Clinicians"


class ArticleQuerySet(models.QuerySet["Article"]):
    def live(self) -> ArticleQuerySet:
        """Articles readers can see: they have a publication and are not archived."""
        return self.filter(current_publication__isnull=False).exclude(state=State.ARCHIVED)

    def written_by(self, user: Any) -> ArticleQuerySet:
        return self.filter(authors=user)

    def awaiting_reviewer(self) -> ArticleQuerySet:
        return self.filter(state=State.SUBMITTED)

    def in_review(self) -> ArticleQuerySet:
        return self.filter(state=State.UNDER_REVIEW)

    def review_due(self, on: Any) -> ArticleQuerySet:
        """Published articles past their re-review date, or citing a retracted reference.

        Each row carries `cites_retracted`: a retraction found after publication (by
        check_references) puts the article in front of the board at once, not at its date.
        """
        retracted = Citation.objects.filter(
            article=OuterRef("pk"), reference__retraction_status="retracted"
        )
        return (
            self.filter(state=State.PUBLISHED)
            .annotate(cites_retracted=Exists(retracted))
            .filter(Q(current_publication__next_review_due__lte=on) | Q(cites_retracted=True))
        )

    def due_for_publication(self, now: Any) -> ArticleQuerySet:
        return self.filter(state=State.APPROVED, publish_at__isnull=False, publish_at__lte=now)


def _allowed(rule: Callable[[Article, Any], bool]) -> Callable[[models.Model, Any], bool]:
    """A rule of articles.rules as django-fsm's transition permission (model, user)."""

    def permission(instance: models.Model, user: Any) -> bool:
        return isinstance(instance, Article) and rule(instance, user)

    return permission


def _workflow_only(article: Article) -> None:
    if not getattr(article, "_in_workflow", False):
        raise RuntimeError(
            "Article state changes only through articles.workflow; call its functions instead."
        )


class Article(FSMModelMixin, models.Model):
    title = models.CharField(max_length=300, help_text="The clinical question the article answers.")
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    body = models.TextField(
        blank=True, help_text="Markdown, with citation markers like [@pmid:123]."
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PATIENT)
    subject = models.CharField(
        max_length=200,
        blank=True,
        help_text="The condition the article is about, e.g. Peripheral neuropathy (optional).",
    )
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="articles")
    cited_references = models.ManyToManyField(
        "references.Reference",
        through=Citation,  # a class, not a string: simple-history needs it when Article is built
        related_name="citing_articles",
        blank=True,
    )
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    revision = models.PositiveIntegerField(
        default=1,
        help_text="Bumped on every content save; a save over a newer revision is refused.",
    )
    current_publication = models.ForeignKey(
        "articles.Publication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="What readers see now.",
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When an approved article is scheduled to go live."
    )
    publish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_reason = models.TextField(blank=True)
    # What a scheduled publication will tell readers, given when it was scheduled.
    scheduled_change_note = models.CharField(max_length=300, blank=True)
    scheduled_is_correction = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[authors, cited_references])

    # Set by articles.workflow.frame for one save: who acted and why (django-simple-history
    # reads both), and whether a @transition method may run.
    _history_user: Any
    _change_reason: str
    _in_workflow: bool = False
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="article_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:article", args=[self.slug])

    def get_edit_url(self) -> str:
        return reverse("articles:edit", args=[self.pk])

    def get_review_url(self) -> str:
        return reverse("articles:review", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def is_editable_by(self, user: Any) -> bool:
        return self.is_editable and rules.may_edit(self, user)

    # The graph. Each method runs only when articles.workflow.frame.record calls it, inside
    # the frame that adds the lock, the checks with human messages, the history record and
    # the emails.

    @transition(
        field=state, source=State.DRAFT, target=State.SUBMITTED, permission=_allowed(rules.may_edit)
    )
    def submit(self) -> None:
        _workflow_only(self)

    @transition(
        field=state, source=State.SUBMITTED, target=State.DRAFT, permission=_allowed(rules.may_edit)
    )
    def withdraw(self) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.UNDER_REVIEW,
        permission=_allowed(rules.may_review),
    )
    def start_review(self) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=RETURN_VALUE(State.UNDER_REVIEW, State.APPROVED),
        permission=_allowed(rules.may_review),
        custom={"form": "articles.forms.ApproveForm"},
    )
    def approve(self, *, quorum_met: bool = False, **_: Any) -> str:
        _workflow_only(self)
        return State.APPROVED if quorum_met else State.UNDER_REVIEW

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.CHANGES_REQUESTED,
        permission=_allowed(rules.may_review),
        custom={"form": "articles.forms.RequestChangesForm"},
    )
    def request_changes(self, **_: Any) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=State.CHANGES_REQUESTED,
        target=State.SUBMITTED,
        permission=_allowed(rules.may_edit),
    )
    def resubmit(self) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=State.APPROVED,
        target=State.PUBLISHED,
        permission=_allowed(rules.may_manage),
        custom={"form": "articles.forms.PublishForm"},
    )
    def publish(self, **_: Any) -> None:
        _workflow_only(self)

    @transition(
        field=state, source=State.PUBLISHED, target=State.DRAFT, permission=_allowed(rules.may_edit)
    )
    def revise(self) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=State.PUBLISHED,
        target=State.UNDER_REVIEW,
        permission=_allowed(rules.may_review),
    )
    def start_rereview(self) -> None:
        _workflow_only(self)

    @transition(
        field=state,
        source=[s for s in State if s != State.ARCHIVED],
        target=State.ARCHIVED,
        permission=_allowed(rules.may_manage),
        custom={"form": "articles.forms.ArchiveForm"},
    )
    def archive(self, **_: Any) -> None:
        _workflow_only(self)


class ReviewRound(models.Model):
    """One pass of the board over one exact revision, opened by a submission or a re-review."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", "Submission"
        REREVIEW = "rereview", "Re-review"

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ARCHIVED = "archived", "Closed by archiving"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUBMISSION)
    revision = models.PositiveIntegerField(help_text="The exact revision under review.")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(
        "editorial.EditorialPolicy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="The policy the round was approved under.",
    )
    approved_rendering = models.JSONField(
        null=True,
        blank=True,
        help_text=(
            "The article as the board approved it (body, references), rendered when the "
            "quorum was met; publishing writes exactly this."
        ),
    )

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(outcome="open"),
                name="one_open_round_per_article",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of “{self.article}” (revision {self.revision})"


class Review(models.Model):
    """A board member's decision on a round: an approval or a request for changes."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Requested changes"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    revision = models.PositiveIntegerField(help_text="The revision this decision judged.")
    conflict_of_interest = models.TextField(
        blank=True, help_text="'none' or the stated interest; required on approvals."
    )
    comment = models.TextField(blank=True)
    acknowledged_warnings = models.JSONField(
        default=list, blank=True, help_text="Evidence warnings the reviewer acknowledged."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"],
                condition=Q(decision="approve"),
                name="one_approval_per_reviewer_per_round",
            ),
            models.CheckConstraint(
                condition=~Q(decision="approve") | ~Q(conflict_of_interest=""),
                name="approval_declares_conflict_of_interest",
            ),
            models.CheckConstraint(
                condition=~Q(decision="request_changes") | ~Q(comment=""),
                name="request_for_changes_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} on revision {self.revision}"


class Comment(models.Model):
    """A message in an article's review thread."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    round = models.ForeignKey(
        ReviewRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on “{self.article}”"


class WorkflowEvent(models.Model):
    """One recorded action on an article: a transition, a content edit or a scheduling."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    revision = models.PositiveIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state} (revision {self.revision})"


class ImmutableError(Exception):
    pass


class PublicationKind(models.TextChoices):
    FIRST = "first", "First published"
    UPDATE = "update", "Content updated"
    CORRECTION = "correction", "Correction"
    REREVIEW = "rereview", "Re-reviewed, no change"


class Publication(models.Model):
    """An immutable snapshot of an approved revision, as readers see it. Never edited."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body_html = models.TextField()
    references_html = models.TextField(blank=True)
    citations = models.JSONField(
        default=list, blank=True, help_text="The formatted references, for structured data."
    )
    revision = models.PositiveIntegerField(help_text="The approved revision.")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="+")
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    approved_at = models.DateTimeField(help_text="When the board last confirmed this content.")
    content_approved_at = models.DateTimeField(
        help_text="When this content was first approved (differs from approved_at after a re-review)."
    )
    policy = models.ForeignKey(
        "editorial.EditorialPolicy", on_delete=models.PROTECT, related_name="publications"
    )
    next_review_due = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PATIENT)
    subject = models.CharField(max_length=200, blank=True)
    author_names = models.JSONField(
        default=list, blank=True, help_text="The authors' names when it was published."
    )
    change_note = models.CharField(
        max_length=300, blank=True, help_text="Public: what changed, shown in the Page history."
    )
    is_correction = models.BooleanField(
        default=False, help_text="The change fixes an error (noted at the top of the page)."
    )
    kind = models.CharField(
        max_length=20, choices=PublicationKind.choices, default=PublicationKind.FIRST
    )
    page_history = models.JSONField(
        default=list,
        blank=True,
        help_text="Every publication up to this one (date, kind, note), newest first.",
    )
    corrected_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest correction up to this one went live."
    )
    cited_references = models.ManyToManyField(
        "references.Reference", through="PublicationReference", related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="publication_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (publication {self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A publication is never edited after it is written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("A publication is never deleted.")


class PublicationReference(models.Model):
    """A reference as a publication cites it (its number there), written with the publication.

    The publication's text and citations are frozen; the reference's evidence status is read
    live through this row, so a retraction found later shows on the page at once.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="cited")
    reference = models.ForeignKey(
        "references.Reference", on_delete=models.PROTECT, related_name="publication_citations"
    )
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="publication_reference_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] of publication {self.publication_id}"


class ReaderReport(models.Model):
    """A reader's "Report a problem" about the page they saw, and what the editors did."""

    class Category(models.TextChoices):
        FACTUAL_ERROR = "factual_error", "Factual error"
        OUT_OF_DATE = "out_of_date", "Out of date"
        BROKEN_LINK = "broken_link", "Broken link"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTED_ON = "acted_on", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reader_reports")
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="reader_reports",
        help_text="The publication the reader saw.",
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    body = models.TextField()
    email = models.EmailField(blank=True, help_text="Optional, for a reply.")
    sender = models.CharField(
        max_length=64, db_index=True, help_text="A keyed hash of the reader's address."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="Why: what was done, or why not.")
    review_round = models.ForeignKey(
        ReviewRound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The re-review started from this report.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(handled_by__isnull=False),
                name="handled_report_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on “{self.article}” ({self.get_status_display()})"
