"""Regions, teams and staff members in the Wagtail admin: administrators only (direct URLs
too); leads need the team-lead role; a saved staff member's account gets the staff-member
role; what the database protects is refused with a message; staff accounts' personal data."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Role
from community.personal_data import SOURCES
from community.services.accounts import account_delete
from feedback.models import FollowUp, FollowUpEvent, Region, StaffMember, Team
from feedback.services.followups import follow_up_assign
from tests.community.factories import UserFactory
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import StaffMemberFactory, response_for

pytestmark = pytest.mark.django_db

VIEWSETS = ["feedback_regions", "feedback_teams", "feedback_staff_members"]
# The admin's own queries (session, permissions, menu, the filter's choices) and ours: the
# count, the page with its teams, regions and accounts, the leads.
STAFF_LIST_QUERY_BUDGET = 13
TEAM_LIST_QUERY_BUDGET = 13


def _denied(response) -> bool:
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and (response["Location"] == "/admin/" or "/login/" in response["Location"])
    )


def _instance(viewset: str, region, team, staff):
    return {"feedback_regions": region, "feedback_teams": team, "feedback_staff_members": staff}[
        viewset
    ]


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
@pytest.mark.parametrize("viewset", VIEWSETS)
@pytest.mark.parametrize("view", ["index", "add", "edit", "delete", "history"])
def test_only_administrators_open_the_organisation_pages(
    client_for_role, role, viewset, view, region, team, staff, other_staff
):
    args = [] if view in {"index", "add"} else [_instance(viewset, region, team, staff).pk]

    response = client_for_role(role).get(reverse(f"{viewset}:{view}", args=args))

    if role == "admin":
        assert response.status_code == HTTPStatus.OK
    else:
        assert _denied(response), response.status_code


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_administrators_change_the_organisation(client_for_role, role, region, team, staff):
    client = client_for_role(role)

    client.post(reverse("feedback_regions:add"), {"name": "Limburg"})
    client.post(reverse("feedback_teams:edit", args=[team.pk]), {"name": "X", "region": region.pk})
    client.post(reverse("feedback_staff_members:delete", args=[staff.pk]))

    changed = (
        Region.objects.filter(name="Limburg").exists(),
        Team.objects.filter(name="X").exists(),
        not StaffMember.objects.filter(pk=staff.pk).exists(),
    )
    assert changed == ((True, True, True) if role == "admin" else (False, False, False))


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_the_menu_shows_organisation_items_to_administrators_only(client_for_role, role):
    if role in {"anonymous", "parent", "other_parent"}:
        return  # no admin at all
    html = client_for_role(role).get(reverse("wagtailadmin_home")).content.decode()

    assert (reverse("feedback_teams:index") in html) == (role == "admin")


def test_saving_a_staff_member_gives_the_account_the_role(client_for_role, team):
    account = UserFactory(email="nieuw@example.org", roles=[Role.COMPLAINTS_OFFICER], pseudonym="")
    client = client_for_role("admin")

    response = client.post(
        reverse("feedback_staff_members:add"),
        {
            "user": account.pk,
            "display_name": "Vroedvrouw Dina",
            "staff_number": "KG09999",
            "team": team.pk,
            "active": "on",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    staff = StaffMember.objects.get(staff_number="KG09999")
    assert staff.user == account
    assert set(account.roles) == {Role.COMPLAINTS_OFFICER, Role.STAFF_MEMBER}


def test_a_parent_account_is_not_offered_as_staff_member(client_for_role, team, parent):
    response = client_for_role("admin").post(
        reverse("feedback_staff_members:add"),
        {"user": parent.pk, "display_name": "X", "staff_number": "KG1", "team": team.pk},
    )

    assert response.status_code == HTTPStatus.OK
    codes = [error.code for error in response.context["form"].errors.as_data()["user"]]
    assert codes == ["invalid_choice"]
    assert not StaffMember.objects.exists()
    assert Role.STAFF_MEMBER not in parent.roles


def test_a_duplicate_staff_number_is_refused_and_the_input_kept(client_for_role, staff, team):
    account = UserFactory(email="dubbel@example.org", roles=[Role.STAFF_MEMBER], pseudonym="")

    response = client_for_role("admin").post(
        reverse("feedback_staff_members:add"),
        {"user": account.pk, "display_name": "Ella", "staff_number": "KG00001", "team": team.pk},
    )

    assert response.status_code == HTTPStatus.OK
    assert [e.code for e in response.context["form"].errors.as_data()["staff_number"]] == ["unique"]
    assert 'value="Ella"' in response.content.decode()


@pytest.mark.parametrize("viewset", ["feedback_regions", "feedback_teams"])
def test_leads_need_the_team_lead_role(client_for_role, viewset, region, team, researcher):
    data = {"name": "Nieuw", "leads": [researcher.pk]}
    if viewset == "feedback_teams":
        data["region"] = region.pk

    response = client_for_role("admin").post(reverse(f"{viewset}:add"), data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["leads"]] == ["not_team_lead"]
    assert not Region.objects.filter(name="Nieuw").exists()
    assert not Team.objects.filter(name="Nieuw").exists()


def test_a_team_lead_can_lead_a_team_and_a_region(client_for_role, region, other_team_lead):
    client = client_for_role("admin")

    client.post(
        reverse("feedback_teams:add"),
        {"name": "Huisbezoeken", "region": region.pk, "leads": [other_team_lead.pk]},
    )
    client.post(
        reverse("feedback_regions:edit", args=[region.pk]),
        {"name": region.name, "leads": [other_team_lead.pk]},
    )

    assert list(Team.objects.get(name="Huisbezoeken").leads.all()) == [other_team_lead]
    assert list(region.leads.all()) == [other_team_lead]


def test_a_staff_member_with_feedback_is_not_deleted(client_for_role, staff):
    response_for(staff, score=4)

    response = client_for_role("admin").post(
        reverse("feedback_staff_members:delete", args=[staff.pk]), follow=True
    )

    assert response.status_code == HTTPStatus.OK
    assert StaffMember.objects.filter(pk=staff.pk).exists()


def test_a_team_with_staff_members_is_not_deleted(client_for_role, team, staff):
    response = client_for_role("admin").post(reverse("feedback_teams:delete", args=[team.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert Team.objects.filter(pk=team.pk).exists()


@pytest.mark.parametrize("count", [5, 50])
def test_the_staff_member_list_has_a_fixed_query_budget(
    client_for_role, team, count, django_assert_num_queries
):
    StaffMemberFactory.create_batch(count, team=team)
    client = client_for_role("admin")
    client.get(reverse("feedback_staff_members:index"))

    with django_assert_num_queries(STAFF_LIST_QUERY_BUDGET):
        client.get(reverse("feedback_staff_members:index"))


@pytest.mark.parametrize("count", [5, 50])
def test_the_team_list_has_a_fixed_query_budget(
    client_for_role, region, team_lead, count, django_assert_num_queries
):
    for index in range(count):
        team = Team.objects.create(name=f"Team {index}", region=region)
        team.leads.add(team_lead)
    client = client_for_role("admin")
    client.get(reverse("feedback_teams:index"))

    with django_assert_num_queries(TEAM_LIST_QUERY_BUDGET):
        client.get(reverse("feedback_teams:index"))


# --- personal data and erasure of staff accounts ---


def test_a_staff_account_exports_its_record_and_its_follow_up_steps(staff, team, team_lead):
    item = FollowUp.objects.get(response=response_for(staff, score=1, comment="Geheim"))
    follow_up_assign(follow_up=item, owner=team_lead, actor=team_lead)

    staff_rows = SOURCES["feedback_staff"].export(staff.user)
    lead_rows = SOURCES["feedback_staff"].export(team_lead)
    follow_up_rows = SOURCES["feedback_follow_ups"].export(team_lead)

    assert staff_rows[0]["staff_number"] == "KG00001"
    assert {"kind": "team_lead", "team": str(team)} in lead_rows
    assert [row["kind"] for row in follow_up_rows] == ["follow_up", "follow_up_step"]
    assert "Geheim" not in str(follow_up_rows)  # the parent's words are not the lead's data


def test_erasing_a_lead_keeps_the_items_without_them(staff, team_lead):
    item = FollowUp.objects.get(response=response_for(staff, score=1))
    follow_up_assign(follow_up=item, owner=team_lead, actor=team_lead)

    team_lead.delete()

    item.refresh_from_db()
    assert item.owner is None
    assert FollowUpEvent.objects.filter(follow_up=item, actor__isnull=True).count() == 2


def test_erasing_a_staff_member_who_served_no_one_deletes_the_record(staff):
    user = staff.user
    user.groups.clear()  # a former staff member, now an ordinary account

    account_delete(user=user, remove_contributions=False)

    assert not StaffMember.objects.filter(pk=staff.pk).exists()


def test_erasing_a_staff_member_with_feedback_is_refused_not_crashed(staff):
    response_for(staff, score=4)
    user = staff.user
    user.groups.clear()

    with pytest.raises(ValidationError) as error:
        account_delete(user=user, remove_contributions=False)

    assert error.value.code == "staff_member_with_feedback"
    assert StaffMember.objects.filter(pk=staff.pk).exists()
    user.refresh_from_db()


def test_the_users_admin_refuses_to_delete_a_staff_members_account(client_for_role, staff):
    response = client_for_role("admin").post(
        reverse("wagtailusers_users:delete", args=[staff.user.pk])
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("feedback_staff_members:edit", args=[staff.pk])
    staff.refresh_from_db()
    assert staff.user.pk is not None
