"""The staff member's phone page: two taps hand a parent an invitation as a QR code and a
short link; only active staff members with their second factor; a double tap is one contact."""

import re
import uuid
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
import segno
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from feedback.models import Channel, Contact, Invitation, Response
from feedback.services.surveys import invitation_for_token, response_record
from feedback.tokens import token_hash
from feedback.views.staff import qr_code_svg
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import StaffMemberFactory, contact_for

pytestmark = pytest.mark.django_db

LINK = re.compile(r'data-survey-link="([^"]+)"')


def page_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("feedback_staff_invitation")


def tap(client: Client, channel: str = Channel.CONSULTATION, **fields):
    data = {"channel": channel, "submission_key": str(uuid.uuid4()), **fields}
    return client.post(page_url(), data)


def link_of(response) -> str:
    return LINK.search(response.content.decode()).group(1)


def token_of(link: str) -> str:
    return resolve(urlsplit(link).path).kwargs["token"]


def form_errors(response) -> dict[str, list[str]]:
    return {
        field: [error.code for error in errors]
        for field, errors in response.context["form"].errors.as_data().items()
    }


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_staff_members_open_the_invitation_page(client_for_role, role):
    client = client_for_role(role)

    shown = client.get(page_url())
    tapped = tap(client)

    if role in {"staff_member", "other_staff_member"}:
        assert shown.status_code == HTTPStatus.OK
        assert "data-staff-invitation" in shown.content.decode()
        assert tapped.status_code == HTTPStatus.OK
        assert Contact.objects.count() == 1
    elif role == "anonymous":
        for response in (shown, tapped):
            assert response.status_code == HTTPStatus.FOUND
            assert response["Location"].startswith(reverse("account_login"))
        assert not Contact.objects.exists()
    else:
        assert shown.status_code == tapped.status_code == HTTPStatus.FORBIDDEN
        assert not Contact.objects.exists()


def test_a_staff_member_without_the_second_factor_is_sent_to_that_step(client, team):
    staff = StaffMemberFactory(team=team)
    client.force_login(staff.user)

    shown = client.get(page_url())
    tapped = tap(client)

    for response in (shown, tapped):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
        assert "next=" in response["Location"]
    assert not Contact.objects.exists()


def test_an_inactive_staff_member_is_refused(client_for_role, staff):
    staff.active = False
    staff.save()

    client = client_for_role("staff_member")

    assert client.get(page_url()).status_code == HTTPStatus.FORBIDDEN
    assert tap(client).status_code == HTTPStatus.FORBIDDEN


def test_the_page_offers_one_button_per_in_person_channel_and_a_folded_reference(
    client_for_role,
):
    response = client_for_role("staff_member").get(page_url("en"))

    html = response.content.decode()
    assert re.findall(r'data-channel="([^"]+)"', html) == ["consultation", "home_visit"]
    assert '<details class="invitation__reference">' in html  # folded: not open
    assert 'name="reference"' in html
    assert re.search(r'name="submission_key" value="[0-9a-f-]{36}"', html)
    assert "no-store" in response["Cache-Control"]


def test_one_tap_makes_the_contact_its_invitation_and_the_qr_code(client_for_role, staff):
    client = client_for_role("staff_member")

    response = tap(client, Channel.HOME_VISIT)

    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.created_by) == (
        Channel.HOME_VISIT,
        staff,
        staff.user,
    )
    html = response.content.decode()
    link = link_of(response)
    token = token_of(link)
    assert link == f"http://127.0.0.1:8000/f/{token}/"
    assert invitation_for_token(token) == Invitation.objects.get(contact=contact)
    assert Invitation.objects.get().token_hash == token_hash(token)
    # The token lives in this response only: not in the session, not in the database.
    assert token not in str(dict(client.session))
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert 'data-invitation-qr data-channel="home_visit"' in html
    assert 'role="img"' in html and "<title>" in html
    assert f'href="{page_url()}"' in html and "data-new-invitation" in html


def test_the_qr_code_carries_the_short_link_and_the_link_opens_the_survey(client_for_role):
    response = tap(client_for_role("staff_member"))
    link = link_of(response)

    svg = re.search(r"<svg[^>]*data-qr-code.*?</svg>", response.content.decode(), re.S).group(0)
    expected = segno.make(link, error="m").svg_inline(scale=1, border=4, light="#fff")
    # The same modules as segno draws for the link: the code encodes that link.
    assert re.findall(r' d="([^"]+)"', svg) == re.findall(r' d="([^"]+)"', expected)
    assert svg == str(qr_code_svg(link))
    survey = Client().get(urlsplit(link).path)
    assert survey.status_code == HTTPStatus.OK
    assert "data-survey-form" in survey.content.decode()


def test_a_double_tap_makes_one_contact_and_only_the_last_link_works(client_for_role, staff):
    client = client_for_role("staff_member")
    sent = {"channel": Channel.CONSULTATION, "submission_key": str(uuid.uuid4())}

    first = client.post(page_url(), sent)
    second = client.post(page_url(), sent)

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert Contact.objects.count() == 1
    assert Invitation.objects.count() == 1
    assert invitation_for_token(token_of(link_of(first))) is None
    assert invitation_for_token(token_of(link_of(second))) is not None
    # A new tap (a fresh page, a fresh key) is a new contact.
    tap(client)
    assert Contact.objects.count() == 2


def test_a_tap_with_a_reference_registers_it_and_twice_is_one_contact(client_for_role, staff):
    client = client_for_role("staff_member")

    tap(client, reference="AFS-2026-0042")
    tap(client, reference="AFS-2026-0042")

    contact = Contact.objects.get()
    assert contact.external_reference == "AFS-2026-0042"


def test_a_reference_of_a_colleagues_contact_is_refused_at_the_field(client_for_role, colleague):
    contact_for(colleague, external_reference="AFS-7")
    client = client_for_role("staff_member")

    response = tap(client, reference="AFS-7")

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {"reference": ["taken"]}
    assert 'value="AFS-7"' in response.content.decode()
    assert Contact.objects.count() == 1
    assert not Invitation.objects.exists()


def test_a_contact_the_parent_answered_gets_no_new_link(client_for_role, staff):
    contact = contact_for(staff, external_reference="AFS-8")
    response_record(contact=contact, score=4)
    client = client_for_role("staff_member")

    response = tap(client, reference="AFS-8")

    assert form_errors(response) == {"reference": ["answered"]}
    assert not Invitation.objects.exists()
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"channel": Channel.HELPLINE}, {"channel": ["invalid_choice"]}),
        ({"channel": ""}, {"channel": ["required"]}),
        ({"reference": "x" * 101}, {"reference": ["max_length"]}),
        ({"reference": "staff-page:1234"}, {"reference": ["reserved"]}),
    ],
)
def test_bad_input_is_shown_at_the_field_and_makes_nothing(client_for_role, fields, errors):
    client = client_for_role("staff_member")
    data = {"channel": Channel.CONSULTATION, "submission_key": str(uuid.uuid4()), **fields}

    response = client.post(page_url(), data)

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == errors
    assert data["submission_key"] in response.content.decode()  # the same tap, once fixed
    assert not Contact.objects.exists()


def test_a_missing_or_malformed_key_counts_as_a_new_tap(client_for_role):
    client = client_for_role("staff_member")

    client.post(page_url(), {"channel": Channel.CONSULTATION})
    client.post(page_url(), {"channel": Channel.CONSULTATION, "submission_key": "nope"})

    assert Contact.objects.count() == 2


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_the_invite_menu_item_shows_for_staff_members_only(client_for_role, role):
    response = client_for_role(role).get("/admin/")

    shown = response.status_code == HTTPStatus.OK and page_url() in response.content.decode()
    assert shown is (role in {"staff_member", "other_staff_member"})
