"""A complaints officer registers a complaint received by phone, letter, e-mail or at a desk:
its channel and date of receipt (deadlines count from it), the officer named in the audit, the
reference and status link shown once, files checked as on the public form; only complaints
officers and leads see the page and its menu item."""

import datetime
import re
import uuid
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintChannel, EventAction
from complaints.services.intake import complaint_register
from complaints.services.register import complaint_for_status_token
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.test_attachments import files_on_disk, files_root, pdf_bytes, upload  # noqa: F401

pytestmark = pytest.mark.django_db

REGISTER_URL = "/admin/complaints/register/"
STATUS_LINK = re.compile(r"/status/([A-Za-z0-9_-]+)/")


def registration(**fields) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "channel": ComplaintChannel.PHONE,
        "received_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "language": "nl",
        "what_happened": "Mevrouw belde: de huisbezoeker kwam niet opdagen.",
        "happened_on": "",
        "service": "home_visit",
        "desired_solution": "Een nieuwe afspraak.",
        "name": "An Janssens",
        "email": "",
        "phone": "0470 11 22 33",
        "postal_address": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def officer_client(client_for_role):
    return client_for_role("complaints_officer")


ALLOWED = {"complaints_officer", "other_complaints_officer", "complaints_lead"}


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
@pytest.mark.parametrize("address", ["", "done/"])
def test_only_complaints_officers_and_leads_open_the_registration_pages(
    client_for_role, role, address
):
    client = client_for_role(role)

    response = client.get(f"{REGISTER_URL}{address}")

    if role in ALLOWED:
        assert response.status_code == HTTPStatus.OK
        marker = "data-receipt-shown-before" if address else "data-complaint-register-form"
        assert marker in response.content.decode()
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_nobody_else_can_register_by_posting_the_form(client_for_role, role):
    if role in ALLOWED:
        return
    response = client_for_role(role).post(REGISTER_URL, registration())

    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "role", ["complaints_officer", "complaints_lead", "safeguarding_officer", "admin", "researcher"]
)
def test_the_menu_item_shows_only_to_whom_may_register(client_for_role, role):
    html = client_for_role(role).get("/admin/").content.decode()

    assert ("complaints-register" in html) == (role in ALLOWED)


def test_an_officer_registers_a_phone_complaint_received_days_ago(
    officer_client, complaints_officer
):
    received_on = timezone.localdate() - datetime.timedelta(days=3)

    response = officer_client.post(REGISTER_URL, registration())

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("complaints_admin_registered")
    complaint = Complaint.objects.get()
    assert complaint.channel == ComplaintChannel.PHONE
    assert complaint.received_on == received_on
    assert complaint.acknowledge_due == received_on + datetime.timedelta(days=10)
    assert complaint.answer_due == received_on + datetime.timedelta(days=45)
    assert complaint.created_by == complaints_officer
    assert complaint.user is None
    event = complaint.events.get()
    assert (event.action, event.actor) == (EventAction.REGISTERED, complaints_officer)

    done = officer_client.get(response["Location"]).content.decode()
    assert complaint.reference in done
    token = STATUS_LINK.search(done).group(1)
    assert complaint_for_status_token(token).pk == complaint.pk
    again = officer_client.get(response["Location"]).content.decode()
    assert complaint.reference not in again
    assert token not in again


def test_a_registered_complaint_with_an_address_gets_the_receipt_by_mail(
    officer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            REGISTER_URL,
            registration(channel=ComplaintChannel.LETTER, email="an@example.org", language="en"),
        )

    complaint = Complaint.objects.get()
    [message] = mail.outbox
    assert message.to == ["an@example.org"]
    assert complaint.reference in message.subject
    assert "/en/complaint/status/" in message.body


def test_a_letter_without_a_return_address_is_registered_too(officer_client):
    response = officer_client.post(
        REGISTER_URL,
        registration(channel=ComplaintChannel.LETTER, name="", phone="", email=""),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Complaint.objects.get().channel == ComplaintChannel.LETTER


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"received_on": "2999-01-01"}, "received_on", "future"),
        ({"received_on": ""}, "received_on", "required"),
        ({"channel": ComplaintChannel.WEB_FORM}, "channel", "invalid_choice"),
        ({"channel": ""}, "channel", "required"),
        ({"what_happened": ""}, "what_happened", "required"),
        ({"what_happened": "x" * 100_000}, "what_happened", "max_length"),
        (
            {"received_on": "2026-03-01", "happened_on": "2026-03-02"},
            "happened_on",
            "after_receipt",
        ),
        ({"phone": "onbekend"}, "phone", "invalid"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_kept(officer_client, fields, field, code):
    data = registration(**fields)

    response = officer_client.post(REGISTER_URL, data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    form = response.context["form"]
    assert code in [error.code for error in form.errors.as_data()[field]]
    assert form["name"].value() == "An Janssens"
    assert f'href="#{form[field].id_for_label}"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_files_are_checked_and_stored_with_the_officer_in_the_audit(
    officer_client,
    complaints_officer,
    files_root,  # noqa: F811
):
    response = officer_client.post(
        REGISTER_URL,
        {**registration(), "attachments": [upload("brief.pdf", pdf_bytes())]},
    )

    assert response.status_code == HTTPStatus.FOUND
    complaint = Complaint.objects.get()
    assert complaint.attachments.get().original_name == "brief.pdf"
    event = complaint.events.get(action=EventAction.ATTACHMENT)
    assert event.actor == complaints_officer
    assert len(files_on_disk(files_root)) == 1


def test_a_renamed_executable_is_refused_for_officers_too(officer_client, files_root):  # noqa: F811
    response = officer_client.post(
        REGISTER_URL,
        {**registration(), "attachments": [upload("brief.pdf", b"MZ\x90\x00" + b"\x00" * 100)]},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "brief.pdf" in response.content.decode()
    assert not Complaint.objects.exists()
    assert files_on_disk(files_root) == []


def test_a_double_click_registers_once(officer_client):
    data = registration()

    first = officer_client.post(REGISTER_URL, data)
    first_page = officer_client.get(first["Location"]).content.decode()
    second = officer_client.post(REGISTER_URL, data)
    second_page = officer_client.get(second["Location"]).content.decode()

    complaint = Complaint.objects.get()
    assert complaint.reference in first_page
    assert complaint.reference in second_page
    assert STATUS_LINK.search(first_page).group(1) == STATUS_LINK.search(second_page).group(1)


def test_the_service_refuses_who_may_not_register_and_a_date_in_the_future(
    complaints_officer, moderator
):
    details = {"what_happened": "Klacht.", "channel": ComplaintChannel.DESK}
    with pytest.raises(PermissionDenied):
        complaint_register(
            officer=moderator,
            submission_key=uuid.uuid4(),
            received_on=timezone.localdate(),
            **details,
        )
    with pytest.raises(ValidationError) as error:
        complaint_register(
            officer=complaints_officer,
            submission_key=uuid.uuid4(),
            received_on=timezone.localdate() + datetime.timedelta(days=1),
            **details,
        )
    assert "received_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        complaint_register(
            officer=complaints_officer,
            submission_key=uuid.uuid4(),
            received_on=timezone.localdate(),
            what_happened="Klacht.",
            channel=ComplaintChannel.WEB_FORM,
        )
    assert not Complaint.objects.exists()


def test_a_complaint_registered_today_counts_from_today(complaints_officer):
    receipt = complaint_register(
        officer=complaints_officer,
        submission_key=uuid.uuid4(),
        received_on=timezone.localdate(),
        channel=ComplaintChannel.EMAIL,
        what_happened="Per mail ontvangen.",
    )

    complaint = Complaint.objects.get(reference=receipt.reference)
    assert complaint.received_on == timezone.localdate()
    assert complaint.acknowledge_due == timezone.localdate() + datetime.timedelta(days=10)
