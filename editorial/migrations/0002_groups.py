"""The three roles as groups, with the admin permissions editors need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "articles": ["view_article", "add_article", "change_article", "view_reviewround", "view_review",
                 "view_comment", "view_workflowevent", "view_publication"],
    "editorial": ["view_editorialpolicy", "add_editorialpolicy", "change_editorialpolicy",
                  "view_boardprofile", "add_boardprofile", "change_boardprofile"],
    "references": ["view_reference", "add_reference", "change_reference"],
    "auth": ["view_user", "add_user", "change_user", "view_group"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ("Authors", "Medical Advisory Board"):
        Group.objects.get_or_create(name=name)
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Authors", "Medical Advisory Board", "Editors"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0002_initial"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
