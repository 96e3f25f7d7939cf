"""Forms for adding references: by identifier (look-up) or by hand.

``ReferenceLookupForm`` takes one field, ``identifier`` (a DOI or a PMID in any usual spelling);
after ``is_valid()`` a view calls ``references.lookup.lookup_reference(form.cleaned_data
["identifier"])`` and shows ``str(error)`` of a ``ReferenceLookupError`` with the manual form.

``ReferenceForm`` is manual entry: it normalises the DOI (lower-case, no ``https://doi.org/``)
and the PMID (digits), refuses malformed ones with a message saying what a valid one looks
like, and names the reference already in the library under that DOI, PMID or key. Links must
be http or https. Retraction status is not on the form: only ``check_references`` sets it.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import forms
from django.core import validators

from references.identifiers import (
    InvalidIdentifier,
    classify,
    clean_text,
    normalize_doi,
    normalize_pmid,
)
from references.models import LEGACY_KINDS, Reference
from references.names import clean_names, parse_name, parse_nlm_list


class ReferenceLookupForm(forms.Form):
    identifier = forms.CharField(
        label="DOI or PMID",
        max_length=300,
        help_text="For example 10.2337/dc16-2042 or 27999003.",
    )

    def clean_identifier(self) -> str:
        value = self.cleaned_data["identifier"]
        try:
            classify(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(str(error)) from None
        return value


class NamesField(forms.Field):
    """Names typed one per line ("Smith, John A", "Smith JA" or an organisation), or as one NLM
    list ("Smith J, Jones A, et al."); stored as CSL-JSON names. A last line "et al." says the
    source had more."""

    widget = forms.Textarea(attrs={"rows": 4})
    default_validators = [validators.ProhibitNullCharactersValidator()]

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str) and not value.startswith("["):
            return value
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        lines = []
        for name in clean_names(value or []):
            if "literal" in name:
                lines.append(name["literal"])
            else:
                lines.append(", ".join(p for p in (name.get("family"), name.get("given")) if p))
        return "\n".join(lines)

    def to_python(self, value: Any) -> tuple[list[dict[str, str]], bool]:
        text = "" if value in self.empty_values else str(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) == 1:
            return parse_nlm_list(lines[0])
        more = False
        names = []
        for line in lines:
            if line.rstrip(".").lower() in ("et al", "et. al", "others"):
                more = True
            else:
                names.append(parse_name(line))
        return clean_names(names), more


class ReferenceForm(forms.ModelForm):
    authors = NamesField(
        label="Authors",
        required=False,
        help_text="One per line, “Family, Given” (e.g. Smith, John A) or an organisation; a last "
        "line “et al.” if the source lists more.",
    )
    editors = NamesField(
        label="Editors", required=False, help_text="Of a book or proceedings, one per line."
    )
    url = forms.URLField(
        label="URL",
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text="A web address (http or https), e.g. for a guideline without a DOI.",
    )

    class Meta:
        model = Reference
        fields = [
            "kind",
            "study_design",
            "title",
            "authors",
            "editors",
            "journal",
            "journal_abbrev",
            "year",
            "month",
            "day",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "url",
            "publisher",
            "publisher_place",
            "key",
        ]
        labels = {"key": "Citation key", "journal": "Journal, book or proceedings (full title)"}
        error_messages = {
            "doi": {
                "max_length": "A DOI is at most %(limit_value)d characters; this has %(show_value)d."
            },
            "title": {
                "max_length": "Keep the title to at most %(limit_value)d characters; it has %(show_value)d."
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data", args[0] if args else None)
        prefix = kwargs.get("prefix")
        name = f"{prefix}-kind" if prefix else "kind"
        if data is not None and data.get(name) in LEGACY_KINDS:
            data = data.copy()
            data[name], design = LEGACY_KINDS[data[name]]
            design_name = name.replace("kind", "study_design")
            data[design_name] = data.get(design_name) or design
            if args:
                args = (data, *args[1:])
            else:
                kwargs["data"] = data
        super().__init__(*args, **kwargs)

    def clean_authors(self) -> list[dict[str, str]]:
        names, more = self.cleaned_data["authors"]
        self.instance.more_authors = more
        return names

    def clean_editors(self) -> list[dict[str, str]]:
        return self.cleaned_data["editors"][0]

    def clean_month(self) -> int | None:
        month = self.cleaned_data.get("month")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError("Enter a month from 1 to 12.")
        return month

    def clean_day(self) -> int | None:
        day = self.cleaned_data.get("day")
        if day is not None and not 1 <= day <= 31:
            raise forms.ValidationError("Enter a day from 1 to 31.")
        return day

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Enter the title.")
        return title

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        latest = datetime.date.today().year + 1
        if year is not None and not 1800 <= year <= latest:
            raise forms.ValidationError(f"Enter a year between 1800 and {latest}.")
        return year

    def clean_doi(self) -> str | None:
        return self._identifier("doi", normalize_doi, "DOI")

    def clean_pmid(self) -> str | None:
        return self._identifier("pmid", normalize_pmid, "PMID")

    def clean_key(self) -> str:
        key = clean_text(self.cleaned_data.get("key") or "").lower()
        if key and self._others().filter(key=key).exists():
            raise forms.ValidationError(f"The key “{key}” is already used by another reference.")
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(k) for k in ("key", "doi", "pmid")):
            raise forms.ValidationError(
                "Give a citation key, a DOI or a PMID, so the reference can be cited with a "
                "marker such as [@smith2024]."
            )
        return data

    def _others(self) -> Any:
        others = Reference.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others

    def _identifier(self, name: str, normalize: Any, label: str) -> str | None:
        raw = self.cleaned_data.get(name) or ""
        if not clean_text(raw):
            return None
        try:
            value = normalize(raw)
        except InvalidIdentifier as error:
            raise forms.ValidationError(str(error)) from None
        existing = self._others().filter(**{name: value}).first()
        if existing is not None:
            raise forms.ValidationError(
                f"The library already has this {label}: “{existing.title}”. Cite it instead of "
                "adding it again."
            )
        return value
