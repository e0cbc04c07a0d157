"""Moderators and administrators work the moderation queue: the "moderate_post" permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_GROUPS = ["Moderators", "Administrators"]


def grant(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    permission = Permission.objects.get(
        content_type__app_label="projects", codename="moderate_post"
    )
    for group in Group.objects.filter(name__in=MODERATOR_GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor) -> None:
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="projects", codename="moderate_post").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_participation"),
        ("community", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="moderationdecision",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [("moderate_post", "Can moderate posts")],
                "verbose_name": "moderation decision",
                "verbose_name_plural": "moderation decisions",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
