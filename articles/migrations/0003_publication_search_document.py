"""Full-text search over what readers see (PostgreSQL only).

A stored generated column, `search_document`, holds the weighted tsvector of each
publication's title (A), summary (B) and rendered body (D), with a GIN index. PostgreSQL
computes it when the row is inserted, so the immutable Publication is never updated for it
and the Django model does not declare it: the public search view reads it with RawSQL.
The HTML tags in body_html are skipped by the default text-search parser. On SQLite the
migration does nothing; the search view falls back to icontains there.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body_html, '')), 'D')"
)


def add_search_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE articles_publication ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX articles_publication_search_document_gin "
        "ON articles_publication USING gin (search_document)"
    )


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS articles_publication_search_document_gin")
    schema_editor.execute("ALTER TABLE articles_publication DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_document, drop_search_document, elidable=False),
    ]
