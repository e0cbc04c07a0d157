"""The complaints pages in the admin: who opens the list, a complaint and each step (a matrix
over the complaints roles), the list's order and filters, the steps through the forms (fill in a
letter, send it, a mistake at its field with the text kept, a double click), the menu, and a
fixed number of queries for 5 or 50 rows."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    EventAction,
    LetterKind,
    Outcome,
    RefusalGround,
    Stage,
)
from complaints.services.letters import (
    OMBUDSMAN_REFERRAL,
    letter_template_default,
    letter_templates,
)
from complaints.services.register import event_log
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

LIST = "complaints_admin_list"
DETAIL = "complaints_admin_complaint"
ACTION = "complaints_admin_complaint_action"
HANDLERS = {"complaints_officer", "other_complaints_officer", "complaints_lead"}
# The admin's own queries (permissions, profile, groups, locales, page, collection and site
# permissions; "complaints about me" asks only staff members and team leads) and ours: the
# handlers for the filter, the count and the page with its handlers.
LIST_QUERY_BUDGET = 11
# The admin's own (9, as for the list) and ours: the complaint, its letters, log, attachments,
# actions and codes, the events with their actors, and the forms' choices (handlers,
# templates, staff, teams, actions, codes).
DETAIL_QUERY_BUDGET = 21


def _denied(response) -> bool:
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and (response["Location"] == "/admin/" or "/login/" in response["Location"])
    )


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-complaint="(\d+)"', html)]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _at(complaint: Complaint, stage: str, **fields) -> Complaint:
    now = timezone.now()
    stamps = {
        Stage.ACKNOWLEDGED: {"acknowledged_at": now},
        Stage.IN_HANDLING: {"acknowledged_at": now, "handling_started_at": now},
        Stage.ANSWERED: {"acknowledged_at": now, "answered_at": now, "outcome": Outcome.FOUNDED},
    }.get(stage, {})
    Complaint.objects.filter(pk=complaint.pk).update(stage=stage, **{**stamps, **fields})
    complaint.refresh_from_db()
    return complaint


# --- who sees what ---


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_who_opens_the_complaints_list(client_for_role, role, complaint):
    response = client_for_role(role).get(reverse(LIST))

    if role in HANDLERS or role == "safeguarding_officer":
        assert response.status_code == HTTPStatus.OK
        shown = complaint.pk in _ids(response.content.decode())
        assert shown == (role in HANDLERS)  # not flagged: not the safeguarding officer's
    else:
        assert _denied(response), response.status_code


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_who_opens_a_complaint(client_for_role, role, complaint_about_subject):
    response = client_for_role(role).get(reverse(DETAIL, args=[complaint_about_subject.pk]))

    if role in HANDLERS:
        assert response.status_code == HTTPStatus.OK
        assert "sofie@example.org" in response.content.decode()
    elif role == "safeguarding_officer":
        assert response.status_code == HTTPStatus.NOT_FOUND
    else:
        assert _denied(response), response.status_code


def test_an_officer_does_not_see_a_complaint_about_themselves(client_for_role, complaints_officer):
    about_me = ComplaintFactory(about_user=complaints_officer)
    client = client_for_role("complaints_officer")

    assert client.get(reverse(DETAIL, args=[about_me.pk])).status_code == HTTPStatus.NOT_FOUND
    assert about_me.pk not in _ids(client.get(reverse(LIST)).content.decode())
    response = client.post(reverse(ACTION, args=[about_me.pk, "start"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


STEPS = {
    # action: (stage to start from, form data, check it happened)
    "assign": (Stage.RECEIVED, {"handler": "{officer}"}, lambda c: c.handler_id is not None),
    "acknowledge": (
        Stage.RECEIVED,
        {"subject": "Ontvangen", "body": "Beste Sofie, ontvangen."},
        lambda c: c.stage == Stage.ACKNOWLEDGED,
    ),
    "refuse": (
        Stage.RECEIVED,
        {
            "refusal_ground": RefusalGround.OLDER_THAN_A_YEAR,
            "refusal_reason": "De feiten dateren van 2019.",
            "subject": "Niet behandeld",
            "body": "Beste Sofie, wij behandelen uw klacht niet.",
        },
        lambda c: c.stage == Stage.REFUSED,
    ),
    "start": (Stage.ACKNOWLEDGED, {}, lambda c: c.stage == Stage.IN_HANDLING),
    "answer": (
        Stage.IN_HANDLING,
        {"outcome": Outcome.UNFOUNDED, "subject": "Antwoord", "body": "Beste Sofie, ons antwoord."},
        lambda c: c.stage == Stage.ANSWERED,
    ),
    "reopen": (
        Stage.ANSWERED,
        {"reason": "De ouder belde terug."},
        lambda c: c.stage == "in_handling",
    ),
    "close": (Stage.ANSWERED, {}, lambda c: c.stage == Stage.CLOSED),
    "solved": (Stage.RECEIVED, {"note": "Excuses aanvaard."}, lambda c: c.solved_at is not None),
    "not_a_complaint": (Stage.RECEIVED, {"reason": "Een vraag."}, lambda c: c.stage == "closed"),
    "details": (Stage.RECEIVED, {"summary": "Kortaf"}, lambda c: c.summary == "Kortaf"),
    "conciliation": (
        Stage.RECEIVED,
        {"kind": "call", "happened_on": "{today}", "summary": "Gebeld."},
        lambda c: c.conciliation.exists(),
    ),
    "safeguarding": (
        Stage.RECEIVED,
        {"note": "Een kind in gevaar."},
        lambda c: c.safeguarding_flagged_at is not None,
    ),
    "share": (Stage.ANSWERED, {}, lambda c: c.outcome_shared_at is not None),
}


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
@pytest.mark.parametrize("action", list(STEPS))
def test_who_takes_each_step(
    client_for_role, role, action, complaint_about_subject, complaints_officer
):
    stage, data, happened = STEPS[action]
    complaint = _at(complaint_about_subject, stage)
    data = {
        key: value.format(officer=complaints_officer.pk, today=timezone.localdate().isoformat())
        for key, value in data.items()
    }
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()

    response = client_for_role(role).post(reverse(ACTION, args=[complaint.pk, action]), data)

    complaint.refresh_from_db()
    allowed = role == "complaints_lead" if action == "assign" else role in HANDLERS
    if allowed:
        assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
        assert happened(complaint)
    else:
        if role == "safeguarding_officer":
            assert response.status_code == HTTPStatus.NOT_FOUND
        else:
            assert _denied(response), (role, response.status_code)
        assert not happened(complaint)
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before


def test_the_steps_shown_follow_the_stage_and_the_role(client_for_role, complaint):
    def steps(client) -> set[str]:
        html = client.get(reverse(DETAIL, args=[complaint.pk])).content.decode()
        return set(re.findall(r'data-step="([a-z_]+)"', html))

    officer = client_for_role("complaints_officer")
    received = {"acknowledge", "refuse", "close", "solved", "not_a_complaint", "details"}
    received |= {"conciliation", "safeguarding"}
    assert steps(officer) == received
    _at(complaint, Stage.ANSWERED)
    answered = {"reopen", "close", "solved", "details", "conciliation", "safeguarding"}
    assert steps(officer) == answered
    assert steps(client_for_role("complaints_lead")) == answered | {"assign"}


def test_a_get_never_takes_a_step(client_for_role, complaint):
    response = client_for_role("complaints_officer").get(
        reverse(ACTION, args=[complaint.pk, "start"])
    )

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_an_unknown_step_is_not_found(client_for_role, complaint):
    client = client_for_role("complaints_officer")

    assert client.post(reverse(ACTION, args=[complaint.pk, "delete"])).status_code == 404


# --- the list ---


def test_open_complaints_come_first_the_most_overdue_first_and_the_filters_work(
    client_for_role, complaints_officer, other_complaints_officer
):
    now = timezone.now()
    late = ComplaintFactory(received_at=now - datetime.timedelta(days=12))
    soon = ComplaintFactory(
        received_at=now - datetime.timedelta(days=7), handler=complaints_officer
    )
    fresh = ComplaintFactory(received_at=now, channel=ComplaintChannel.PHONE)
    closed = _at(ComplaintFactory(received_at=now - datetime.timedelta(days=90)), Stage.CLOSED)
    mine_answering = _at(
        ComplaintFactory(received_at=now - datetime.timedelta(days=20), handler=complaints_officer),
        Stage.IN_HANDLING,
    )
    client = client_for_role("complaints_officer")

    default = client.get(reverse(LIST)).content.decode()
    assert _ids(default) == [late.pk, soon.pk, fresh.pk, mine_answering.pk]
    assert f'data-complaint="{late.pk}" data-stage="received" data-overdue="1"' in default
    assert 'data-days-left="-2"' in default and 'data-days-left="3"' in default
    assert _ids(client.get(reverse(LIST), {"stage": "all"}).content.decode())[-1] == closed.pk
    assert _ids(client.get(reverse(LIST), {"handler": "mine"}).content.decode()) == [
        soon.pk,
        mine_answering.pk,
    ]
    assert _ids(client.get(reverse(LIST), {"handler": "none"}).content.decode()) == [
        late.pk,
        fresh.pk,
    ]
    assert _ids(client.get(reverse(LIST), {"overdue": "on"}).content.decode()) == [late.pk]
    assert _ids(client.get(reverse(LIST), {"channel": "phone"}).content.decode()) == [fresh.pk]
    assert _ids(client.get(reverse(LIST), {"stage": "closed"}).content.decode()) == [closed.pk]
    assert _ids(client.get(reverse(LIST), {"handler": "999999"}).content.decode()) == _ids(default)


def test_overdue_is_said_in_words_not_only_in_colour(client_for_role):
    ComplaintFactory(received_at=timezone.now() - datetime.timedelta(days=12))

    html = client_for_role("complaints_officer").get(reverse(LIST)).content.decode()

    assert re.search(r"data-overdue>[^<]*2[^<]*</span>", html)


def test_the_list_pages_through_many_complaints(client_for_role):
    for _ in range(30):
        ComplaintFactory()

    client = client_for_role("complaints_officer")
    first = _ids(client.get(reverse(LIST)).content.decode())
    second = _ids(client.get(reverse(LIST), {"page": 2}).content.decode())

    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_costs_the_same_queries_for_5_or_50_rows(
    client_for_role, django_assert_num_queries, complaints_officer, rows
):
    for number in range(rows):
        ComplaintFactory(handler=complaints_officer if number % 2 else None)
    client = client_for_role("complaints_officer")
    client.get(reverse(LIST))  # warm the session

    with django_assert_num_queries(LIST_QUERY_BUDGET):
        response = client.get(reverse(LIST), {"stage": "all"})

    assert len(_ids(response.content.decode())) == min(rows, 25)


# --- one complaint ---


@pytest.mark.parametrize("events", [5, 50])
def test_a_complaint_costs_the_same_queries_for_5_or_50_events(
    client_for_role, django_assert_num_queries, complaints_officer, complaints_lead, events
):
    complaint = ComplaintFactory(handler=complaints_officer)
    for number in range(events):
        event_log(
            complaint=complaint,
            action=EventAction.DETAILS,
            actor=complaints_lead if number % 2 else complaints_officer,
            detail=f"Wijziging {number}",
        )
        ConciliationEntry.objects.create(
            complaint=complaint, kind="call", happened_on=timezone.localdate(), summary="Gebeld"
        )
    client = client_for_role("complaints_lead")
    client.get(reverse(DETAIL, args=[complaint.pk]))

    with django_assert_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(reverse(DETAIL, args=[complaint.pk]))

    assert response.content.decode().count('data-event="details"') == events


def test_the_parents_words_are_shown_as_text(client_for_role):
    complaint = ComplaintFactory(
        what_happened="<script>alert('x')</script> Niemand luisterde.", name="<b>Sofie</b>"
    )

    html = client_for_role("complaints_officer").get(reverse(DETAIL, args=[complaint.pk]))
    html = html.content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Niemand luisterde." in html
    assert "<script>alert" not in html and "<b>Sofie</b>" not in html


def test_the_handler_cannot_be_the_subject_and_the_form_says_so_at_the_field(
    client_for_role, complaints_officer
):
    complaint = ComplaintFactory(about_user=complaints_officer)

    response = client_for_role("complaints_lead").post(
        reverse(ACTION, args=[complaint.pk, "assign"]), {"handler": complaints_officer.pk}
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["forms"]["assign"]
    assert [error.code for error in form.errors.as_data()["handler"]] == ["subject"]
    assert (
        "De behandelaar kan niet de persoon zijn over wie de klacht gaat."
        in response.content.decode()
    )
    assert 'id="step-assign" data-step="assign" open' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.handler is None


def test_a_letter_is_filled_in_edited_and_sent_as_edited(
    client_for_role, complaint, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for_role("complaints_officer")
    template = letter_template_default(letter_templates(), kind=LetterKind.REFUSAL, language="nl")
    data = {
        "refusal_ground": RefusalGround.HANDLED_BEFORE,
        "refusal_reason": "U diende dezelfde klacht in maart in.",
        "template": template.pk,
        "subject": "",
        "body": "",
    }

    filled = client.post(reverse(ACTION, args=[complaint.pk, "refuse"]), {**data, "fill": "1"})

    assert filled.status_code == HTTPStatus.OK
    form = filled.context["forms"]["refuse"]
    body = form["body"].value()
    assert "U diende dezelfde klacht in maart in." in body and complaint.reference in body
    assert body in filled.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED and not complaint.letters.exists()

    edited = body.replace("Met vriendelijke groeten", "Met hartelijke groeten")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse(ACTION, args=[complaint.pk, "refuse"]),
            {**data, "subject": form["subject"].value(), "body": edited},
        )

    assert sent.status_code == HTTPStatus.FOUND
    letter = complaint.letters.get()
    assert letter.body == edited.replace("\r\n", "\n").strip()
    assert "Met hartelijke groeten" in letter.body
    assert [message.body for message in mailoutbox] == [letter.body]


def test_sending_a_letter_without_filling_it_in_asks_for_the_text(client_for_role, complaint):
    client = client_for_role("complaints_officer")
    response = client.post(
        reverse(ACTION, args=[complaint.pk, "answer"]),
        {"outcome": Outcome.FOUNDED, "subject": "Antwoord", "body": ""},
    )

    # Received, not in handling: the answer is not a step now.
    assert response.status_code == HTTPStatus.FOUND
    _at(complaint, Stage.IN_HANDLING)
    response = client.post(
        reverse(ACTION, args=[complaint.pk, "answer"]),
        {"outcome": "", "norms": ["privacy"], "subject": "Antwoord", "body": ""},
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["forms"]["answer"].errors.as_data()
    assert set(errors) == {"outcome", "body"}
    assert re.search(r'value="privacy" id="[^"]+" checked', response.content.decode())
    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_HANDLING and not complaint.letters.exists()


def test_the_answer_sent_through_the_page_ends_with_the_ombudsman_referral(
    client_for_role, complaint
):
    _at(complaint, Stage.IN_HANDLING)

    client_for_role("complaints_officer").post(
        reverse(ACTION, args=[complaint.pk, "answer"]),
        {"outcome": Outcome.PARTLY_FOUNDED, "norms": ["timeliness"], "subject": "A", "body": "B"},
    )

    letter = ComplaintLetter.objects.get(complaint=complaint)
    assert letter.body == "B\n\n" + OMBUDSMAN_REFERRAL["nl"]
    complaint.refresh_from_db()
    assert complaint.norms == ["timeliness"]


def test_a_double_click_sends_one_letter(client_for_role, complaint):
    client = client_for_role("complaints_officer")
    data = {"subject": "Ontvangen", "body": "Beste Sofie, ontvangen."}

    first = client.post(reverse(ACTION, args=[complaint.pk, "acknowledge"]), data)
    second = client.post(reverse(ACTION, args=[complaint.pk, "acknowledge"]), data)

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert complaint.letters.count() == 1
    assert any("Al gebeurd" in text for text in _messages(second))


def test_a_double_click_logs_one_call(client_for_role, complaint):
    client = client_for_role("complaints_officer")
    data = {"kind": "call", "happened_on": timezone.localdate().isoformat(), "summary": "Gebeld"}

    client.post(reverse(ACTION, args=[complaint.pk, "conciliation"]), data)
    client.post(reverse(ACTION, args=[complaint.pk, "conciliation"]), data)

    assert complaint.conciliation.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "call", "happened_on": "2999-01-01", "summary": "Gebeld"}, "happened_on"),
        ({"kind": "call", "happened_on": "31-02-2026", "summary": "Gebeld"}, "happened_on"),
        ({"kind": "call", "happened_on": "2026-01-05", "summary": "x" * 100_000}, "summary"),
        ({"kind": "call", "happened_on": "2026-01-05", "summary": "Ge\x00beld"}, "summary"),
        ({"kind": "", "happened_on": "2026-01-05", "summary": "Gebeld"}, "kind"),
    ],
    ids=["future", "not-a-date", "100000-characters", "nul", "no-kind"],
)
def test_a_bad_log_entry_is_refused_at_its_field_with_the_text_kept(
    client_for_role, complaint, data, field
):
    response = client_for_role("complaints_officer").post(
        reverse(ACTION, args=[complaint.pk, "conciliation"]), data
    )

    assert response.status_code == HTTPStatus.OK
    assert field in response.context["forms"]["conciliation"].errors
    if "x" * 100 in data["summary"]:
        assert data["summary"] in response.content.decode()
    assert not complaint.conciliation.exists()


def test_linking_an_unknown_contact_is_refused_at_the_field(client_for_role, complaint):
    response = client_for_role("complaints_officer").post(
        reverse(ACTION, args=[complaint.pk, "details"]),
        {"summary": "Kortaf", "contact": "TICKET-404"},
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["forms"]["details"]
    assert [error.code for error in form.errors.as_data()["contact"]] == ["unknown"]
    assert 'value="TICKET-404"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.summary == ""


def test_a_letter_without_e_mail_says_print_and_post(client_for_role):
    complaint = ComplaintFactory(email="", postal_address="Kerkstraat 1, 9000 Gent")
    client = client_for_role("complaints_officer")

    response = client.post(
        reverse(ACTION, args=[complaint.pk, "acknowledge"]),
        {"subject": "Ontvangen", "body": "Beste Sofie, ontvangen."},
        follow=True,
    )

    html = response.content.decode()
    assert "data-by-post" in html
    assert ComplaintLetter.objects.get(complaint=complaint).by_post


def test_the_contact_details_show_only_to_whom_may_reach_the_parent(client_for_role, complaint):
    html = client_for_role("complaints_officer").get(reverse(DETAIL, args=[complaint.pk]))

    assert "data-contact-details" in html.content.decode()


def test_the_notification_link_leads_to_the_admin_page(client, complaint):
    response = client.get(f"/klachten/dossier/{complaint.pk}/")
    english = client.get(f"/en/klachten/dossier/{complaint.pk}/")

    assert response["Location"] == reverse(DETAIL, args=[complaint.pk])
    assert english["Location"] == reverse(DETAIL, args=[complaint.pk])


# --- the menu ---


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_the_complaints_menu_shows_to_complaints_staff_only(client_for_role, role):
    if role in {"anonymous", "parent", "other_parent"}:
        return  # no admin at all
    html = client_for_role(role).get(reverse("wagtailadmin_home")).content.decode()

    assert (f'"{reverse(LIST)}"' in html) == (role in HANDLERS | {"safeguarding_officer"})
    templates = reverse("complaints_letter_templates:index")
    assert (f'"{templates}"' in html) == (role in {"complaints_lead", "admin"})
    if role in {"researcher", "moderator"}:
        assert "/admin/complaints" not in html  # no Complaints menu at all
