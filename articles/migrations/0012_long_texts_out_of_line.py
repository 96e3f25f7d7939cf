"""On PostgreSQL, the long texts of articles, their history and publications are kept out
of the table's rows (TOAST) from 128 bytes instead of about 2 KB.

A compressed body of under 2 KB stayed in the row, so the lists and counts that read
article rows (the queue counts every active and live article) read the bodies too: 11 MB of
rows for 10,000 articles instead of under 2 MB. Rows move out as they are next written;
to move an existing site's rows at once: `UPDATE articles_article SET body = body || ''`
(and likewise `body` of articles_historicalarticle, `body_html` of articles_publication),
then `VACUUM FULL` on each table.
"""

from django.db import migrations

TABLES = ("articles_article", "articles_historicalarticle", "articles_publication")


def out_of_line(apps, schema_editor):  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 128)")


def in_line(apps, schema_editor):  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_list_order_indexes")]

    operations = [migrations.RunPython(out_of_line, in_line, elidable=False)]
