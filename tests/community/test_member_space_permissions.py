"""Who may open the member's own pages: dashboard, data download, account deletion."""

import io
import json
import zipfile
from http import HTTPStatus

import pytest
from django.urls import reverse

from community.models import User
from tests.community.factories import TEST_PASSWORD, UserFactory
from tests.conftest import ROLES
from tests.projects.factories import PostFactory

pytestmark = pytest.mark.django_db

STAFF = {"moderator", "researcher", "admin"}


# Parents who finished onboarding (a pseudonym; no consent documents exist in these tests), so
# the onboarding gate lets them through to every member page.
@pytest.fixture
def parent(db):
    return UserFactory(email="ouder@example.org", pseudonym="Ouder Een")


@pytest.fixture
def other_parent(db):
    return UserFactory(email="andere.ouder@example.org", pseudonym="Ouder Twee")


def expect_login_redirect(response) -> None:
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["member_dashboard", "personal_data"])
def test_member_pages_are_for_everyone_logged_in(client_for_role, role, url_name):
    response = client_for_role(role).get(reverse(url_name))
    if role == "anonymous":
        expect_login_redirect(response)
    else:
        assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", ROLES)
def test_download_refuses_get_for_everyone(client_for_role, role):
    response = client_for_role(role).get(reverse("personal_data_download"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("role", ROLES)
def test_download_holds_only_the_downloaders_own_data(
    client_for_role, user_for_role, parent, topic_page, role
):
    PostFactory(topic=topic_page, author=parent, body="<p>Alleen van de ouder</p>")
    response = client_for_role(role).post(reverse("personal_data_download"))
    if role == "anonymous":
        expect_login_redirect(response)
        return
    assert response.status_code == HTTPStatus.OK
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"][0]["email"] == user_for_role(role).email
    assert (len(data["posts"]) == 1) is (role == "parent")


@pytest.mark.parametrize("role", ROLES)
def test_delete_page_offers_the_form_to_parents_only(client_for_role, role):
    response = client_for_role(role).get(reverse("account_delete"))
    if role == "anonymous":
        expect_login_redirect(response)
        return
    assert response.status_code == HTTPStatus.OK
    has_form = 'name="password"' in response.content.decode()
    assert has_form is (role not in STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_only_parents_delete_their_own_account(client_for_role, user_for_role, other_parent, role):
    response = client_for_role(role).post(reverse("account_delete"), {"password": TEST_PASSWORD})
    user = user_for_role(role)
    if role == "anonymous":
        expect_login_redirect(response)
    elif role in STAFF:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert User.objects.filter(pk=user.pk).exists()
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert not User.objects.filter(email=user.email).exists()
    # Nobody's action removes someone else.
    if role != "other_parent":
        assert User.objects.filter(pk=other_parent.pk).exists()
