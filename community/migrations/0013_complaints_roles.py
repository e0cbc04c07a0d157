"""The complaints lead (assigns complaints, sees them all) and the designated safeguarding
officer (told at once when a complaint raises a concern about a child's safety). Both work in
the admin, like complaints officers."""

from django.db import migrations

GROUPS = ["Complaints leads", "Safeguarding officers"]


def create_groups(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)


def remove_groups(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0012_notification_kinds_feedback")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
