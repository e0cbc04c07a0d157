"""The public complaint form: sent without an account, the receipt with the reference and the
status link shown once (and mailed), a logged-in parent's account linked, bad input refused at
its field with the typed text kept, the honeypot, the rate limits and one complaint per form
however often it is sent."""

import logging
import re
import uuid
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Complaint, ComplaintChannel, EventAction, Service
from complaints.services import intake
from complaints.services.register import complaint_for_status_token

pytestmark = pytest.mark.django_db

STATUS_LINK = re.compile(r'href="(/(?:en/)?[^"]+/status/([A-Za-z0-9_-]+)/)"')


def form_data(**fields) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "what_happened": "De verpleegkundige was kortaf.",
        "happened_on": "",
        "service": Service.CONSULTATION,
        "desired_solution": "Een gesprek met de teamverantwoordelijke.",
        "name": "Sofie Peeters",
        "email": "sofie@example.org",
        "phone": "",
        "postal_address": "",
        "website": "",
    }
    data.update(fields)
    return data


def form_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("complaint_form")


def receipt_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("complaint_receipt")


def error_codes(response) -> dict[str, list[str]]:
    return {
        field: [error.code for error in errors]
        for field, errors in response.context["form"].errors.as_data().items()
    }


def send(client, language: str = "nl", **fields):
    return client.post(form_url(language), form_data(**fields))


# --- the happy path ---


def test_the_form_opens_for_anyone_with_a_hidden_honeypot_and_a_one_time_key(client):
    response = client.get(form_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "data-complaint-form" in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<div class="complaint-trap" aria-hidden="true">', html)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', html) or re.search(
        r'<input[^>]*tabindex="-1"[^>]*name="website"', html
    )
    assert re.search(r'name="submission_key" value="[0-9a-f-]{36}"', html)
    assert html.count("<fieldset") == 3
    assert html.count("<legend") == 3
    assert 'maxlength="5000"' in html
    assert "css/complaints.css" in html


def test_a_parent_sends_a_complaint_and_sees_the_reference_and_status_link_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == receipt_url()
    complaint = Complaint.objects.get()
    assert complaint.channel == ComplaintChannel.WEB_FORM
    assert (complaint.name, complaint.email, complaint.language) == (
        "Sofie Peeters",
        "sofie@example.org",
        "nl",
    )
    assert complaint.service == Service.CONSULTATION
    assert complaint.user is None
    assert complaint.events.get().action == EventAction.RECEIVED

    receipt = client.get(receipt_url())
    html = receipt.content.decode()
    assert complaint.reference in html
    path, token = STATUS_LINK.search(html).groups()
    assert complaint_for_status_token(token).pk == complaint.pk
    assert client.get(path).status_code == HTTPStatus.OK
    assert "data-receipt-mailed" in html
    # No personal data in the addresses the parent went through.
    assert "sofie" not in response["Location"].lower()

    again = client.get(receipt_url()).content.decode()
    assert complaint.reference not in again
    assert token not in again
    assert "data-receipt-shown-before" in again


def test_the_receipt_goes_by_mail_with_the_link_and_nothing_the_sender_typed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, what_happened="Koop goedkope pillen op spam.example")

    complaint = Complaint.objects.get()
    [message] = mail.outbox
    assert message.to == ["sofie@example.org"]
    assert complaint.reference in message.subject
    assert complaint.reference in message.body
    token = re.search(r"/status/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert complaint_for_status_token(token).pk == complaint.pk
    html = message.alternatives[0][0]
    assert token in html
    for part in (message.subject, message.body, html):
        assert "spam.example" not in part
        assert "Sofie" not in part


def test_no_mail_is_sent_before_the_complaint_is_committed(client):
    # Without the commit (the test's transaction stays open) nothing leaves.
    send(client)

    assert Complaint.objects.count() == 1
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_lose_the_complaint_nor_log_the_token(
    client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = send(client)

    assert response.status_code == HTTPStatus.FOUND
    complaint = Complaint.objects.get()
    html = client.get(receipt_url()).content.decode()
    token = STATUS_LINK.search(html).group(2)
    assert complaint.reference in caplog.text
    assert token not in caplog.text
    assert "sofie@example.org" not in caplog.text


def test_without_an_email_address_there_is_no_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, email="", phone="0470 12 34 56")

    assert Complaint.objects.get().phone == "0470 12 34 56"
    assert mail.outbox == []
    assert "data-receipt-mailed" not in client.get(receipt_url()).content.decode()


def test_in_english_the_complaint_and_its_status_link_are_english(client):
    response = send(client, language="en")

    assert response["Location"] == receipt_url("en") == "/en/complaint/received/"
    assert Complaint.objects.get().language == "en"
    path = STATUS_LINK.search(client.get(receipt_url("en")).content.decode()).group(1)
    assert path.startswith("/en/complaint/status/")


def test_a_logged_in_parent_finds_their_address_filled_in_and_the_complaint_linked(client, parent):
    client.force_login(parent)

    page = client.get(form_url())
    assert page.context["form"]["email"].value() == parent.email
    assert "data-linked-account" in page.content.decode()

    send(client, email=parent.email)
    assert Complaint.objects.get().user == parent


def test_the_footer_links_to_the_form(client):
    html = client.get(form_url()).content.decode()

    assert f'<a href="{form_url()}" data-footer-complaint>' in html


# --- bad input ---


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"what_happened": ""}, "what_happened", "required"),
        ({"what_happened": "   "}, "what_happened", "required"),
        ({"what_happened": "x" * 100_000}, "what_happened", "max_length"),
        ({"what_happened": "Het\x00gebeurde"}, "what_happened", "null_characters_not_allowed"),
        ({"desired_solution": "y" * 2001}, "desired_solution", "max_length"),
        ({"email": "", "phone": "", "postal_address": ""}, "email", "no_contact"),
        ({"email": "sofie@"}, "email", "invalid"),
        ({"email": "", "phone": "bel me"}, "phone", "invalid"),
        ({"happened_on": "2999-01-01"}, "happened_on", "future"),
        ({"happened_on": "gisteren"}, "happened_on", "invalid"),
        ({"service": "bakker"}, "service", "invalid_choice"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(client, fields, field, code):
    response = send(client, **fields)

    assert response.status_code == HTTPStatus.OK
    assert code in error_codes(response)[field]
    assert not Complaint.objects.exists()
    html = response.content.decode()
    # The summary at the top links to the field with the problem.
    field_id = response.context["form"][field].id_for_label
    assert f'href="#{field_id}"' in html
    assert "data-error-summary" in html
    assert 'aria-invalid="true"' in html


def test_a_100000_character_story_is_refused_with_its_length_and_kept(client):
    story = "Wij wachtten. " * 7200

    response = send(client, what_happened=story)

    assert response.context["form"]["what_happened"].value() == story
    assert str(len(story.strip())) in str(response.context["form"].errors["what_happened"])


def test_script_laden_text_is_kept_and_escaped_when_the_form_comes_back(client):
    script = '<script>alert("klacht")</script>'

    response = send(client, what_happened=script, email="")

    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&quot;klacht&quot;)&lt;/script&gt;" in html


def test_script_laden_text_is_stored_as_plain_text(client):
    send(client, what_happened='<img src=x onerror="alert(1)"> en <b>vet</b>')

    assert Complaint.objects.get().what_happened == '<img src=x onerror="alert(1)"> en <b>vet</b>'


def test_a_missing_contact_route_gets_a_clear_message_next_to_the_email_field(client):
    response = send(client, email="", phone="", postal_address="", name="Sofie")

    [error] = response.context["form"].errors.as_data()["email"]
    assert error.code == "no_contact"
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_email_error"><li>{error.messages[0]}</li></ul>' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert response.context["form"]["name"].value() == "Sofie"


def test_a_postal_address_alone_is_enough(client):
    send(client, email="", postal_address="Hallepoortlaan 27\n1060 Sint-Gillis")

    assert Complaint.objects.get().postal_address == "Hallepoortlaan 27\n1060 Sint-Gillis"


def test_a_date_in_the_past_is_kept(client):
    send(client, happened_on="2026-02-28")

    assert str(Complaint.objects.get().happened_on) == "2026-02-28"


def test_today_is_the_latest_date_the_browser_offers(client):
    html = client.get(form_url()).content.decode()

    assert f'max="{timezone.localdate().isoformat()}"' in html


# --- spam ---


def test_a_filled_honeypot_looks_sent_but_stores_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, website="http://spam.example")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == receipt_url()
    assert not Complaint.objects.exists()
    assert mail.outbox == []
    assert "data-receipt-shown-before" in client.get(receipt_url()).content.decode()


def test_a_robot_with_a_filled_honeypot_and_no_story_gets_the_same_answer(client):
    response = send(client, website="x", what_happened="", email="")

    assert response.status_code == HTTPStatus.FOUND
    assert not Complaint.objects.exists()


def test_five_complaints_an_hour_from_one_address_then_a_friendly_429_with_the_text_kept(client):
    for number in range(5):
        assert send(client, email=f"ouder{number}@example.org").status_code == HTTPStatus.FOUND

    response = send(client, email="ouder6@example.org", what_happened="Nog een klacht.")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "data-rate-limited" in response.content.decode()
    assert response.context["form"]["what_happened"].value() == "Nog een klacht."
    assert Complaint.objects.count() == 5
    # Another network is not held back.
    other = client.post(form_url(), form_data(email="ander@example.org"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == HTTPStatus.FOUND


def test_three_complaints_a_day_from_one_email_address_from_any_network(client):
    for number in range(3):
        response = client.post(
            form_url(), form_data(email="Sofie@Example.org"), REMOTE_ADDR=f"10.0.0.{number}"
        )
        assert response.status_code == HTTPStatus.FOUND

    response = client.post(form_url(), form_data(email="sofie@example.org"), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Complaint.objects.count() == 3


def test_the_honeypot_counts_against_the_robots_address(client):
    for _attempt in range(5):
        send(client, website="spam")

    assert send(client).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_refused_forms_do_not_count_against_the_limit(client):
    for _attempt in range(8):
        send(client, what_happened="")

    assert send(client).status_code == HTTPStatus.FOUND


def test_the_rate_limit_keys_hold_no_address():
    intake.complaint_rate_count(ip="203.0.113.7", email="sofie@example.org")

    keys = list(cache._cache.keys())
    assert keys
    assert not any("203.0.113" in key or "sofie" in key for key in keys)


def test_ipv6_clients_are_counted_per_network():
    for number in range(5):
        intake.complaint_rate_count(ip=f"2001:db8:1:2::{number + 1}")

    assert intake.complaint_rate_limited(ip="2001:db8:1:2:ffff::1")
    assert not intake.complaint_rate_limited(ip="2001:db8:1:3::1")


# --- one form, one complaint ---


def test_the_same_form_sent_twice_makes_one_complaint_and_shows_the_same_receipt(
    client, django_capture_on_commit_callbacks
):
    data = form_data()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(form_url(), data)
        first_receipt = client.get(receipt_url()).content.decode()
        second = client.post(form_url(), data)
        second_receipt = client.get(receipt_url()).content.decode()

    complaint = Complaint.objects.get()
    assert first["Location"] == second["Location"] == receipt_url()
    assert STATUS_LINK.search(first_receipt).group(2) == STATUS_LINK.search(second_receipt).group(2)
    assert complaint.reference in second_receipt
    assert len(mail.outbox) == 1
    # The twin is not counted against the limits either.
    for number in range(4):
        assert send(client, email=f"ander{number}@example.org").status_code == HTTPStatus.FOUND


def test_a_resubmit_from_another_browser_after_the_receipt_expired_shows_the_reference_only(
    client,
):
    data = form_data()
    client.post(form_url(), data)
    cache.clear()

    other = Client()
    response = other.post(form_url(), data)
    html = other.get(receipt_url()).content.decode()

    assert response.status_code == HTTPStatus.FOUND
    assert Complaint.objects.get().reference in html
    assert STATUS_LINK.search(html) is None


def test_a_form_that_comes_back_with_an_error_keeps_its_key(client):
    data = form_data(what_happened="")

    response = send(client, **data)

    assert response.context["form"]["submission_key"].value() == data["submission_key"]


def test_a_missing_or_malformed_key_gets_a_fresh_one(client):
    assert send(client, submission_key="").status_code == HTTPStatus.FOUND
    assert send(client, submission_key="niet-een-sleutel").status_code == HTTPStatus.FOUND
    assert Complaint.objects.count() == 2
    assert Complaint.objects.filter(submission_key__isnull=True).count() == 0
