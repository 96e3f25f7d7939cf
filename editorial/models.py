"""Site-wide models: the editorial policy and the board members' public profiles."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


class EditorialPolicyQuerySet(models.QuerySet["EditorialPolicy"]):
    def in_effect(self, on: datetime.date | None = None) -> EditorialPolicyQuerySet:
        return self.filter(effective_date__lte=on or timezone.localdate())

    def current(self, on: datetime.date | None = None) -> EditorialPolicy | None:
        """The newest policy in effect on the given day (today by default)."""
        return self.in_effect(on).order_by("-effective_date", "-version").first()


# The questions of the structured review a new policy version starts with (issue 11).
DEFAULT_REVIEW_CHECKLIST = [
    "Every clinical claim is supported by a cited source.",
    "Doses, contraindications and interactions are correct.",
    "The evidence cited is current.",
    "Suitable for the stated audience.",
    "Balanced: benefits and harms.",
]


def default_review_checklist() -> list[str]:
    return list(DEFAULT_REVIEW_CHECKLIST)


class EditorialPolicy(models.Model):
    """A version of the policy articles are reviewed under. The newest effective one is current."""

    version = models.PositiveIntegerField(unique=True)
    effective_date = models.DateField()
    body = models.TextField(help_text="Markdown.")
    required_approvals = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Distinct board members who must approve a revision before it can be published.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long after approval a published article falls due for re-review.",
    )
    review_checklist = models.JSONField(
        default=default_review_checklist,
        blank=True,
        help_text=(
            "The questions every reviewer answers (yes, no, not applicable), one per line. "
            "Frozen once a review has used this version."
        ),
    )
    review_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days a reviewer is given by default when an editor assigns them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = EditorialPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-version"]
        verbose_name_plural = "editorial policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_approvals__gte=1), name="policy_requires_an_approval"
            ),
        ]

    def __str__(self) -> str:
        return f"Editorial policy v{self.version} (effective {self.effective_date:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self.checklist_is_frozen:
            stored = (
                EditorialPolicy.objects.filter(pk=self.pk)
                .values_list("review_checklist", flat=True)
                .first()
            )
            if stored is not None and stored != self.review_checklist:
                raise ValidationError(
                    "Reviews have answered this version's checklist, so its questions are "
                    "frozen. Add a new policy version to ask other questions."
                )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("editorial:policy_version", args=[self.version])

    @property
    def checklist_is_frozen(self) -> bool:
        """A version some review has answered keeps its questions, so old reviews still read."""
        return self.pk is not None and self.reviews.exists()


class BoardProfile(models.Model):
    """What readers see of a board member on the "Reviewed by" line and the board page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_profile"
    )
    slug = models.SlugField(unique=True, blank=True, help_text="Left empty, made from the name.")
    credentials = models.CharField(max_length=200, help_text="E.g. MD, FACP.")
    specialty = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    conflict_of_interest_disclosure = models.TextField(
        blank=True, help_text="Standing disclosure shown on the board page. Leave empty for none."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            base = slugify(self.user.get_full_name() or self.user.get_username())[:44] or "member"
            taken = BoardProfile.objects.exclude(pk=self.pk)
            self.slug, n = base, 2
            while taken.filter(slug=self.slug).exists():  # two members of the same name
                self.slug, n = f"{base}-{n}", n + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("editorial:board") + f"#{self.slug}"

    @property
    def display_name(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.credentials}" if self.credentials else name


class RoleChange(models.Model):
    """One change of someone's role: who gained or lost it, who made the change, and when.

    Written by editorial/accounts/membership.py wherever a person changes a role (the admin,
    invitations); never edited. The names are kept as text so the record outlives accounts.
    """

    class Change(models.TextChoices):
        ADDED = "added", "added"
        REMOVED = "removed", "removed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="role_changes",
    )
    user_name = models.CharField(max_length=300)
    role = models.CharField(max_length=150, help_text="A group, or staff or superuser status.")
    change = models.CharField(max_length=10, choices=Change.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="role_changes_made",
    )
    changed_by_name = models.CharField(max_length=300)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=40, help_text="Where the change was made.")

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_name}: {self.role} {self.change} by {self.changed_by_name}"
