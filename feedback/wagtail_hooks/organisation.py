"""Regions, teams and staff members, managed by administrators with Wagtail's ModelViewSet.

Who may see or change them is feedback.rules.can_manage_organisation alone, through
OrganisationPermissionPolicy (no group needs Django model permissions): the menu items, every
view of the viewsets and their direct URLs answer to it.

Regions, teams and staff members with feedback are protected by the database (PROTECT):
their delete view says so instead of failing, and deleting the account of a staff member is
refused in the Users admin (see feedback.personal_data).
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from community.models import Role, User
from feedback.forms.organisation import LeadsForm, StaffMemberForm
from feedback.models import Region, StaffMember, Team
from feedback.rules import can_manage_organisation
from feedback.services.organisation import staff_member_role_give
from feedback.views.request_roles import user_roles_remember


def _may_manage(user: User) -> bool:
    user_roles_remember(user)  # asked once per button of every row: one groups query in all
    return can_manage_organisation(user)


class OrganisationPermissionPolicy(BasePermissionPolicy):
    """Every action on regions, teams and staff members: administrators (second factor)."""

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
            Q(is_superuser=True) | Q(groups__name=Role.ADMIN), is_active=True
        ).distinct()


for _model in (Region, Team, StaffMember):
    register_permission_policy(_model, OrganisationPermissionPolicy(_model))


class ProtectedDeleteView(DeleteView):
    """Deleting something the database protects (a team with staff members, a staff member
    with feedback) shows why, instead of an error page."""

    in_use_message = ""

    def form_valid(self, form) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, str(self.in_use_message))
            return redirect(self.get_success_url())


class RegionDeleteView(ProtectedDeleteView):
    in_use_message = _("This region still has teams or feedback: it cannot be deleted.")


class TeamDeleteView(ProtectedDeleteView):
    in_use_message = _(
        "This team still has staff members, feedback or follow-up items: it cannot be deleted."
    )


class StaffMemberDeleteView(ProtectedDeleteView):
    in_use_message = _(
        "This staff member has contacts or feedback: it cannot be deleted. Untick “active” instead."
    )


class StaffMemberCreateView(CreateView):
    def save_instance(self) -> StaffMember:
        staff_member = super().save_instance()
        staff_member_role_give(staff_member=staff_member)
        return staff_member


class StaffMemberEditView(EditView):
    def save_instance(self) -> StaffMember:
        staff_member = super().save_instance()
        staff_member_role_give(staff_member=staff_member)
        return staff_member


class LeadsColumn(Column):
    """The leads' addresses, from the prefetched relation (no query per row)."""

    def get_value(self, instance) -> str:
        return ", ".join(sorted(lead.email for lead in instance.leads.all()))


class OrganisationViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    icon = "group"

    def list_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_index_view_kwargs(self, **kwargs) -> dict:
        # Each row's leads, team and account come with the page: no query per row.
        return super().get_index_view_kwargs(queryset=self.list_queryset(), **kwargs)


class RegionViewSet(OrganisationViewSet):
    model = Region
    name = "feedback_regions"
    url_prefix = "feedback/regions"
    icon = "site"
    delete_view_class = RegionDeleteView
    list_display = ["name", LeadsColumn("leads", label=_("Region leads"))]
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("leads")], base_form_class=LeadsForm)

    def list_queryset(self) -> QuerySet[Region]:
        return Region.objects.prefetch_related("leads")


class TeamViewSet(OrganisationViewSet):
    model = Team
    name = "feedback_teams"
    url_prefix = "feedback/teams"
    delete_view_class = TeamDeleteView
    list_display = ["name", "region", LeadsColumn("leads", label=_("Team leads"))]
    list_filter = ["region"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("region"), FieldPanel("leads")],
        base_form_class=LeadsForm,
    )

    def list_queryset(self) -> QuerySet[Team]:
        return Team.objects.select_related("region").prefetch_related("leads")


class StaffMemberViewSet(OrganisationViewSet):
    model = StaffMember
    name = "feedback_staff_members"
    url_prefix = "feedback/staff-members"
    icon = "user"
    add_view_class = StaffMemberCreateView
    edit_view_class = StaffMemberEditView
    delete_view_class = StaffMemberDeleteView
    list_display = [
        "display_name",
        "staff_number",
        "team",
        Column("user", label=_("Account")),
        BooleanColumn("active", label=_("Active")),
    ]
    list_filter = ["team", "active"]
    edit_handler = ObjectList(
        [
            FieldPanel("user"),
            FieldPanel("display_name"),
            FieldPanel("staff_number"),
            FieldPanel("team"),
            FieldPanel("active"),
        ],
        base_form_class=StaffMemberForm,
    )

    def list_queryset(self) -> QuerySet[StaffMember]:
        return StaffMember.objects.select_related("user", "team__region")


region_viewset = RegionViewSet()
team_viewset = TeamViewSet()
staff_member_viewset = StaffMemberViewSet()


@hooks.register("register_admin_viewset")
def register_organisation_viewsets() -> list[ModelViewSet]:
    return [region_viewset, team_viewset, staff_member_viewset]


class OrganisationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_manage_organisation(request.user)


def _menu_item(viewset: ModelViewSet, label, order: int) -> MenuItem:
    return OrganisationMenuItem(
        label,
        viewset.menu_url,
        name=viewset.name.replace("_", "-"),
        icon_name=viewset.icon,
        order=order,
    )


@hooks.register("register_feedback_menu_item")
def register_regions_menu_item() -> MenuItem:
    return _menu_item(region_viewset, _("Regions"), 800)


@hooks.register("register_feedback_menu_item")
def register_teams_menu_item() -> MenuItem:
    return _menu_item(team_viewset, _("Teams"), 810)


@hooks.register("register_feedback_menu_item")
def register_staff_members_menu_item() -> MenuItem:
    return _menu_item(staff_member_viewset, _("Staff members"), 820)


@hooks.register("before_delete_user")
def staff_member_account_delete_refuse(request: HttpRequest, user: User) -> HttpResponse | None:
    """The account of a staff member is not deleted while its staff-member record exists
    (StaffMember.user is PROTECT): delete the staff member first when it served no one, or
    make both inactive (feedback.personal_data explains why)."""
    staff = StaffMember.objects.filter(user=user).first()
    if staff is None:
        return None
    messages.error(
        request,
        gettext(
            "%(email)s is the account of staff member %(name)s. Delete the staff member first "
            "(possible while they have no feedback), or make the staff member and the account "
            "inactive."
        )
        % {"email": user.email, "name": staff.display_name},
    )
    return redirect(staff_member_viewset.get_url_name("edit"), staff.pk)
