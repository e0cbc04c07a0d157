"""The e-mail channel's pages: the parent's opt-out (nothing happens on opening the link) and
the staff page that registers an e-mail answer (staff members with two factors only; safe to
submit twice; bad input marked, kept, nothing saved)."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from feedback.models import Channel, Contact, Invitation, SurveyMailRecord, SurveyOptOut
from feedback.services.email_followup import email_followups_send
from feedback.tokens import address_hash
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.test_email_followup import (
    ADDRESS,
    DAY,
    as_if_days_passed,
    mailed_token,
    registered,
    reload,
)

pytestmark = pytest.mark.django_db


# --- the opt-out page ---


def opt_out_url(token: str) -> str:
    with translation.override("en"):
        return reverse("feedback_email_opt_out", kwargs={"token": token})


def test_opening_the_opt_out_link_changes_nothing(client, staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    token = mailed_token(mailoutbox[0])

    response = client.get(opt_out_url(token))
    client.head(opt_out_url(token))

    assert response.status_code == HTTPStatus.OK
    assert b'data-opt-out-page="confirm"' in response.content
    assert not SurveyOptOut.objects.exists()
    assert reload(invitation).contact.email == ADDRESS


def test_pressing_the_button_opts_the_address_out(client, staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    token = mailed_token(mailoutbox[0])

    response = client.post(opt_out_url(token))
    client.post(opt_out_url(token))

    assert response.status_code == HTTPStatus.OK
    assert b'data-opt-out-page="done"' in response.content
    assert SurveyOptOut.objects.get().address_hash == address_hash(ADDRESS)
    assert reload(invitation).contact.email == ""
    as_if_days_passed(invitation, 4)
    email_followups_send()
    assert len(mailoutbox) == 1  # no reminder


def test_the_reminders_opt_out_works_after_the_address_is_forgotten(client, staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    as_if_days_passed(invitation, 4)
    email_followups_send()
    assert reload(invitation).contact.email == ""

    client.post(opt_out_url(mailed_token(mailoutbox[1])))

    assert SurveyOptOut.objects.get().address_hash == address_hash(ADDRESS)
    registered(staff, ticket="T-2", ago=20)  # a later e-mail answer to the same address
    SurveyMailRecord.objects.all().delete()
    email_followups_send()
    assert len(mailoutbox) == 2


def test_an_unknown_opt_out_link_gets_a_friendly_404(client, db):
    response = client.post(opt_out_url("no-such-token"))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b'data-opt-out-page="unknown"' in response.content
    assert not SurveyOptOut.objects.exists()


# --- the staff page ---

EXPECTED_STATUS = {
    "anonymous": HTTPStatus.FOUND,  # to the login page
    "parent": HTTPStatus.FORBIDDEN,
    "other_parent": HTTPStatus.FORBIDDEN,
    "moderator": HTTPStatus.FORBIDDEN,
    "researcher": HTTPStatus.FORBIDDEN,
    "admin": HTTPStatus.FORBIDDEN,
    "staff_member": HTTPStatus.OK,
    "other_staff_member": HTTPStatus.OK,
    "team_lead": HTTPStatus.FORBIDDEN,
    "other_team_lead": HTTPStatus.FORBIDDEN,
}
STAFF_PAGE = "/en/staff/email-answer/"


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_staff_members_register_e_mail_answers(client_for_role, role):
    client = client_for_role(role)

    page = client.get(STAFF_PAGE)
    sent = client.post(STAFF_PAGE, {"ticket_id": "T-9", "email": ADDRESS})

    assert page.status_code == EXPECTED_STATUS[role]
    expected_post = (
        HTTPStatus.FOUND if EXPECTED_STATUS[role] == HTTPStatus.OK else EXPECTED_STATUS[role]
    )
    assert sent.status_code == expected_post
    assert Contact.objects.exists() == (EXPECTED_STATUS[role] == HTTPStatus.OK)
    if role == "anonymous":
        assert "/accounts/login/" in page["Location"]


def test_a_staff_member_without_the_second_factor_is_sent_to_it(client, staff_member):
    client.force_login(staff_member)

    response = client.get(STAFF_PAGE)

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/" in response["Location"]


def test_registering_twice_makes_one_contact_and_one_mail(client_for_role, staff, mailoutbox):
    client = client_for_role("staff_member")

    first = client.post(STAFF_PAGE, {"ticket_id": "T-9", "email": ADDRESS})
    second = client.post(STAFF_PAGE, {"ticket_id": "T-9", "email": ADDRESS})

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first["Location"] == STAFF_PAGE
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.created_by) == (
        Channel.EMAIL,
        staff,
        staff.user,
    )
    invitation = Invitation.objects.get()
    assert invitation.mail_due_at - contact.occurred_at == 3 * DAY
    Invitation.objects.filter(pk=invitation.pk).update(mail_due_at=timezone.now())
    email_followups_send()
    assert len(mailoutbox) == 1


def test_a_bad_address_is_marked_and_the_input_kept(client_for_role, staff):
    client = client_for_role("staff_member")

    response = client.post(STAFF_PAGE, {"ticket_id": "T-9", "email": "ouder at example"})

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["email"]] == ["invalid"]
    assert b'value="T-9"' in response.content
    assert b'value="ouder at example"' in response.content
    assert not Contact.objects.exists()


def test_a_missing_ticket_is_marked(client_for_role, staff):
    client = client_for_role("staff_member")

    response = client.post(STAFF_PAGE, {"ticket_id": "", "email": ADDRESS})

    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors["ticket_id"]] == ["required"]
    assert not Contact.objects.exists()
