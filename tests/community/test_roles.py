"""The staff role groups from the data migration, and what each role may do."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from community.models import Role
from projects.models import ProjectPage, StandardPage
from tests.community.factories import TEST_PASSWORD, UserFactory
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def test_every_role_has_a_group():
    names = set(Group.objects.values_list("name", flat=True))

    assert {role.value for role in Role} <= names
    assert "Editors" not in names


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_may_enter_the_wagtail_admin(role):
    user = UserFactory(roles=[role])

    assert user.has_perm("wagtailadmin.access_admin")


def test_parent_may_not_enter_the_wagtail_admin(parent):
    assert not parent.has_perm("wagtailadmin.access_admin")


def test_researcher_edits_pages_under_the_project_index_only(researcher, project_index, home_page):
    index_perms = project_index.permissions_for_user(researcher)
    home_perms = home_page.permissions_for_user(researcher)

    assert index_perms.can_add_subpage()
    assert index_perms.can_publish_subpage()
    assert ProjectPage.can_create_at(project_index)
    assert not home_perms.can_edit()
    assert not home_perms.can_add_subpage()


def test_researcher_can_edit_and_publish_a_project(researcher, project_page):
    perms = project_page.permissions_for_user(researcher)

    assert perms.can_edit()
    assert perms.can_publish()


def test_moderator_has_no_rights_on_the_page_tree(moderator, project_page, home_page):
    for page in Page.objects.all():
        perms = page.permissions_for_user(moderator)
        assert not perms.can_edit()
        assert not perms.can_add_subpage()
        assert not perms.can_publish()


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.COMPLAINTS_OFFICER])
def test_other_staff_roles_have_no_rights_on_the_page_tree(role, project_page):
    user = UserFactory(roles=[role])

    assert not project_page.permissions_for_user(user).can_edit()


def test_admin_manages_users_and_the_whole_page_tree(admin_user, home_page):
    assert admin_user.has_perms(
        ["community.add_user", "community.change_user", "auth.change_group"]
    )
    assert home_page.permissions_for_user(admin_user).can_edit()
    assert StandardPage.can_create_at(home_page)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("parent", False),
        ("other_parent", False),
        ("moderator", True),
        ("researcher", True),
        ("admin", True),
    ],
)
def test_wagtail_admin_access_matrix(client_for_role, role, allowed):
    assert role in ROLES
    client = client_for_role(role)

    response = client.get("/admin/")

    if allowed:
        assert response.status_code == HTTPStatus.OK
    elif role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]
    else:  # signed in: refused at once, never sent to a login that sends them back
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("parent", False),
        ("other_parent", False),
        ("moderator", False),
        ("researcher", False),
        ("admin", True),
    ],
)
def test_django_admin_access_matrix(client_for_role, role, allowed):
    client = client_for_role(role)

    response = client.get("/django-admin/")

    assert (response.status_code == HTTPStatus.OK) is allowed


@pytest.mark.parametrize("role", list(Role))
def test_each_staff_role_logs_in_through_the_site(client, role):
    user = UserFactory(roles=[role])

    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    ("role", "shown"),
    [("parent", False), ("other_parent", False), ("moderator", True), ("researcher", True)],
)
def test_header_links_to_the_staff_area_only_for_staff(
    client, user_for_role, home_page, role, shown
):
    client.force_login(user_for_role(role))

    html = client.get("/").content.decode()

    assert ('href="/admin/"' in html) is shown
