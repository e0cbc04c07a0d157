"""The parent's micro-survey behind a one-time link: its life cycle through the pages (valid,
answered, expired, unknown, malformed), the e-mail link's chosen score that records nothing,
the contact-me rules, the comment's limits and escaping, the language switch and the weight."""

import datetime
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from feedback.models import Channel, FollowUp, Invitation, Response
from feedback.services.surveys import survey_version_current, survey_version_for_answers
from tests.feedback.factories import invited_contact

pytestmark = pytest.mark.django_db

PAGE_WEIGHT_LIMIT = 50 * 1024


def survey_url(token: str, language: str = "nl") -> str:
    with translation.override(language):
        return reverse("feedback_survey", kwargs={"token": token})


def thanks_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("feedback_survey_thanks")


def form_errors(response) -> dict[str, list[str]]:
    """Error codes per field of the survey form the page shows."""
    return {
        field: [error.code for error in errors]
        for field, errors in response.context["form"].errors.as_data().items()
    }


@pytest.fixture
def invitation(staff):
    contact, token = invited_contact(staff)
    return contact, token


def test_a_valid_link_opens_the_survey_in_dutch_without_login(client, invitation):
    _contact, token = invitation

    response = client.get(survey_url(token))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="nl">' in html
    assert "data-survey-form" in html
    assert survey_version_current(Channel.CONSULTATION).satisfaction_question in html
    assert html.count('name="score"') == 5
    # "Question answered?" is asked after helpline calls and e-mails only.
    assert 'name="question_answered"' not in html
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "<script" not in html
    assert not client.cookies  # no session, no CSRF cookie: nothing to consent to


def test_helpline_and_email_surveys_ask_whether_the_question_was_answered(client, staff):
    for channel in (Channel.HELPLINE, Channel.EMAIL):
        _contact, token = invited_contact(staff, channel)

        html = client.get(survey_url(token)).content.decode()

        assert html.count('name="question_answered"') == 3
        assert survey_version_current(channel).answered_question in html


def test_the_english_page_keeps_the_token_and_shows_the_english_questions(client, invitation):
    _contact, token = invitation

    dutch = client.get(survey_url(token)).content.decode()
    response = client.get(survey_url(token, "en"))

    english = response.content.decode()
    assert survey_url(token, "en") == f"/en/f/{token}/"
    assert f'href="/en/f/{token}/"' in dutch and 'data-language-switch="en"' in dutch
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="en">' in english
    assert f'href="/f/{token}/"' in english and 'data-language-switch="nl"' in english
    assert "How satisfied are you with the consultation?" in english
    assert "Very satisfied" in english and ">Send<" in english


def test_answering_stores_one_response_and_thanks_without_the_token(client, staff, invitation):
    contact, token = invitation

    response = client.post(
        survey_url(token),
        {"score": "5", "comment": "Heel fijn gesprek.", "may_contact": ""},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == thanks_url()
    assert token not in response["Location"]
    answer = Response.objects.get(contact=contact)
    assert (answer.score, answer.comment, answer.may_contact) == (5, "Heel fijn gesprek.", False)
    assert (answer.staff, answer.language) == (staff, "nl")
    assert answer.survey_version == survey_version_current(Channel.CONSULTATION)
    thanks = client.get(response["Location"])
    assert thanks.status_code == HTTPStatus.OK
    assert 'data-survey-page="thanks"' in thanks.content.decode()
    assert "no-store" in thanks["Cache-Control"]


def test_an_answer_in_english_is_stored_as_english(client, staff):
    contact, token = invited_contact(staff, Channel.HELPLINE)

    response = client.post(survey_url(token, "en"), {"score": "2", "question_answered": "partly"})

    assert response["Location"] == thanks_url("en")
    answer = Response.objects.get(contact=contact)
    assert (answer.score, answer.question_answered, answer.language) == (2, "partly", "en")


def test_a_score_from_an_email_link_is_chosen_but_nothing_is_recorded(client, invitation):
    _contact, token = invitation

    response = client.get(f"{survey_url(token)}?score=4")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert re.search(r'<input[^>]*value="4"[^>]*checked', html)
    assert len(re.findall(r"checked", html)) == 1
    assert f'href="/en/f/{token}/?score=4"' in html
    assert not Response.objects.exists()
    # The link still works: only Send records.
    assert client.get(survey_url(token)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("score", ["0", "6", "x", "", "99999999999999999999"])
def test_a_score_in_the_address_that_is_not_on_the_scale_chooses_nothing(client, invitation, score):
    _contact, token = invitation

    response = client.get(f"{survey_url(token)}?score={score}")

    assert response.status_code == HTTPStatus.OK
    assert "checked" not in response.content.decode()
    assert not Response.objects.exists()


def test_a_used_link_gets_a_friendly_gone_page(client, invitation):
    _contact, token = invitation
    client.post(survey_url(token), {"score": "4"})

    response = client.get(survey_url(token))

    assert response.status_code == HTTPStatus.GONE
    assert 'data-reason="used"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_double_submit_shows_the_thanks_again_and_stores_one_response(client, invitation):
    contact, token = invitation

    first = client.post(survey_url(token), {"score": "4", "comment": "Eerste"})
    second = client.post(survey_url(token), {"score": "1", "comment": "Tweede"})

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first["Location"] == second["Location"] == thanks_url()
    answer = Response.objects.get(contact=contact)
    assert (answer.score, answer.comment) == (4, "Eerste")


def test_an_expired_link_gets_a_friendly_gone_page_and_records_nothing(client, invitation):
    contact, token = invitation
    Invitation.objects.filter(contact=contact).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    shown = client.get(survey_url(token))
    sent = client.post(survey_url(token), {"score": "5"})

    for response in (shown, sent):
        assert response.status_code == HTTPStatus.GONE
        assert 'data-reason="expired"' in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "AAAAAAAAAAAAAAAAAAAAAAAA",  # well-formed, never issued
        "abc",  # too short
        "a" * 65,  # too long
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "bad token with spaces and é",
    ],
)
def test_an_unknown_or_malformed_link_gets_a_friendly_not_found_page(client, invitation, token):
    for method in (client.get, client.post):
        response = method(f"/f/{token}/", {"score": "5"} if method == client.post else None)

        assert response.status_code == HTTPStatus.NOT_FOUND
        html = response.content.decode()
        assert 'data-reason="unknown"' in html
        assert "<script>alert" not in html
    assert not Response.objects.exists()


def test_only_get_and_post_are_answered(client, invitation):
    _contact, token = invitation

    assert client.put(survey_url(token)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(thanks_url()).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_without_a_score_the_page_comes_back_with_the_answers_kept(client, invitation):
    _contact, token = invitation

    response = client.post(
        survey_url(token),
        {"comment": "Wachttijd was lang", "may_contact": "on", "contact_detail": "0470123456"},
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {"score": ["required"]}
    assert "Wachttijd was lang</textarea>" in html
    assert 'value="0470123456"' in html
    assert re.search(r'<input[^>]*name="may_contact"[^>]*checked', html)
    assert 'aria-describedby="error-score"' in html
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("detail", "stored"),
    [
        ("0470 12 34 56", "0470 12 34 56"),
        ("+32 (0)3 123.45.67", "+32 (0)3 123.45.67"),
        ("  ouder@example.org ", "ouder@example.org"),
    ],
)
def test_a_parent_who_may_be_contacted_leaves_a_phone_number_or_address(
    client, invitation, detail, stored
):
    contact, token = invitation

    response = client.post(
        survey_url(token), {"score": "2", "may_contact": "on", "contact_detail": detail}
    )

    assert response.status_code == HTTPStatus.FOUND
    answer = Response.objects.get(contact=contact)
    assert (answer.may_contact, answer.contact_detail) == (True, stored)


@pytest.mark.parametrize(
    ("detail", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("bel me", "invalid"),
        ("123", "invalid"),
        ("ouder@", "invalid"),
        ("1234567890123456", "invalid"),
        ("x" * 255, "max_length"),
    ],
)
def test_a_ticked_contact_box_needs_a_valid_phone_number_or_address(
    client, invitation, detail, code
):
    _contact, token = invitation

    response = client.post(
        survey_url(token),
        {"score": "3", "comment": "Graag contact", "may_contact": "on", "contact_detail": detail},
    )

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {"contact_detail": [code]}
    assert "Graag contact</textarea>" in response.content.decode()
    assert 'aria-describedby="error-contact_detail"' in response.content.decode()
    assert not Response.objects.exists()


def test_a_detail_typed_without_the_box_ticked_is_not_kept(client, invitation):
    contact, token = invitation

    response = client.post(
        survey_url(token), {"score": "4", "contact_detail": "iets dat geen adres is" * 20}
    )

    assert response.status_code == HTTPStatus.FOUND
    answer = Response.objects.get(contact=contact)
    assert (answer.may_contact, answer.contact_detail) == (False, "")


def test_a_comment_of_2001_characters_is_refused_and_kept(client, invitation):
    _contact, token = invitation
    comment = "a" * 2001

    response = client.post(survey_url(token), {"score": "4", "comment": comment})

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {"comment": ["max_length"]}
    html = response.content.decode()
    assert f"{comment}</textarea>" in html
    assert 'maxlength="2000"' in html
    assert not Response.objects.exists()


def test_a_comment_of_2000_characters_with_line_breaks_is_accepted(client, invitation):
    contact, token = invitation
    # A browser counts a line break as one character and sends it as two (CR LF).
    comment = "\r\n".join(["b" * 99] * 20)

    response = client.post(survey_url(token), {"score": "4", "comment": comment})

    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.get(contact=contact).comment == comment.replace("\r\n", "\n")


def test_a_comment_with_html_is_stored_as_text_and_shown_escaped(client, invitation):
    contact, token = invitation
    comment = '<script>alert("x")</script><b>vet</b>'

    shown_again = client.post(
        survey_url(token),
        {"score": "4", "comment": comment, "may_contact": "on", "contact_detail": "nee"},
    )
    client.post(survey_url(token), {"score": "4", "comment": comment})

    html = shown_again.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>vet" not in html
    assert Response.objects.get(contact=contact).comment == comment
    assert "<script>" not in client.get(thanks_url()).content.decode()


def test_a_comment_with_a_null_character_gets_a_message_not_an_error(client, invitation):
    _contact, token = invitation

    response = client.post(survey_url(token), {"score": "4", "comment": "nul\x00teken"})

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {"comment": ["null_characters_not_allowed"]}


def test_an_answer_that_is_not_an_option_gets_a_message_at_the_question(client, staff):
    _contact, token = invited_contact(staff, Channel.EMAIL)

    response = client.post(survey_url(token), {"score": "9", "question_answered": "maybe"})

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == {
        "score": ["invalid_choice"],
        "question_answered": ["invalid_choice"],
    }


def test_a_signed_in_member_still_being_onboarded_can_answer(client, parent, invitation):
    _contact, token = invitation
    client.force_login(parent)

    assert client.get(survey_url(token)).status_code == HTTPStatus.OK
    assert client.post(survey_url(token), {"score": "5"})["Location"] == thanks_url()


def _static_path(url: str) -> Path:
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, url
    return Path(found)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_whole_survey_page_weighs_under_50_kb(client, staff, language):
    # The largest survey: helpline, with "question answered?", and every message shown.
    _contact, token = invited_contact(staff, Channel.HELPLINE)
    response = client.post(
        survey_url(token, language),
        {"comment": "x" * 2001, "may_contact": "on", "contact_detail": "?"},
    )
    html = response.content

    assets = set(re.findall(rf'(?:href|src)="({settings.STATIC_URL}[^"]+)"', html.decode()))
    weight = len(html) + sum(_static_path(url).stat().st_size for url in assets)

    assert {url.rsplit(".", 1)[-1] for url in assets} == {"css", "svg"}
    assert len(assets) == 8  # the stylesheet, the icon, the mark and five faces
    assert weight < PAGE_WEIGHT_LIMIT, weight


# Transactional (it empties the database after it): `make test` runs `races` after the others.
@pytest.mark.races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_answer_is_one_insert_in_autocommit_and_a_low_score_one_transaction(client, staff):
    """In production a request runs in autocommit: the answer's insert is then its own
    transaction (no BEGIN and COMMIT round trips), except a low score, whose follow-up item
    is written in the same transaction as the answer."""
    (_contact, good), (_low_contact, low) = invited_contact(staff), invited_contact(staff)
    survey_version_for_answers(Channel.CONSULTATION)  # made before, as in real use
    inserts = []

    def record(execute, sql, params, many, context):
        if sql.startswith("INSERT"):
            inserts.append((sql.split('"')[1], context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.post(survey_url(good), {"score": "4"})
        answered = list(inserts)
        inserts.clear()
        client.post(survey_url(low), {"score": "1"})

    assert answered == [(Response._meta.db_table, False)]
    assert (Response._meta.db_table, True) in inserts
    assert (FollowUp._meta.db_table, True) in inserts
    assert Response.objects.count() == 2


def test_sending_an_answer_costs_four_queries(client, invitation, django_assert_num_queries):
    _contact, token = invitation
    survey_version_for_answers(Channel.CONSULTATION)  # kept in the cache from then on

    # The invitation with "answered?" (one table: it carries its contact's channel, staff
    # member, team and region); the insert in its savepoint. The bench (bench/survey.py)
    # counts on staying this lean.
    with django_assert_num_queries(4):
        response = client.post(survey_url(token), {"score": "4", "comment": "Goed"})

    assert response.status_code == HTTPStatus.FOUND
