"""Wagtail admin hooks for coding: the coding screen of a topic, its buttons and log."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button, ListingButton

from insights.rules import can_code
from insights.services import coding as coding_services
from insights.views import coding as coding_views
from projects.models import TopicPage


@hooks.register("register_admin_urls")
def register_coding_urls() -> list:
    return [
        path(
            "insights/topics/<int:topic_id>/coding/",
            coding_views.topic_coding,
            name="insights_topic_coding",
        ),
    ]


def _coding_buttons(page, user, button_class) -> list:
    if page.specific_class is not TopicPage or not can_code(user):
        return []
    return [
        button_class(
            pgettext_lazy("apply codes", "Code"),
            reverse("insights_topic_coding", args=[page.pk]),
            icon_name="tag",
            priority=15,
        )
    ]


@hooks.register("register_page_listing_buttons")
def coding_listing_buttons(page, user, next_url=None):
    yield from _coding_buttons(page, user, ListingButton)


@hooks.register("register_page_header_buttons")
def coding_header_buttons(page, user, view_name, next_url=None):
    yield from _coding_buttons(page, user, Button)


@hooks.register("register_log_actions")
def register_coding_log_actions(actions) -> None:
    for action, label, message in (
        (
            coding_services.LOG_CODED,
            gettext_lazy("Passage coded"),
            gettext_lazy("A code applied to a passage of a post"),
        ),
        (
            coding_services.LOG_UNCODED,
            gettext_lazy("Code taken off"),
            gettext_lazy("A code taken off a passage of a post"),
        ),
        (
            coding_services.LOG_DELETED,
            gettext_lazy("Excerpt deleted"),
            gettext_lazy("A coded passage deleted with its codes"),
        ),
        (
            coding_services.LOG_MEMO,
            gettext_lazy("Memo changed"),
            gettext_lazy("The memo of a coded passage changed"),
        ),
    ):
        actions.register_action(action, label, message)
