"""Create the staff role groups with the permissions each role needs.

Wagtail's own "Editors" group is removed and its "Moderators" group is taken over without
page permissions: moderators moderate what parents write, not the page tree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_GROUPS = ["Researchers", "Moderators", "Team leads", "Complaints officers", "Administrators"]
MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
ADMIN_MODEL_PERMISSIONS = {
    "community": ["user"],
    "auth": ["group"],
    "wagtailcore": ["site", "collection"],
    "wagtailredirects": ["redirect"],
}


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_role_groups(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    ensure_permissions(apps)

    Group.objects.filter(name="Editors").delete()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
    GroupPagePermission.objects.filter(group=groups["Moderators"]).delete()
    GroupCollectionPermission.objects.filter(group=groups["Moderators"]).delete()

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in groups.values():
        group.permissions.set([access_admin])

    root_collection = Collection.objects.filter(depth=1).first()
    for group_name in ("Researchers", "Administrators"):
        for app_label, codenames in MEDIA_PERMISSIONS.items():
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            ):
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[group_name], collection=root_collection, permission=permission
                )

    administrators = groups["Administrators"]
    for app_label, models in ADMIN_MODEL_PERMISSIONS.items():
        administrators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


def remove_role_groups(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
