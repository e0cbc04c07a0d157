"""The "Staff members" role group (medewerkers): the staff area, to read their own feedback."""

from django.db import migrations


def create_group(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Staff members")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )


def remove_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name="Staff members").delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0010_broadcasts")]

    operations = [migrations.RunPython(create_group, remove_group)]
