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
from typing import Any

from django import forms

from references.identifiers import (
    InvalidIdentifier,
    classify,
    clean_text,
    normalize_doi,
    normalize_pmid,
)
from references.models import Reference


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


class ReferenceForm(forms.ModelForm):
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
            "title",
            "authors",
            "journal",
            "journal_abbrev",
            "year",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "url",
            "publisher",
            "key",
        ]
        labels = {"key": "Citation key", "journal": "Journal (full NLM title)"}
        widgets = {"authors": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "doi": {
                "max_length": "A DOI is at most %(limit_value)d characters; this has %(show_value)d."
            },
            "title": {
                "max_length": "Keep the title to at most %(limit_value)d characters; it has %(show_value)d."
            },
        }

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
        data = super().clean()
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
