"""Existing approvals' free-text declarations become structured: "none" stays none; any
other text is kept, word for word, as the statement of an "other" interest."""

from django.db import migrations


def structure(apps, schema_editor):
    Review = apps.get_model("articles", "Review")
    declared = Review.objects.exclude(conflict_of_interest="").filter(conflict_category="")
    for review in declared.iterator():
        text = review.conflict_of_interest.strip()
        review.conflict_category = "none" if text.lower() in ("none", "none.", "no") else "other"
        review.save(update_fields=["conflict_category"])


def unstructure(apps, schema_editor):
    apps.get_model("articles", "Review").objects.update(conflict_category="")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_review_assignments_checklist_points_notification_settings")]

    operations = [migrations.RunPython(structure, unstructure)]
