"""Researchers and administrators manage segments; administrators edit and publish the terms
and the privacy notice."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEGMENT_CODENAMES = ["add_segment", "change_segment", "delete_segment", "view_segment"]
CONSENT_CODENAMES = [
    "add_consentdocument",
    "change_consentdocument",
    "delete_consentdocument",
    "view_consentdocument",
    "publish_consentdocument",
]


def grant(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_config = apps.get_app_config("community")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    # Wagtail adds "publish" for draft-enabled snippets only after migrating; create it now.
    document_type, _created = ContentType.objects.get_or_create(
        app_label="community", model="consentdocument"
    )
    Permission.objects.get_or_create(
        content_type=document_type,
        codename="publish_consentdocument",
        defaults={"name": "Can publish consent document"},
    )

    segment_permissions = Permission.objects.filter(
        content_type__app_label="community", codename__in=SEGMENT_CODENAMES
    )
    consent_permissions = Permission.objects.filter(
        content_type__app_label="community", codename__in=CONSENT_CODENAMES
    )
    for group in Group.objects.filter(name__in=["Researchers", "Administrators"]):
        group.permissions.add(*segment_permissions)
    for group in Group.objects.filter(name="Administrators"):
        group.permissions.add(*consent_permissions)


def revoke(apps, schema_editor) -> None:
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(
        content_type__app_label="community",
        codename__in=SEGMENT_CODENAMES + CONSENT_CODENAMES,
    ):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_members"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
