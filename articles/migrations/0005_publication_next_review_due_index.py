"""An index on Publication.next_review_due: the queue's "Re-review due" and flag_due_reviews
find the ~20 % of live articles past their date without scanning every publication (a
wide table: each row holds the rendered article).

Raw SQL so that it changes no model state: the model (articles/models.py) may later declare
it in Meta.indexes under the same name, replacing this migration's operation.
"""

from django.db import migrations

INDEX = "articles_publication_next_review_due_idx"


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_review_round_approved_rendering")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_publication (next_review_due)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
