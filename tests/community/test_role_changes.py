"""Every change of a staff role is recorded: who gave or took which role from whom, and when."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from community.models import Role

pytestmark = pytest.mark.django_db


def role_log(user) -> list[tuple[str, str, int | None]]:
    entries = ModelLogEntry.objects.filter(object_id=str(user.pk), action__startswith="community.")
    return [(entry.action, entry.data["role"], entry.user_id) for entry in entries.order_by("pk")]


def test_admin_giving_a_role_in_the_wagtail_admin_is_recorded(client_for_role, admin_user, parent):
    client = client_for_role("admin")
    moderators = Group.objects.get(name=Role.MODERATOR.value)

    response = client.post(
        f"/admin/users/edit/{parent.pk}/",
        {
            "email": parent.email,
            "first_name": parent.first_name,
            "last_name": parent.last_name,
            "is_active": "on",
            "groups": [moderators.pk],
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert Role.MODERATOR in parent.roles
    assert role_log(parent) == [("community.role_given", Role.MODERATOR.value, admin_user.pk)]


def test_taking_a_role_away_is_recorded(moderator):
    moderator.groups.clear()

    assert role_log(moderator)[-1] == ("community.role_taken", Role.MODERATOR.value, None)


def test_admins_read_role_changes_in_the_site_history(client_for_role, moderator):
    client = client_for_role("admin")

    response = client.get("/admin/reports/site-history/")

    assert response.status_code == HTTPStatus.OK
    assert f"Rol Moderator gegeven aan {moderator.email}" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "parent", "other_parent", "moderator", "researcher"])
def test_only_admins_read_role_changes(client_for_role, moderator, role):
    client = client_for_role(role)

    response = client.get("/admin/reports/site-history/")

    if response.status_code == HTTPStatus.OK:  # staff see the history of what they may edit
        assert role in {"moderator", "researcher"}
        assert "Moderator gegeven" not in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
