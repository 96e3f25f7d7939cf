"""On PostgreSQL, a trigram index on the upper-cased title, for the working lists' "search
by title" (`icontains`, which Django writes as `UPPER(title) LIKE UPPER('%words%')`).

Without it every search read and upper-cased every title: 14 ms of the review queue's
search at 10,500 articles, 2.7 ms with it (docs/performance.md). pg_trgm ships with
PostgreSQL and is a trusted extension (PostgreSQL 13+): the database's owner may create it.
SQLite has nothing to do.
"""

from django.db import migrations

INDEX = "article_title_search_idx"


def create(apps, schema_editor):  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article "
        "USING gin (UPPER(title) gin_trgm_ops)"
    )


def drop(apps, schema_editor):  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_review_due_index_with_id")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
