"""Wagtail admin for projects: the research team's dashboard, post search, statistics and
export, the moderation queue, and inviting a project's audience."""

from django.contrib.auth.models import Permission
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from projects import admin_home, page_creation
from projects.models import ProjectPage
from projects.moderation_admin import moderation_queue
from projects.rules import can_invite_audience, can_search_all_posts, can_view_project_statistics
from projects.services.moderation import user_can_moderate
from projects.views import invitations as invitation_views
from projects.views import search as search_views
from projects.views import statistics as statistics_views

# --- the dashboard ---


@hooks.register("construct_homepage_panels")
def add_research_panels(request, panels: list) -> None:
    panels.extend(admin_home.panels_for(request))


# --- creating pages: one page per form, and labelled rich text fields ---


@hooks.register("before_create_page")
def forward_to_the_page_this_form_created(request, parent_page, page_class):
    return page_creation.page_creation_forward(request, parent_page, page_class)


@hooks.register("after_create_page")
def remember_the_page_this_form_created(request, page) -> None:
    page_creation.page_creation_remember(request, page)


@hooks.register("insert_editor_js")
def editor_js() -> str:
    return format_html('<script src="{}"></script>', static("js/admin_page_form.js"))


# --- search, statistics and export ---


class PostSearchMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_search_all_posts(request.user)


@hooks.register("register_admin_urls")
def register_search_statistics_export_urls() -> list:
    return [
        path(
            "projects/posts/search/",
            search_views.admin_post_search,
            name="projects_admin_post_search",
        ),
        path(
            "projects/<int:project_id>/statistics/",
            statistics_views.admin_project_statistics,
            name="projects_admin_statistics",
        ),
        # The export buttons (projects_admin_export) start an export job: its address is
        # registered by insights (insights.wagtail_hooks.exports), which owns the jobs.
    ]


@hooks.register("register_admin_menu_item")
def register_post_search_menu_item() -> MenuItem:
    return PostSearchMenuItem(
        _("Search posts"),
        reverse("projects_admin_post_search"),
        icon_name="search",
        order=310,
    )


# --- moderation (queue, audit log actions, the moderate_post permission) ---


class ModerationMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_can_moderate(request.user)


@hooks.register("register_admin_urls")
def register_moderation_urls() -> list:
    return [path("moderation/", moderation_queue, name="moderation_queue")]


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item() -> MenuItem:
    return ModerationMenuItem(
        _("Moderation"), reverse("moderation_queue"), icon_name="warning", order=250
    )


@hooks.register("register_permissions")
def register_moderation_permission():
    # Lets administrators give or take the permission on a group's page in the admin.
    return Permission.objects.filter(content_type__app_label="projects", codename="moderate_post")


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions) -> None:
    for action, label, message in (
        ("projects.post_approved", _("Post approved"), _("Post approved by a moderator")),
        ("projects.post_hidden", _("Post hidden"), _("Post hidden by a moderator")),
        ("projects.post_restored", _("Post restored"), _("Post restored by a moderator")),
        ("projects.post_noted", _("Moderator note"), _("Note about a post added by a moderator")),
    ):
        actions.register_action(action, label, message)


def _statistics_button(page, user) -> Button | None:
    if page.specific_class is not ProjectPage or not can_view_project_statistics(user):
        return None
    return Button(
        _("Statistics"),
        reverse("projects_admin_statistics", args=[page.pk]),
        icon_name="table",
        priority=25,
    )


# --- invitations (a researcher invites a project's audience) ---


@hooks.register("register_admin_urls")
def register_invitation_urls() -> list:
    return [
        path(
            "projects/<int:project_id>/invite/",
            invitation_views.admin_project_invite,
            name="projects_admin_invite",
        ),
    ]


def _invite_button(page, user) -> Button | None:
    if page.specific_class is not ProjectPage or not page.live:
        return None
    if not can_invite_audience(user, page.specific_deferred):
        return None
    return Button(
        _("Invite the audience"),
        reverse("projects_admin_invite", args=[page.pk]),
        icon_name="mail",
        priority=26,
    )


def _project_buttons(page, user) -> list[Button]:
    buttons = (_statistics_button(page, user), _invite_button(page, user))
    return [button for button in buttons if button is not None]


@hooks.register("register_page_header_buttons")
def project_header_buttons(page, user, view_name, next_url=None):
    yield from _project_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def project_listing_buttons(page, user, next_url=None):
    yield from _project_buttons(page, user)
