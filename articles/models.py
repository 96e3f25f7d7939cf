"""The article, its review rounds and reviews, its workflow events and its publications.

The article's `state` describes its working copy; readers see its latest `Publication`.
State changes only through the functions in `articles.workflow`: `state` is a protected
FSMField (it cannot be assigned), and the @transition methods below declare the graph and
refuse to run unless the workflow's frame (`articles.workflow.frame.record`) has set the
article's `_in_workflow` flag for the length of the call.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from articles import rules
from references.models import Citation, Reference


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
    # Set on listed rows by the queue's views (articles.views.queue, .assignments).
    i_contributed: bool
    evidence_flags: list[PublicationReference]
    may_dismiss: bool
    assignments_now: list[ReviewAssignment]
    my_assignment: ReviewAssignment | None
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="article_state_valid"
            ),
        ]
        # The admin's list, most recently changed first, without sorting every article.
        indexes = [models.Index(fields=["updated_at", "id"], name="article_updated_idx")]

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
        target=None,  # the state stays: the board answers the notice, the page stays live
        permission=_allowed(rules.may_review),
        conditions=[lambda article: isinstance(article, Article) and article.has_evidence_flag()],
        custom={"form": "articles.forms.DismissEvidenceFlagForm"},  # the admin sends it here
    )
    def dismiss_evidence_flag(self, **_: Any) -> None:
        _workflow_only(self)

    def has_evidence_flag(self) -> bool:
        """A concern or correction about a reference of the live page, found after it went
        live, that the board has not answered yet (PublicationReference.objects.flagged)."""
        if self.current_publication_id is None or self.state == State.ARCHIVED:
            return False
        return (
            PublicationReference.objects.flagged()
            .filter(publication_id=self.current_publication_id)
            .exists()
        )

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

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class ConflictCategory(models.TextChoices):
    """The structured conflict-of-interest declaration: none, or a kind with a statement."""

    NONE = "none", "None"
    FINANCIAL = "financial", "Financial"
    PROFESSIONAL = "professional", "Professional"
    PERSONAL = "personal", "Personal"
    OTHER = "other", "Other"


class ChecklistAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "n/a", "Not applicable"


class Review(models.Model):
    """A board member's decision on a round: an approval or a request for changes.

    The checklist answers keep each question's text as asked ({"question", "answer"}), and
    `policy` the version it came from, so a review reads the same after the policy changes.
    """

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
    conflict_category = models.CharField(
        max_length=20, choices=ConflictCategory.choices, blank=True
    )
    comment = models.TextField(blank=True)
    acknowledged_warnings = models.JSONField(
        default=list, blank=True, help_text="Evidence warnings the reviewer acknowledged."
    )
    policy = models.ForeignKey(
        "editorial.EditorialPolicy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The policy version whose checklist this review answered.",
    )
    checklist_answers = models.JSONField(
        default=list, blank=True, help_text='[{"question": …, "answer": "yes" | "no" | "n/a"}]'
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

    @property
    def note(self) -> str:
        """The comment, unless it only repeats the points (a request given as points keeps
        them joined as its comment)."""
        if self.decision == self.Decision.REQUEST_CHANGES:
            points = list(self.points.all())
            repeats = {"\n".join(f"{p.number}. {p.text}" for p in points)}
            if len(points) == 1:
                repeats.add(points[0].text)
            if points and self.comment in repeats:
                return ""
        return self.comment

    @property
    def declares_interest(self) -> bool:
        return bool(self.conflict_category) and self.conflict_category != ConflictCategory.NONE

    @property
    def has_checklist_answers(self) -> bool:
        return any(item.get("answer") for item in self.checklist_answers)

    @property
    def checklist(self) -> list[dict[str, str]]:
        """The answers with their labels, for templates."""
        labels = dict(ChecklistAnswer.choices)
        return [
            {**item, "label": labels.get(item.get("answer", ""), item.get("answer", ""))}
            for item in self.checklist_answers
        ]


class ChangePoint(models.Model):
    """One numbered point of a request for changes, and the author's answer to it."""

    # Set by articles.views.points for the answer form: what was just typed, else what is saved.
    shown_answer: str
    shown_reason: str

    class Answer(models.TextChoices):
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(blank=True, help_text="Why not, when not done.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="change_point_number_unique"),
            models.CheckConstraint(
                condition=~Q(answer="not_done") | ~Q(answer_reason=""),
                name="change_point_not_done_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"Point {self.number} of {self.review}"


class AssignmentQuerySet(models.QuerySet["ReviewAssignment"]):
    def active(self) -> AssignmentQuerySet:
        """Invited or accepted: the reviewer still owes a decision."""
        return self.filter(status__in=ReviewAssignment.ACTIVE)

    def overdue(self, now: Any) -> AssignmentQuerySet:
        return self.active().filter(due_at__lt=now, round__outcome="open")


class ReviewAssignment(models.Model):
    """A named board member asked by an editor to review a round, by a date."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ACTIVE = (Status.INVITED, Status.ACCEPTED)

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    conflict_category = models.CharField(
        max_length=20, choices=ConflictCategory.choices, blank=True
    )
    conflict_statement = models.TextField(blank=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder before the due date was sent."
    )
    overdue_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reviewer and editors were told it is overdue."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()
    _history_user: Any  # set for one save by articles.workflow; django-simple-history reads it
    reassign_form: Any  # set on the review page's rows by articles.views.assignments (a form)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"],
                condition=Q(status__in=["invited", "accepted", "completed"]),
                name="one_live_assignment_per_reviewer_per_round",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_assignment_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.round} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def is_overdue(self, now: Any = None) -> bool:
        from django.utils import timezone

        return self.is_active and self.due_at < (now or timezone.now())

    @property
    def shown_status(self) -> str:
        """The status as the queue shows it: "overdue" for an active one past its date."""
        return "overdue" if self.is_overdue() else self.status


class NotificationOptOut(models.Model):
    """A kind of email a person has turned off on their notification settings page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} turned off {self.kind}"


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

    # The article's first publication date, for the public page (articles.views.public).
    first_published_at: datetime.datetime | None = None
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
    cited_references: models.ManyToManyField[Reference, PublicationReference] = (
        models.ManyToManyField(
            "references.Reference", through="PublicationReference", related_name="+"
        )
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="publication_number_unique"),
        ]
        # The queue's "Re-review due" and flag_due_reviews find the live articles past their
        # date without scanning every (wide) publication row.
        indexes = [
            # With the id: the queue reads the articles past their date in this order,
            # walking the index for one page instead of sorting every due article.
            models.Index(fields=["next_review_due", "id"], name="publication_review_due_idx"),
            # Newest first, in the admin's list and the feed, without sorting every row.
            models.Index(fields=["published_at", "id"], name="publication_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (publication {self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A publication is never edited after it is written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("A publication is never deleted.")


# What a live page's evidence flags for the board (a retraction puts it up for re-review).
FLAGGED_FOR_BOARD = (Reference.RetractionStatus.CONCERN, Reference.RetractionStatus.CORRECTED)


class PublicationReferenceQuerySet(models.QuerySet["PublicationReference"]):
    def flagged(self) -> PublicationReferenceQuerySet:
        """References found under concern or corrected after the publication went live,
        whose notice (status and when it was recorded) the board has not answered yet.

        A later status change is a new notice: it flags the page again.
        """
        answered = EvidenceFlagReview.objects.filter(
            publication=OuterRef("publication"),
            reference=OuterRef("reference"),
            status_changed_at=OuterRef("reference__status_changed_at"),
        )
        return self.filter(
            reference__retraction_status__in=FLAGGED_FOR_BOARD,
            reference__status_changed_at__gt=F("publication__published_at"),
        ).filter(~Exists(answered))


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

    objects = PublicationReferenceQuerySet.as_manager()
    # Set on the notices a page lists (articles.views.evidence.attach_forms).
    dismiss_form: Any

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="publication_reference_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] of publication {self.publication_id}"


class EvidenceFlagReview(models.Model):
    """The board's answer to an evidence notice found after publication: one reference's
    concern or correction, as recorded at `status_changed_at`, for one publication.

    "No change needed" (with the reason) or "re-review started". A later status change of
    the reference is a new notice, not answered by this row.
    """

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "Reviewed: no change needed"
        REREVIEW = "rereview", "Re-review started"

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="evidence_reviews"
    )
    reference = models.ForeignKey(
        "references.Reference", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Reference.RetractionStatus.choices)
    status_changed_at = models.DateTimeField(help_text="When the status answered was recorded.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "reference", "status_changed_at"],
                name="evidence_flag_answered_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.get_status_display()} of {self.reference_id}"


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
