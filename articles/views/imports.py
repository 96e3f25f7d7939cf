"""Import references: upload or paste, see the preview, then confirm. Nothing is written before.

The preview's plan travels back signed (django.core.signing, bound to the person and valid for
an hour), so confirming writes exactly what was shown, and a preview that is abandoned,
tampered with or stale writes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from articles.views import common
from editorial import roles
from references import importing

SALT = "references.import.preview"
MAX_AGE = 60 * 60


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        required=False,
        help_text="RIS (.ris), BibTeX (.bib), CSL-JSON (.json) or PubMed/MEDLINE (.nbib, .txt).",
    )
    pasted = forms.CharField(
        label="Or paste DOIs and PMIDs, or the text of an export",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=importing.MAX_BYTES,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None and not (data.get("pasted") or "").strip():
            raise forms.ValidationError("Choose a file, or paste DOIs, PMIDs or an export.")
        if upload is not None and upload.size > importing.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: split it.")
        return data


def _text_of(form: ImportForm) -> tuple[str, str]:
    upload = form.cleaned_data.get("file")
    if upload is None:
        return form.cleaned_data["pasted"], ""
    raw = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), upload.name
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace"), upload.name


@login_required
def import_references(request: HttpRequest) -> HttpResponse:
    common.require_writer(request.user)
    may_fill = roles.is_editor(request.user)
    if request.method == "POST" and "plan" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "may_fill": may_fill}
    if request.method == "POST" and form.is_valid():
        text, name = _text_of(form)
        try:
            reading = importing.read(text, name)
        except importing.ImportRefused as refused:
            form.add_error(None, str(refused))
            return render(request, "references/import.html", context, status=400)
        steps = importing.plan(reading.entries, may_fill=may_fill)
        context.update(
            {
                "reading": reading,
                "format": importing.FORMATS[reading.format],
                "steps": steps,
                "counts": importing.counts(steps),
                "signed_plan": signing.dumps(
                    {"user": request.user.pk, "steps": steps}, salt=SALT, compress=True
                ),
            }
        )
        return render(request, "references/import_preview.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "references/import.html", context, status=status)


def _confirm(request: HttpRequest) -> HttpResponse:
    if "cancel" in request.POST:
        messages.info(request, "Import cancelled: nothing was added or changed.")
        return redirect("articles:import_references")
    try:
        data = signing.loads(request.POST["plan"], salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        messages.error(
            request,
            "That preview has expired or was changed: nothing was imported. Upload the file again.",
        )
        return redirect("articles:import_references")
    if data.get("user") != request.user.pk:
        messages.error(request, "That preview was made by someone else: nothing was imported.")
        return redirect("articles:import_references")
    steps = data["steps"]
    if not roles.is_editor(request.user):  # roles may have changed since the preview
        steps = [s for s in steps if s["action"] != "update"]
    done = importing.apply(steps)
    messages.success(
        request,
        f"Imported: {done.added} added, {done.updated} updated, {done.skipped} already in the "
        "library.",
    )
    return redirect("articles:reference_library")
