"""The references library and the citation rows derived from article bodies."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from simple_history.models import HistoricalRecords

from references.identifiers import InvalidIdentifier, clean_text, normalize_doi, normalize_pmid


class Reference(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
        RESEARCH = "research", "Research"
        REVIEW = "review", "Review"
        OTHER = "other", "Other"

    class RetractionStatus(models.TextChoices):
        OK = "ok", "No notices found"
        CORRECTED = "corrected", "Corrected"
        CONCERN = "concern", "Expression of concern"
        RETRACTED = "retracted", "Retracted"
        UNCHECKED = "unchecked", "Not yet checked"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESEARCH)
    key = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Optional citation key for markers like [@smith2024].",
    )
    title = models.CharField(max_length=1000)
    authors = models.TextField(blank=True, help_text="As listed, e.g. 'Smith J, Jones A'.")
    journal = models.CharField(max_length=500, blank=True, help_text="Full NLM title.")
    journal_abbrev = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text="Stored lower-case without https://doi.org/, e.g. 10.2337/dc16-2042.",
    )
    pmid = models.CharField(
        "PMID", max_length=20, null=True, blank=True, unique=True, help_text="Digits only."
    )
    url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A web address (http or https), e.g. for a guideline without a DOI.",
    )
    publisher = models.CharField(
        max_length=300, blank=True, help_text="Issuing body, for guidelines."
    )
    retraction_status = models.CharField(
        max_length=20, choices=RetractionStatus.choices, default=RetractionStatus.UNCHECKED
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="reference_key_unique_when_set"
            ),
        ]

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalize()
        super().save(*args, **kwargs)

    def normalize(self) -> None:
        """DOI lower-cased without resolver prefix, PMID digits, empty identifiers as NULL.

        Raises InvalidIdentifier for a DOI or PMID that cannot be normalised.
        """
        self.key = clean_text(self.key).lower()
        self.title = " ".join((self.title or "").split())
        self.doi = normalize_doi(self.doi) if clean_text(self.doi or "") else None
        self.pmid = normalize_pmid(self.pmid) if clean_text(self.pmid or "") else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
            value = getattr(self, name)
            if value is None or not clean_text(value):
                setattr(self, name, None)
                continue
            try:
                setattr(self, name, normalize(value))
            except InvalidIdentifier as error:
                errors[name] = str(error)
        self.key = clean_text(self.key).lower()
        if errors:
            raise ValidationError(errors)

    @property
    def marker(self) -> str:
        """How an author cites it: [@key], else [@pmid:…], else [@doi:…]; empty if none."""
        if self.key:
            return f"[@{self.key}]"
        if self.pmid:
            return f"[@pmid:{self.pmid}]"
        if self.doi:
            return f"[@doi:{self.doi}]"
        return ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{quote(self.doi, safe='/:;()._-')}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


class Citation(models.Model):
    """One reference cited by an article, numbered by first appearance in its body.

    Rows are derived from the body on every content save and never typed by hand; the
    article's history keeps them (Article.cited_references is tracked by simple-history).
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE)
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT)
    number = models.PositiveIntegerField()
    marker = models.CharField(
        max_length=300, help_text="The marker as written, e.g. pmid:38212345."
    )

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="citation_number_unique"),
            models.UniqueConstraint(
                fields=["article", "reference"], name="citation_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.reference}"
