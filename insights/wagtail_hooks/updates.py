"""Wagtail admin hooks for public updates: writing, publishing and their log."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from insights.rules import can_write_updates
from insights.views import updates_admin


class PublicUpdatesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_write_updates(request.user)


@hooks.register("register_admin_urls")
def register_update_urls() -> list:
    return [
        path("insights/updates/", updates_admin.admin_update_index, name="insights_admin_updates"),
        path(
            "insights/<int:insight_id>/updates/new/",
            updates_admin.admin_update_create,
            name="insights_admin_update_create",
        ),
        path(
            "insights/updates/<int:pk>/",
            updates_admin.admin_update_edit,
            name="insights_admin_update_edit",
        ),
        path(
            "insights/updates/<int:pk>/publish/",
            updates_admin.admin_update_publish,
            name="insights_admin_update_publish",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_update_menu_item() -> MenuItem:
    return PublicUpdatesMenuItem(
        gettext_lazy("Public updates"),
        reverse("insights_admin_updates"),
        icon_name="doc-full",
        order=340,
    )


@hooks.register("register_log_actions")
def register_update_log_actions(actions) -> None:
    for action, label, message in (
        (
            "insights.update_created",
            gettext_lazy("Public update written"),
            gettext_lazy("Public update written as a draft"),
        ),
        (
            "insights.update_edited",
            gettext_lazy("Public update changed"),
            gettext_lazy("Public update changed"),
        ),
        (
            "insights.update_published",
            gettext_lazy("Public update published"),
            gettext_lazy("Public update published; parents told"),
        ),
    ):
        actions.register_action(action, label, message)
