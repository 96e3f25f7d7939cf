"""Existing publications get what publish now writes: their kind, the page history up to
each, the article's audience and subject, and the references they cite (matched by DOI, then
PMID, from the frozen citation list)."""

from __future__ import annotations

from django.db import migrations


def backfill(apps, schema_editor):
    Publication = apps.get_model("articles", "Publication")
    PublicationReference = apps.get_model("articles", "PublicationReference")
    Reference = apps.get_model("references", "Reference")
    previous = None
    history: list[dict] = []
    for publication in Publication.objects.select_related("article").order_by("article_id", "number"):
        if previous is None or previous.article_id != publication.article_id:
            previous, history = None, []
        if previous is None:
            kind = "first"
        elif previous.revision == publication.revision:
            kind = "rereview"
        else:
            kind = "update"
        history = [
            {
                "number": publication.number,
                "published_at": publication.published_at.isoformat(),
                "kind": kind,
                "note": "",
            },
            *history,
        ]
        Publication.objects.filter(pk=publication.pk).update(
            kind=kind,
            page_history=history,
            audience=publication.article.audience,
            subject=publication.article.subject,
            author_names=[
                f"{user.first_name} {user.last_name}".strip() or user.username
                for user in publication.article.authors.all()
            ],
        )
        for entry in publication.citations or []:
            if not isinstance(entry, dict) or not entry.get("number"):
                continue
            reference = None
            if entry.get("doi"):
                reference = Reference.objects.filter(doi=entry["doi"]).first()
            if reference is None and entry.get("pmid"):
                reference = Reference.objects.filter(pmid=entry["pmid"]).first()
            if reference is not None:
                PublicationReference.objects.get_or_create(
                    publication=publication, number=entry["number"], defaults={"reference": reference}
                )
        previous = publication


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_readers_trust_publication_notes_citations_reports"),
        ("references", "0004_reference_status_changed_at"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
