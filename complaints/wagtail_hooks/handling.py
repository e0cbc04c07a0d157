"""Complaints admin: handling. The complaints list and each complaint's page with its steps,
the letter templates (a ModelViewSet for whom rules.can_manage_letter_templates allows) and
"Complaints about me" for a staff member whose complaint's outcome was shared with them."""

from django.db.models import QuerySet
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from community.models import Role, User
from complaints.forms.letters import AnswerTemplateForm
from complaints.models import AnswerTemplate
from complaints.rules import (
    can_manage_letter_templates,
    can_open_complaints,
    can_view_complaints_about_me,
)
from complaints.views import actions, handling, subject
from feedback.views.request_roles import user_roles_remember


@hooks.register("register_admin_urls")
def register_handling_urls() -> list:
    return [
        path("complaints/", handling.complaint_list, name="complaints_admin_list"),
        path(
            "complaints/about-me/",
            subject.complaints_about_me_view,
            name="complaints_admin_about_me",
        ),
        path(
            "complaints/<int:pk>/",
            handling.complaint_detail,
            name="complaints_admin_complaint",
        ),
        path(
            "complaints/<int:pk>/<slug:action>/",
            actions.complaint_action,
            name="complaints_admin_complaint_action",
        ),
    ]


class RuleMenuItem(MenuItem):
    """A Complaints submenu item shown to whom its rule allows."""

    def __init__(self, *args, rule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request) -> bool:
        return self.rule(request.user)


@hooks.register("register_complaints_menu_item")
def register_complaints_list_menu_item() -> MenuItem:
    return RuleMenuItem(
        _("Complaints"),
        reverse("complaints_admin_list"),
        name="complaints-list",
        icon_name="list-ul",
        order=100,
        rule=can_open_complaints,
    )


# Complaints are about the people who serve parents: only their accounts are asked, so the
# admin pages of every other role cost no query for this item.
SERVING_ROLES = (Role.STAFF_MEMBER, Role.TEAM_LEAD)


class AboutMeMenuItem(MenuItem):
    """Shown to a staff member or team lead with a shared outcome of a complaint about them.
    Asks the database once per request (the menu is drawn more than once)."""

    def is_shown(self, request) -> bool:
        if not hasattr(request, "_complaints_about_me"):
            user = request.user
            user_roles_remember(user)
            request._complaints_about_me = any(
                user.has_role(role) for role in SERVING_ROLES
            ) and can_view_complaints_about_me(user)
        return request._complaints_about_me


@hooks.register("register_complaints_menu_item")
def register_about_me_menu_item() -> MenuItem:
    return AboutMeMenuItem(
        _("Complaints about me"),
        reverse("complaints_admin_about_me"),
        name="complaints-about-me",
        icon_name="user",
        order=900,
    )


# --- letter templates ---


def _may_manage(user: User) -> bool:
    user_roles_remember(user)
    return can_manage_letter_templates(user)


class LetterTemplatePermissionPolicy(BasePermissionPolicy):
    """Every action on letter templates: the complaints leads and administrators."""

    def user_has_permission(self, user: User, action: str) -> bool:
        return _may_manage(user)

    def user_has_any_permission(self, user: User, actions: list[str]) -> bool:
        return _may_manage(user)

    def user_has_permission_for_instance(self, user: User, action: str, instance) -> bool:
        return _may_manage(user)

    def user_has_any_permission_for_instance(
        self, user: User, actions: list[str], instance
    ) -> bool:
        return _may_manage(user)

    def instances_user_has_any_permission_for(self, user: User, actions: list[str]) -> QuerySet:
        if _may_manage(user):
            return self.model.objects.all()
        return self.model.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet:
        return User.objects.filter(
            groups__name__in=[Role.COMPLAINTS_LEAD, Role.ADMIN], is_active=True
        ).distinct()


register_permission_policy(AnswerTemplate, LetterTemplatePermissionPolicy(AnswerTemplate))


class LetterTemplateViewSet(ModelViewSet):
    model = AnswerTemplate
    name = "complaints_letter_templates"
    url_prefix = "complaints/letter-templates"
    icon = "doc-full"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "kind", "language", BooleanColumn("active", label=_("In use"))]
    list_filter = ["kind", "language", "active"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("language"),
            FieldPanel("subject"),
            FieldPanel("body"),
            FieldPanel("active"),
        ],
        base_form_class=AnswerTemplateForm,
    )


letter_template_viewset = LetterTemplateViewSet()


@hooks.register("register_admin_viewset")
def register_letter_template_viewset() -> ModelViewSet:
    return letter_template_viewset


@hooks.register("register_complaints_menu_item")
def register_letter_templates_menu_item() -> MenuItem:
    return RuleMenuItem(
        _("Letter templates"),
        letter_template_viewset.menu_url,
        name="complaints-letter-templates",
        icon_name="doc-full",
        order=800,
        rule=can_manage_letter_templates,
    )
