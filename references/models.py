"""The references library and the citation rows derived from article bodies."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from references.identifiers import InvalidIdentifier, clean_text, normalize_doi, normalize_pmid
from references.names import clean_names, display_names, parse_nlm_list


class Reference(models.Model):
    class Kind(models.TextChoices):
        """The publication type, as a reader understands it (CSL's types, in words)."""

        JOURNAL_ARTICLE = "article", "Journal article"
        BOOK = "book", "Book"
        CHAPTER = "chapter", "Book chapter"
        CONFERENCE_PAPER = "paper_conference", "Conference paper"
        REPORT = "report", "Report"
        DATASET = "dataset", "Dataset"
        PREPRINT = "preprint", "Preprint"
        GUIDELINE = "guideline", "Guideline"
        WEBPAGE = "webpage", "Web page"
        OTHER = "other", "Other"

    class StudyDesign(models.TextChoices):
        """What kind of evidence it is, when the source says so (PubMed's publication types)."""

        UNKNOWN = "", "Not stated"
        GUIDELINE = "guideline", "Practice guideline"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review / meta-analysis"
        RCT = "rct", "Randomised controlled trial"
        COHORT = "cohort", "Cohort study"
        CASE_CONTROL = "case_control", "Case-control study"
        CASE_REPORT = "case_report", "Case report"
        REVIEW = "review", "Narrative review"
        EXPERT_OPINION = "expert_opinion", "Expert opinion / consensus"
        PRIMARY_RESEARCH = "research", "Original research"

    class RetractionStatus(models.TextChoices):
        OK = "ok", "No notices found"
        CORRECTED = "corrected", "Corrected"
        CONCERN = "concern", "Expression of concern"
        RETRACTED = "retracted", "Retracted"
        UNCHECKED = "unchecked", "Not yet checked"

    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.JOURNAL_ARTICLE, help_text="What it is."
    )
    study_design = models.CharField(
        "Study design",
        max_length=20,
        choices=StudyDesign.choices,
        blank=True,
        default="",
        help_text="What kind of evidence it is, when the source says so.",
    )
    key = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Optional citation key for markers like [@smith2024].",
    )
    title = models.CharField(max_length=1000)
    authors = models.JSONField(
        default=list,
        blank=True,
        help_text='Every author, in order, as CSL-JSON names: {"family", "given"} or {"literal"}.',
    )
    more_authors = models.BooleanField(
        default=False,
        help_text="The source listed more authors than are kept here (it ended in “et al.”).",
    )
    editors = models.JSONField(default=list, blank=True, help_text="Editors of a book, as names.")
    journal = models.CharField(
        max_length=500,
        blank=True,
        help_text="Full NLM journal title; for a chapter the book, for a paper the proceedings.",
    )
    journal_abbrev = models.CharField(
        max_length=200, blank=True, help_text="NLM abbreviation, e.g. Diabetes Care, N Engl J Med."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
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
        max_length=300, blank=True, help_text="Issuing body, for guidelines; publisher of a book."
    )
    publisher_place = models.CharField(
        max_length=200, blank=True, help_text="Where a book or report was published."
    )
    retraction_status = models.CharField(
        max_length=20, choices=RetractionStatus.choices, default=RetractionStatus.UNCHECKED
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current retraction status was first recorded."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    _change_reason: str  # set for one save; django-simple-history records it

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="reference_key_unique_when_set"
            ),
        ]
        indexes = [
            # The working lists ask for the latest change of any reference's status on every
            # request (articles.selectors.lists_state): MAX() read from the index's end, not
            # a scan of the whole library.
            models.Index(fields=["status_changed_at"], name="reference_status_changed_idx"),
            # The few retracted, concerned or corrected references, which the queue asks for
            # on every request ("cites a retracted reference", "evidence flagged").
            models.Index(fields=["retraction_status"], name="reference_retraction_idx"),
        ]

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalize()
        if self.retraction_status != getattr(
            self, "_loaded_status", self.RetractionStatus.UNCHECKED
        ):
            self.status_changed_at = timezone.now()
            self._loaded_status = self.retraction_status
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """The status read now is the one a later save compares with (status_changed_at)."""
        super().refresh_from_db(*args, **kwargs)
        fields = kwargs.get("fields")
        if fields is None or "retraction_status" in fields:
            self._loaded_status = self.retraction_status

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Reference:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("retraction_status", "")
        return instance

    def normalize(self) -> None:
        """DOI lower-cased without resolver prefix, PMID digits, empty identifiers as NULL.

        Raises InvalidIdentifier for a DOI or PMID that cannot be normalised.
        """
        self.key = clean_text(self.key).lower()
        self.title = " ".join((self.title or "").split())
        if self.kind in LEGACY_KINDS:
            self.kind, design = LEGACY_KINDS[self.kind]
            self.study_design = self.study_design or design
        if isinstance(self.authors, str):
            self.authors, more = parse_nlm_list(self.authors)
            self.more_authors = self.more_authors or more
        self.authors = clean_names(self.authors)
        self.editors = clean_names(self.editors)
        self.doi = normalize_doi(self.doi) if self.doi and clean_text(self.doi) else None
        self.pmid = normalize_pmid(self.pmid) if self.pmid and clean_text(self.pmid) else None

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
    def author_list(self) -> str:
        """Every author, NLM style ("Smith JA, Jones B"), with "et al." if the source had more."""
        names = display_names(self.authors or [])
        return f"{names}, et al." if names and self.more_authors else names

    @property
    def label(self) -> str:
        """What a reader sees first: the kind, then the study design when the source says so."""
        from references.formatting import kind_label

        return kind_label(self)

    @property
    def formatted(self) -> str:
        """The citation, NLM style, as plain text (references.formatting)."""
        from references.formatting import citation_text

        return citation_text(self)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{quote(self.doi, safe='/:;()._-')}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


# The kinds stored before the publication type and the study design were told apart: the old
# value becomes (kind, study design). Code written against them (Kind.RESEARCH) still works.
LEGACY_KINDS: dict[str, tuple[str, str]] = {
    "systematic_review": ("article", "systematic_review"),
    "research": ("article", "research"),
    "review": ("article", "review"),
}
for _name, _value in (
    ("SYSTEMATIC_REVIEW", "systematic_review"),
    ("RESEARCH", "research"),
    ("REVIEW", "review"),
):
    setattr(Reference.Kind, _name, _value)


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
