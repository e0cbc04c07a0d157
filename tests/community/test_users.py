from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.models import Role, User
from community.services import user_create
from tests.community.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_has_no_username():
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User(), "username") or User().username is None


def test_email_addresses_are_unique_regardless_of_case():
    UserFactory(email="Ouder@Example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ouder@example.org", password="x")


def test_user_create_rejects_a_second_account_for_the_same_address_in_other_case():
    user_create(email="lies@example.org", password=TEST_PASSWORD)

    with pytest.raises(ValidationError):
        user_create(email="LIES@example.org", password=TEST_PASSWORD)
    assert User.objects.count() == 1


def test_user_create_gives_roles_and_a_verified_address():
    user = user_create(
        email="staff@example.org", password=TEST_PASSWORD, roles=[Role.ADMIN], email_verified=True
    )

    assert user.roles == [Role.ADMIN]
    assert user.is_staff
    assert user.emailaddress_set.get().verified


def test_parent_logs_in_with_email_in_any_case(client):
    UserFactory(email="ouder@example.org")

    response = client.post(
        "/accounts/login/", {"login": "OUDER@example.org", "password": TEST_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert client.session.get("_auth_user_id")


def test_login_with_wrong_password_shows_a_translated_error_and_keeps_the_email(client):
    UserFactory(email="ouder@example.org")

    response = client.post("/accounts/login/", {"login": "ouder@example.org", "password": "fout"})

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert 'value="ouder@example.org"' in body
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in body
    assert "_auth_user_id" not in client.session


def test_create_superuser_is_staff_and_superuser():
    user = User.objects.create_superuser(email="root@example.org", password=TEST_PASSWORD)

    assert user.is_staff and user.is_superuser
