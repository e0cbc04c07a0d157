"""Wagtail admin hooks for blind double coding: coding rounds, their buttons and log."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from insights.rules import can_list_coding_rounds, can_request_double_coding
from insights.views import rounds as round_views
from projects.models import TopicPage


class CodingRoundsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_list_coding_rounds(request.user)


@hooks.register("register_admin_urls")
def register_round_urls() -> list:
    return [
        path("insights/rounds/", round_views.admin_coding_rounds, name="insights_admin_rounds"),
        path(
            "insights/rounds/new/",
            round_views.admin_coding_round_start,
            name="insights_admin_round_start",
        ),
        path(
            "insights/rounds/<int:round_id>/",
            round_views.admin_coding_round,
            name="insights_admin_round",
        ),
        path(
            "insights/rounds/<int:round_id>/code/",
            round_views.admin_coding_round_code,
            name="insights_admin_round_code",
        ),
        path(
            "insights/rounds/<int:round_id>/done/",
            round_views.admin_coding_round_done,
            name="insights_admin_round_done",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_round_menu_item():
    return CodingRoundsMenuItem(
        gettext_lazy("My coding rounds"),
        reverse("insights_admin_rounds"),
        icon_name="tasks",
        order=270,
    )


def _round_buttons(page, user) -> list:
    if page.specific_class is not TopicPage or not can_request_double_coding(user):
        return []
    return [
        Button(
            gettext_lazy("Blind double coding"),
            f"{reverse('insights_admin_round_start')}?topic={page.pk}",
            icon_name="tasks",
            priority=28,
        )
    ]


@hooks.register("register_page_listing_more_buttons")
def round_listing_buttons(page, user, next_url=None):
    yield from _round_buttons(page, user)


@hooks.register("register_page_header_buttons")
def round_header_buttons(page, user, view_name, next_url=None):
    yield from _round_buttons(page, user)


@hooks.register("register_log_actions")
def register_round_log_actions(actions) -> None:
    actions.register_action(
        "insights.coding_round_started",
        gettext_lazy("Blind coding round started"),
        gettext_lazy("Two coders were asked to code a topic blind"),
    )
    actions.register_action(
        "insights.coding_round_done",
        gettext_lazy("Blind coding done"),
        gettext_lazy("A coder marked their blind coding of a topic done"),
    )
