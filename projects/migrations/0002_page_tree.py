"""Replace Wagtail's welcome page with the portal's home page and project index.

Researchers get their page permissions on the project index here, because that page is
created here.
"""

import uuid

from django.db import migrations

RESEARCHER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "delete_page",
]


def create_page_tree(apps, schema_editor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("projects", "HomePage")
    ProjectIndexPage = apps.get_model("projects", "ProjectIndexPage")

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2).delete()
    locale = Locale.objects.order_by("pk").first()
    common = {"locale": locale, "live": True, "has_unpublished_changes": False}

    home = HomePage.objects.create(
        title="Meet the Parents",
        draft_title="Meet the Parents",
        title_en="Meet the Parents",
        slug="home",
        content_type=ContentType.objects.get_for_model(HomePage),
        path="00010001",
        depth=2,
        numchild=1,
        url_path="/home/",
        translation_key=uuid.uuid4(),
        **common,
    )
    project_index = ProjectIndexPage.objects.create(
        title="Projecten",
        draft_title="Projecten",
        title_en="Projects",
        slug="projecten",
        content_type=ContentType.objects.get_for_model(ProjectIndexPage),
        path="000100010001",
        depth=3,
        numchild=0,
        url_path="/home/projecten/",
        show_in_menus=True,
        translation_key=uuid.uuid4(),
        **common,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(
        hostname="localhost",
        port=80,
        site_name="Meet the Parents",
        root_page=home,
        is_default_site=True,
    )

    researchers = Group.objects.get(name="Researchers")
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=RESEARCHER_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.create(
            group=researchers, page=project_index, permission=permission
        )

    administrators = Group.objects.get(name="Administrators")
    root = Page.objects.get(depth=1)
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=[*RESEARCHER_PAGE_PERMISSIONS, "bypass_workflow_page"],
    ):
        GroupPagePermission.objects.create(group=administrators, page=root, permission=permission)


def remove_page_tree(apps, schema_editor) -> None:
    apps.get_model("projects", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("community", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_page_tree, remove_page_tree)]
