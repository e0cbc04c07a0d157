"""Staff pages need two-factor authentication; everyone logs in through allauth."""

from http import HTTPStatus

import pytest

from community.models import Role
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate, totp_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"


def test_staff_whose_session_skipped_the_second_factor_must_enter_a_code(client, researcher):
    totp_activate(researcher)
    client.force_login(researcher)

    response = client.get("/django-admin/")

    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fdjango-admin%2F"


def test_code_from_the_app_opens_the_admin(client, researcher):
    secret = totp_activate(researcher)
    client.force_login(researcher)

    response = client.post(
        "/accounts/2fa/reauthenticate/?next=/admin/", {"code": totp_code(secret)}
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_login_with_a_wrong_code_does_not_log_staff_in(client, researcher):
    totp_activate(researcher)
    client.post("/accounts/login/", {"login": researcher.email, "password": TEST_PASSWORD})

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    assert response.status_code == HTTPStatus.OK
    assert 'aria-invalid="true"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_parents_are_not_asked_for_a_second_factor(client, parent, home_page):
    client.force_login(parent)

    assert client.get("/").status_code == HTTPStatus.OK
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_login_forms_hand_over_to_the_site_login(client, path):
    response = client.get(f"{path}?next=/admin/pages/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_wagtail_admin_sends_anonymous_visitors_to_the_site_login(client):
    response = client.get("/admin/pages/")

    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
