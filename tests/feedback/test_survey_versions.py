"""Survey questions per channel: administrators save new versions (never changing one that was
answered), in Dutch and English, with a history; parents get the newest."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Channel, Response, SurveyVersion
from feedback.services.survey_versions import SURVEY_TEXT_FIELDS, survey_version_create
from feedback.services.surveys import survey_version_current
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import invited_contact, response_for

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/feedback/survey-questions/"


def edit_url(channel: str) -> str:
    return reverse("feedback_admin_survey_version_edit", args=[channel])


def wording(**changes: str) -> dict[str, str]:
    current = survey_version_current(Channel.HELPLINE)
    return {**{name: getattr(current, name) for name in SURVEY_TEXT_FIELDS}, **changes}


def form_errors(response) -> dict[str, list[str]]:
    return {
        field: [error.code for error in errors]
        for field, errors in response.context["form"].errors.as_data().items()
    }


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_administrators_manage_the_survey_questions(client_for_role, role):
    client = client_for_role(role)

    listed = client.get(LIST_URL)
    edited = client.get(edit_url(Channel.HELPLINE))
    saved = client.post(edit_url(Channel.HELPLINE), wording(satisfaction_question="Nieuw?"))

    if role == "admin":
        assert listed.status_code == edited.status_code == HTTPStatus.OK
        assert saved.status_code == HTTPStatus.FOUND
        assert survey_version_current(Channel.HELPLINE).version == 2
        return
    for response in (listed, edited, saved):
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        if response.status_code == HTTPStatus.FOUND:
            # Wagtail sends staff without the permission to the admin home with a message.
            expected = "/accounts/login/" if role == "anonymous" else "/admin/"
            assert response["Location"].startswith(expected)
    assert SurveyVersion.objects.filter(version__gt=1).count() == 0


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_the_survey_questions_menu_item_shows_for_administrators_only(client_for_role, role):
    response = client_for_role(role).get("/admin/")

    shown = response.status_code == HTTPStatus.OK and LIST_URL in response.content.decode()
    assert shown is (role == "admin")


def test_the_list_shows_each_channel_with_its_current_questions(client_for_role):
    survey_version_create(
        channel=Channel.EMAIL, created_by=None, improvement_question="Wat kan beter?"
    )

    response = client_for_role("admin").get(LIST_URL)

    html = response.content.decode()
    for channel in Channel:
        version = 2 if channel == Channel.EMAIL else 1
        assert f'data-channel="{channel.value}" data-version="{version}"' in html
    assert "Wat kan beter?" in html


def test_saving_adds_the_next_version_and_keeps_the_answered_one(client_for_role, staff):
    answered = response_for(staff, channel=Channel.HELPLINE)
    first = answered.survey_version
    client = client_for_role("admin")

    response = client.post(
        edit_url(Channel.HELPLINE),
        wording(
            satisfaction_question="Hoe was je gesprek?", satisfaction_question_en="How was it?"
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == LIST_URL
    newest = survey_version_current(Channel.HELPLINE)
    assert (newest.version, newest.satisfaction_question) == (2, "Hoe was je gesprek?")
    assert newest.created_by.email == "beheerder@example.org"
    first.refresh_from_db()
    assert first.satisfaction_question == "Hoe tevreden ben je over je gesprek met de K&G-Lijn?"
    answered.refresh_from_db()
    assert answered.survey_version == first
    # Parents now get the new version, in both languages.
    _contact, token = invited_contact(staff, Channel.HELPLINE)
    assert "Hoe was je gesprek?" in client.get(f"/f/{token}/").content.decode()
    assert "How was it?" in client.get(f"/en/f/{token}/").content.decode()


def test_the_same_form_sent_twice_adds_one_version(client_for_role):
    client = client_for_role("admin")
    sent = wording(contact_question="Mogen we je bellen?")

    client.post(edit_url(Channel.HELPLINE), sent)
    client.post(edit_url(Channel.HELPLINE), sent)

    assert SurveyVersion.objects.filter(channel=Channel.HELPLINE).count() == 2


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"satisfaction_question": ""}, {"satisfaction_question": ["required"]}),
        ({"contact_question_en": "x" * 201}, {"contact_question_en": ["max_length"]}),
        ({"answered_question_en": ""}, {"answered_question_en": ["one_language"]}),
        ({"answered_question": ""}, {"answered_question": ["one_language"]}),
    ],
)
def test_bad_input_is_shown_at_the_field_with_the_text_kept(client_for_role, changes, errors):
    client = client_for_role("admin")
    sent = wording(improvement_question="Wat kunnen we nog beter doen?", **changes)

    response = client.post(edit_url(Channel.HELPLINE), sent)

    assert response.status_code == HTTPStatus.OK
    assert form_errors(response) == errors
    assert 'value="Wat kunnen we nog beter doen?"' in response.content.decode()
    assert SurveyVersion.objects.filter(channel=Channel.HELPLINE).count() == 1


def test_a_channel_can_stop_asking_whether_the_question_was_answered(client_for_role, staff):
    client_for_role("admin").post(
        edit_url(Channel.EMAIL), wording(answered_question="", answered_question_en="")
    )

    assert not survey_version_current(Channel.EMAIL).asks_question_answered
    _contact, token = invited_contact(staff, Channel.EMAIL)
    html = client_for_role("anonymous").get(f"/f/{token}/").content.decode()
    assert 'name="question_answered"' not in html


def test_an_unknown_channel_is_not_found(client_for_role):
    assert client_for_role("admin").get(edit_url("fax")).status_code == HTTPStatus.NOT_FOUND


def test_the_service_refuses_unknown_texts_and_one_sided_questions():
    with pytest.raises(TypeError):
        survey_version_create(channel=Channel.EMAIL, created_by=None, colour="blue")
    with pytest.raises(ValidationError) as error:
        survey_version_create(channel=Channel.EMAIL, created_by=None, answered_question_en="")
    assert error.value.error_dict["answered_question_en"][0].code == "one_language"
    assert not SurveyVersion.objects.filter(channel=Channel.EMAIL, version__gt=1).exists()


@pytest.mark.parametrize("versions", [5, 50])
def test_the_history_costs_the_same_queries_for_5_and_50_versions(
    client_for_role, staff, django_assert_num_queries, versions
):
    client = client_for_role("admin")
    client.get(edit_url(Channel.HELPLINE))  # the session and the admin's caches, warmed
    # The budget: the page with its one default version (the admin menu's own queries vary
    # with the items other features register).
    with CaptureQueriesContext(connection) as one_version:
        client.get(edit_url(Channel.HELPLINE))
    for number in range(2, versions + 1):
        survey_version_create(
            channel=Channel.HELPLINE, created_by=None, improvement_question=f"Vraag {number}"
        )
        response_for(staff, channel=Channel.HELPLINE)

    with django_assert_num_queries(len(one_version.captured_queries)):
        response = client.get(edit_url(Channel.HELPLINE))

    html = response.content.decode()
    assert html.count("data-version=") == versions
    assert f'data-version="{versions}" data-answers="1"' in html
    assert 'data-version="1" data-answers="0"' in html
    assert Response.objects.count() == versions - 1


def test_the_survey_asks_the_new_questions_as_soon_as_they_are_saved(
    client, staff, django_capture_on_commit_callbacks
):
    _contact, token = invited_contact(staff, channel=Channel.HELPLINE)
    survey = reverse("feedback_survey", kwargs={"token": token})
    assert "Hoe was je gesprek?" not in client.get(survey).content.decode()  # now kept

    with django_capture_on_commit_callbacks(execute=True):
        survey_version_create(
            channel=Channel.HELPLINE, created_by=None, satisfaction_question="Hoe was je gesprek?"
        )

    assert "Hoe was je gesprek?" in client.get(survey).content.decode()
    client.post(survey, {"score": "5", "question_answered": "yes"})
    assert Response.objects.get().survey_version.satisfaction_question == "Hoe was je gesprek?"
