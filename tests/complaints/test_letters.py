"""Letters: written from editable templates in Dutch and English with known placeholders only,
kept exactly as sent, e-mailed once after the step commits (plain text) or kept to print and
post; an answer always ends with the referral to the Vlaamse Ombudsdienst."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.forms.letters import AnswerTemplateForm
from complaints.models import (
    AnswerTemplate,
    ComplaintLetter,
    LetterKind,
    Outcome,
    RefusalGround,
)
from complaints.services.handling import (
    complaint_acknowledge,
    complaint_answer,
    complaint_assign,
    complaint_refuse,
    complaint_start_handling,
)
from complaints.services.letters import (
    OMBUDSMAN_REFERRAL,
    LetterDraft,
    letter_fill,
    letter_mail,
    letter_template_default,
    letter_templates,
    placeholders_unknown,
)
from complaints.wagtail_hooks.handling import letter_template_viewset
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2024, 2, 20, 10, 0, tzinfo=datetime.UTC)


def _template(kind: str, language: str = "nl") -> AnswerTemplate:
    return letter_template_default(letter_templates(), kind=kind, language=language)


def _in_handling(complaint, officer):
    draft = letter_fill(template=_template(LetterKind.ACKNOWLEDGEMENT), complaint=complaint)
    complaint_acknowledge(complaint=complaint, by=officer, letter=draft)
    return complaint_start_handling(complaint=complaint, by=officer)


def test_the_default_templates_exist_in_dutch_and_english_for_each_letter():
    kinds = set(AnswerTemplate.objects.filter(active=True).values_list("kind", "language"))

    assert kinds == {(kind, language) for kind in LetterKind.values for language in ("nl", "en")}
    for template in AnswerTemplate.objects.all():
        assert placeholders_unknown(template.subject + template.body) == []


def test_the_acknowledgement_is_filled_in_for_the_complaint(complaints_lead, complaints_officer):
    complaints_officer.first_name, complaints_officer.last_name = "Lien", "Claes"
    complaints_officer.save()
    complaint = ComplaintFactory(received_at=RECEIVED)
    complaint_assign(complaint=complaint, handler=complaints_officer, by=complaints_lead)
    complaint.refresh_from_db()

    draft = letter_fill(template=_template(LetterKind.ACKNOWLEDGEMENT), complaint=complaint)

    assert draft.subject == f"Wij hebben uw klacht ontvangen ({complaint.reference})"
    assert draft.body.startswith("Beste Sofie Peeters,")
    # 20 February 2024 + 45 calendar days: a leap year's February has 29 days.
    assert "op 20 februari 2024" in draft.body and "ten laatste op 5 april 2024" in draft.body
    assert "Uw contactpersoon is Lien Claes." in draft.body
    assert "{" not in draft.body
    assert OMBUDSMAN_REFERRAL["nl"] not in draft.body


def test_an_english_letter_speaks_english_and_a_missing_name_is_polite(complaints_officer):
    complaint = ComplaintFactory(received_at=RECEIVED, name="", language="en")

    draft = letter_fill(template=_template(LetterKind.ACKNOWLEDGEMENT, "en"), complaint=complaint)

    assert draft.body.startswith("Dear Sir or Madam,")
    assert "on 20 February 2024" in draft.body and "the complaints service" in draft.body
    assert draft.language == "en"


def test_the_answer_always_ends_with_the_ombudsman_referral(complaint, complaints_officer):
    _in_handling(complaint, complaints_officer)
    template = _template(LetterKind.ANSWER)
    assert "Ombudsdienst" not in template.body  # the template leaves it out

    draft = letter_fill(template=template, complaint=complaint, outcome=Outcome.PARTLY_FOUNDED)
    assert draft.body.endswith(OMBUDSMAN_REFERRAL["nl"])
    # The officer deletes it while editing: it is added again when sent, once.
    edited = LetterDraft(
        subject=draft.subject,
        body=draft.body.replace(OMBUDSMAN_REFERRAL["nl"], "").strip() + "\n\nGroeten, Lien",
        language="nl",
        template=template,
    )
    complaint_answer(
        complaint=complaint,
        by=complaints_officer,
        outcome="partly_founded",
        norms=[],
        letter=edited,
    )

    letter = complaint.letters.get(kind=LetterKind.ANSWER)
    assert letter.body.endswith("Groeten, Lien\n\n" + OMBUDSMAN_REFERRAL["nl"])
    assert letter.body.count("Vlaamse Ombudsdienst") == 1
    for words in (
        "Leuvenseweg 86, 1000 Brussel",
        "gratis nummer 1700",
        "www.vlaamseombudsdienst.be",
    ):
        assert words in letter.body


def test_an_english_answer_gets_the_english_referral(complaints_officer):
    complaint = ComplaintFactory(language="en")
    _in_handling(complaint, complaints_officer)

    draft = letter_fill(
        template=_template(LetterKind.ANSWER, "en"), complaint=complaint, outcome=Outcome.FOUNDED
    )

    assert draft.body.endswith(OMBUDSMAN_REFERRAL["en"])
    assert "klachten@vlaamseombudsdienst.be" in draft.body


@pytest.mark.parametrize("ground", RefusalGround.values)
def test_each_refusal_ground_reaches_its_letter(complaint, complaints_officer, ground):
    template = _template(LetterKind.REFUSAL)
    draft = letter_fill(
        template=template,
        complaint=complaint,
        refusal_ground=ground,
        refusal_reason="U diende dezelfde klacht in 2025 in.",
    )

    complaint_refuse(
        complaint=complaint,
        by=complaints_officer,
        refusal_ground=ground,
        refusal_reason="U diende dezelfde klacht in 2025 in.",
        letter=draft,
    )

    letter = complaint.letters.get()
    assert f"Waarom niet? {RefusalGround(ground).label}." in letter.body
    assert "U diende dezelfde klacht in 2025 in." in letter.body


def test_a_letter_is_kept_as_sent_and_mailed_once_after_commit(
    complaint, complaints_officer, django_capture_on_commit_callbacks
):
    draft = LetterDraft(
        subject="  Wij  hebben uw klacht ontvangen ",
        body="Beste Sofie,\r\n\r\nBedankt voor uw bericht. <script>alert(1)</script>\r\n",
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint_acknowledge(complaint=complaint, by=complaints_officer, letter=draft)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    letter = ComplaintLetter.objects.get()
    assert letter.subject == "Wij hebben uw klacht ontvangen"
    assert letter.body == "Beste Sofie,\n\nBedankt voor uw bericht. <script>alert(1)</script>"
    assert (letter.sent_to, letter.sent_by, letter.by_post) == (
        "sofie@example.org",
        complaints_officer,
        False,
    )
    assert letter.sent_at is not None and letter.emailed_at is not None
    [message] = mail.outbox
    assert message.to == ["sofie@example.org"]
    assert message.subject.endswith("Wij hebben uw klacht ontvangen")
    assert message.body == letter.body
    assert not getattr(message, "alternatives", [])  # plain text only

    assert letter_mail(letter_id=letter.pk) is False  # run again: nothing more
    assert len(mail.outbox) == 1


def test_without_an_e_mail_address_the_letter_is_kept_to_print_and_post(
    complaints_officer, django_capture_on_commit_callbacks
):
    complaint = ComplaintFactory(email="", postal_address="Kerkstraat 1\n9000 Gent")
    draft = letter_fill(template=_template(LetterKind.ACKNOWLEDGEMENT), complaint=complaint)

    with django_capture_on_commit_callbacks(execute=True):
        complaint_acknowledge(complaint=complaint, by=complaints_officer, letter=draft)

    letter = complaint.letters.get()
    assert letter.by_post and letter.emailed_at is None
    assert letter.sent_to == "Kerkstraat 1\n9000 Gent"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "draft, field",
    [
        (LetterDraft(subject="", body="Tekst"), "subject"),
        (LetterDraft(subject="x" * 201, body="Tekst"), "subject"),
        (LetterDraft(subject="Onderwerp", body="x" * 20001), "body"),
        (LetterDraft(subject="Onderwerp", body="Tekst\x00"), "body"),
    ],
    ids=["empty-subject", "long-subject", "long-body", "nul"],
)
def test_a_bad_letter_saves_nothing(complaint, complaints_officer, draft, field):
    with pytest.raises(ValidationError) as error:
        complaint_acknowledge(complaint=complaint, by=complaints_officer, letter=draft)

    assert field in error.value.message_dict
    complaint.refresh_from_db()
    assert complaint.stage == "received" and not ComplaintLetter.objects.exists()


def test_a_template_of_another_kind_is_refused(complaint, complaints_officer):
    draft = LetterDraft(subject="Onderwerp", body="Tekst", template=_template(LetterKind.REFUSAL))

    with pytest.raises(ValidationError) as error:
        complaint_acknowledge(complaint=complaint, by=complaints_officer, letter=draft)

    assert list(error.value.message_dict) == ["template"]


def test_only_the_known_placeholders_are_filled_and_nothing_else_is_reached(complaint):
    template = AnswerTemplate(
        kind=LetterKind.ACKNOWLEDGEMENT,
        language="nl",
        subject="{reference}",
        body="{reference.__class__} {name!r} {unknown} {{reference}} {name}",
    )

    draft = letter_fill(template=template, complaint=complaint)

    assert draft.body == (
        "{reference.__class__} {name!r} {unknown} {" + complaint.reference + "} Sofie Peeters"
    )
    assert placeholders_unknown(template.body) == ["reference.__class__", "name!r", "unknown"]


def _template_data(**fields) -> dict:
    return {
        "name": "Antwoord kort",
        "kind": LetterKind.ANSWER,
        "language": "nl",
        "subject": "Antwoord ({reference})",
        "body": "Beste {name}, ons oordeel: {outcome}.",
        "active": "on",
        **fields,
    }


def test_the_template_form_refuses_an_unknown_placeholder():
    form_class = letter_template_viewset.get_form_class()
    assert issubclass(form_class, AnswerTemplateForm)
    form = form_class(data=_template_data(body="Beste {naam}, {outcome}"))

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["body"]] == ["unknown_placeholder"]
    assert "{naam}" in form.errors["body"][0]
    assert form_class(data=_template_data()).is_valid()


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_who_manages_the_letter_templates(client_for_role, role):
    template = _template(LetterKind.ANSWER)
    client = client_for_role(role)

    index = client.get(reverse("complaints_letter_templates:index"))
    edit = client.get(reverse("complaints_letter_templates:edit", args=[template.pk]))
    client.post(reverse("complaints_letter_templates:add"), _template_data())

    allowed = role in {"complaints_lead", "admin"}
    added = AnswerTemplate.objects.filter(name="Antwoord kort").exists()
    if allowed:
        assert (index.status_code, edit.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
        assert added
    else:
        for response in (index, edit):
            assert response.status_code == HTTPStatus.FORBIDDEN or (
                response.status_code == HTTPStatus.FOUND
                and (response["Location"] == "/admin/" or "/login/" in response["Location"])
            ), (role, response.status_code)
        assert not added


def test_an_unknown_placeholder_is_shown_at_the_field_in_the_admin(client_for_role):
    client = client_for_role("complaints_lead")

    response = client.post(
        reverse("complaints_letter_templates:add"), _template_data(body="Dag {naam}")
    )

    assert response.status_code == HTTPStatus.OK
    assert "{naam}" in response.content.decode()
    assert "Dag {naam}" in response.content.decode()  # the typed text is kept
    assert not AnswerTemplate.objects.filter(name="Antwoord kort").exists()
