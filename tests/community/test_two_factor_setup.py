"""Setting up two-factor authentication leads a staff member on to the page they asked for."""

from http import HTTPStatus

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from bs4 import BeautifulSoup, Tag
from django.http import HttpResponse
from django.test import Client

from community.models import Role, User
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate, totp_code

pytestmark = pytest.mark.django_db

WRONG_CODE = "000000"
ACTIVATE = "/en/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F"


def page(response: HttpResponse) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def main_form(response: HttpResponse) -> Tag:
    """The page's own form (the header holds a log-out form too)."""
    return page(response).select_one("main form.form")


def password_login(client: Client, user: User) -> None:
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND


def password_confirm(client: Client, response: HttpResponse) -> HttpResponse:
    """Follow allauth's request for the password again, and come back to where it was asked."""
    assert response["Location"].startswith("/en/accounts/reauthenticate/?next=")
    return client.post(response["Location"], {"password": TEST_PASSWORD})


@pytest.fixture
def staff_member(db) -> User:
    """A researcher without an authenticator app, logged in with their password only."""
    return UserFactory(roles=[Role.RESEARCHER])


@pytest.fixture
def at_activation(client: Client, staff_member: User) -> str:
    """The staff member on the activation page, password confirmed; returns its TOTP secret."""
    password_login(client, staff_member)
    response = password_confirm(client, client.get(ACTIVATE))
    assert response["Location"] == ACTIVATE
    assert client.get(ACTIVATE).status_code == HTTPStatus.OK
    return client.session[SECRET_SESSION_KEY]


def test_activating_an_authenticator_leads_on_to_the_staff_page_without_another_code(
    client, staff_member
):
    password_login(client, staff_member)

    response = client.get("/admin/pages/")
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F"
    response = client.get(response["Location"])
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F"
    client.get(response["Location"])
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/?next=%2Fadmin%2Fpages%2F"
    codes_page = client.get(response["Location"])
    continue_link = page(codes_page).select_one("main .form__actions a")
    assert continue_link["href"] == "/admin/pages/"
    assert "button--secondary" not in continue_link["class"]

    response = client.get(continue_link["href"], follow=True)
    assert response.status_code == HTTPStatus.OK
    assert all("/accounts/" not in url for url, _status in response.redirect_chain)


@pytest.mark.usefixtures("at_activation")
def test_the_activation_page_shows_the_secret_to_type_into_the_app(client):
    response = client.get(ACTIVATE)

    secret = client.session[SECRET_SESSION_KEY]
    assert page(response).select_one("main input#totp-secret")["value"] == secret
    assert page(response).select_one("main img[src^='data:image/svg+xml']")


def test_a_wrong_code_at_activation_keeps_the_code_and_the_next_address(client, at_activation):
    response = client.post(ACTIVATE, {"code": WRONG_CODE})

    assert response.status_code == HTTPStatus.OK
    form = main_form(response)
    assert form["action"] == ACTIVATE
    field = form.select_one("#id_code")
    assert field["aria-invalid"] == "true"
    assert field["value"] == WRONG_CODE
    assert form.select_one("#id_code_error")

    response = client.post(form["action"], {"code": totp_code(at_activation)})
    assert response["Location"] == "/en/accounts/2fa/recovery-codes/?next=%2Fadmin%2Fpages%2F"


def test_a_wrong_code_after_login_keeps_the_code_and_the_next_address(client, staff_member):
    secret = totp_activate(staff_member)
    response = client.post(
        "/en/accounts/login/?next=/admin/pages/",
        {"login": staff_member.email, "password": TEST_PASSWORD},
    )
    authenticate_url = response["Location"]

    response = client.post(authenticate_url, {"code": WRONG_CODE})

    assert response.status_code == HTTPStatus.OK
    form = main_form(response)
    assert form["action"] == authenticate_url
    assert form.select_one("#id_code")["aria-invalid"] == "true"
    assert form.select_one("#id_code")["value"] == WRONG_CODE
    response = client.post(form["action"], {"code": totp_code(secret)})
    assert response["Location"] == "/admin/pages/"


def test_a_wrong_code_on_reauthentication_keeps_the_code_and_the_next_address(client, staff_member):
    secret = totp_activate(staff_member)
    client.force_login(staff_member)
    reauthenticate_url = client.get("/admin/pages/")["Location"]
    assert reauthenticate_url == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2Fpages%2F"

    response = client.post(reauthenticate_url, {"code": WRONG_CODE})

    assert response.status_code == HTTPStatus.OK
    form = main_form(response)
    assert form["action"] == reauthenticate_url
    assert form.select_one("#id_code")["aria-invalid"] == "true"
    assert form.select_one("#id_code")["value"] == WRONG_CODE
    response = client.post(form["action"], {"code": totp_code(secret)})
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/", follow=True).status_code == HTTPStatus.OK


def test_password_confirmation_makes_entering_the_password_the_one_obvious_action(
    client, staff_member
):
    password_login(client, staff_member)
    reauthenticate_url = client.get(ACTIVATE)["Location"]

    response = client.get(reauthenticate_url)

    html = page(response)
    assert html.select_one("main h1").get_text(strip=True) == "Enter your password"
    form = main_form(response)
    assert form["action"] == reauthenticate_url
    first_field = form.select("input:not([type=hidden])")[0]
    assert first_field["name"] == "password"
    assert first_field.has_attr("autofocus")
    submit = form.select_one("button[type=submit]")
    assert "button--secondary" not in submit["class"]
    alternatives = html.select("main a.button")
    assert alternatives
    assert all("button--secondary" in link["class"] for link in alternatives)


def test_a_wrong_password_keeps_the_next_address(client, staff_member):
    password_login(client, staff_member)
    reauthenticate_url = client.get(ACTIVATE)["Location"]

    response = client.post(reauthenticate_url, {"password": "not-the-password"})

    assert response.status_code == HTTPStatus.OK
    form = main_form(response)
    assert form["action"] == reauthenticate_url
    assert form.select_one("#id_password")["aria-invalid"] == "true"
    response = client.post(form["action"], {"password": TEST_PASSWORD})
    assert response["Location"] == ACTIVATE


@pytest.mark.parametrize(
    ("next_url", "continue_url"),
    [
        ("", "/admin/"),
        ("?next=https%3A%2F%2Fevil.example%2F", "/admin/"),
        ("?next=%2Fadmin%2Fsnippets%2F", "/admin/snippets/"),
    ],
)
def test_recovery_codes_continue_only_to_a_page_on_this_site(
    client, at_activation, next_url, continue_url
):
    client.post(ACTIVATE, {"code": totp_code(at_activation)})

    response = client.get(f"/en/accounts/2fa/recovery-codes/{next_url}")

    assert page(response).select_one("main .form__actions a")["href"] == continue_url


def test_recovery_codes_continue_to_the_home_page_for_a_parent(client, parent):
    totp_activate(parent)
    client.force_login(parent)
    response = password_confirm(client, client.get("/en/accounts/2fa/recovery-codes/"))

    response = client.get(response["Location"])

    assert page(response).select_one("main .form__actions a")["href"] == "/"
