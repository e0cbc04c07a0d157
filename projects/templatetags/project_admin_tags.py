"""Template tags for the Wagtail admin: the buttons a project's edit page shows in its header,
next to the breadcrumbs (not only in the "Actions" menu)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import HeaderButton
from wagtail.models import Page

from community.models import User
from projects.models import ProjectPage
from projects.rules import can_view_project_statistics

register = template.Library()


@register.simple_tag
def project_header_buttons(page: Page | None, user: User) -> list[HeaderButton]:
    """Statistics, one click from the project's page in the admin."""
    if page is None or page.pk is None or page.specific_class is not ProjectPage:
        return []
    if not can_view_project_statistics(user):
        return []
    return [
        HeaderButton(
            _("Statistics"),
            reverse("projects_admin_statistics", args=[page.pk]),
            icon_name="table",
            attrs={"data-project-statistics": ""},
        )
    ]
