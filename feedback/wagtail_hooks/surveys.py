"""Survey questions per channel, edited by administrators as new versions; and the way from
the admin to the staff member's phone page that hands out an invitation."""

from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from feedback.rules import can_create_invitation, can_manage_organisation
from feedback.views import survey_versions


class SurveyQuestionsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_manage_organisation(request.user)


class InviteParentMenuItem(MenuItem):
    """The phone page lives outside the admin (a public staff page in the user's language)."""

    def is_shown(self, request) -> bool:
        return can_create_invitation(request.user)


@hooks.register("register_admin_urls")
def register_survey_version_urls() -> list:
    return [
        path(
            "feedback/survey-questions/",
            survey_versions.admin_survey_versions,
            name="feedback_admin_survey_versions",
        ),
        path(
            "feedback/survey-questions/<str:channel>/",
            survey_versions.admin_survey_version_edit,
            name="feedback_admin_survey_version_edit",
        ),
    ]


@hooks.register("register_feedback_menu_item")
def register_invite_parent_menu_item() -> MenuItem:
    return InviteParentMenuItem(
        _("Invite a parent"),
        # Lazy: the menu is built once, the page's address follows the reader's language.
        reverse_lazy("feedback_staff_invitation"),
        name="feedback-invite-parent",
        icon_name="mobile-alt",
        order=100,
    )


@hooks.register("register_feedback_menu_item")
def register_survey_questions_menu_item() -> MenuItem:
    return SurveyQuestionsMenuItem(
        _("Survey questions"),
        reverse("feedback_admin_survey_versions"),
        name="feedback-survey-questions",
        icon_name="help",
        order=800,
    )
