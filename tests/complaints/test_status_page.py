"""The parent's status page behind the status link: from any browser, without an account;
the stage as plain steps, the deadlines with their weekday and the days left, the letters as
plain text; nothing about the complainant but the reference; kept out of search engines and
referrers; a friendly 404 for an unknown or anonymised link."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import (
    Complaint,
    ComplaintLetter,
    Kind,
    LetterKind,
    RefusalGround,
    Stage,
)
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def status_url(token: str, language: str = "nl") -> str:
    with translation.override(language):
        return reverse("complaint_status", kwargs={"token": token})


@pytest.fixture
def received():
    """A complaint received today by the web form, and its status-link token."""
    tokens = []
    complaint = ComplaintFactory(
        token=tokens,
        what_happened="Mijn zoon Lucas werd niet gewogen.",
        phone="0470 12 34 56",
        postal_address="Kerkstraat 1, 2000 Antwerpen",
    )
    return complaint, tokens[0]


def move(complaint: Complaint, **fields) -> None:
    Complaint.objects.filter(pk=complaint.pk).update(**fields)


def test_the_link_opens_the_status_from_any_browser_without_personal_data(received):
    complaint, token = received

    response = Client().get(status_url(token))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert complaint.reference in html
    for personal in ("Sofie", "sofie@example.org", "Lucas", "0470", "Kerkstraat"):
        assert personal not in html
    assert 'data-complaint-status="received"' in html
    assert 'aria-current="step"' in html


def test_the_page_is_kept_out_of_search_engines_caches_and_referrers(client, received):
    _complaint, token = received

    response = client.get(status_url(token))

    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "token", ["onbekend-maar-goedgevormd-token", "kort", "a" * 65, "met spatie en $"]
)
def test_an_unknown_or_malformed_link_gets_a_friendly_404(client, token):
    response = client.get(status_url(token))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "data-complaint-status-unknown" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_anonymised_complaint_is_no_longer_found(client, received):
    complaint, token = received
    move(complaint, anonymised_at=timezone.now())

    assert client.get(status_url(token)).status_code == HTTPStatus.NOT_FOUND


def test_the_english_link_shows_the_page_in_english(client, received):
    _complaint, token = received

    response = client.get(status_url(token, "en"))

    assert response.status_code == HTTPStatus.OK
    assert status_url(token, "en").startswith("/en/complaint/status/")
    assert '<html lang="en">' in response.content.decode()


def test_the_steps_show_what_is_done_and_where_it_stands(client, received):
    complaint, token = received
    now = timezone.now()
    move(
        complaint,
        stage=Stage.IN_HANDLING,
        acknowledged_at=now,
        handling_started_at=now,
    )

    html = client.get(status_url(token)).content.decode()

    assert html.count("complaint-step--done") == 3
    assert 'data-step="in_handling" aria-current="step"' in html
    assert 'data-deadline="answer"' in html


def test_a_refused_complaint_shows_its_ground_and_reason(client, received):
    complaint, token = received
    move(
        complaint,
        stage=Stage.REFUSED,
        refused_at=timezone.now(),
        refusal_ground=RefusalGround.OLDER_THAN_A_YEAR,
        refusal_reason="Het consult was in 2023.\n<b>Meer dan een jaar</b> geleden.",
    )

    response = client.get(status_url(token))

    html = response.content.decode()
    assert 'data-step="refused" aria-current="step"' in html
    assert 'data-step="acknowledged"' not in html
    assert "data-refusal" in html
    assert str(RefusalGround.OLDER_THAN_A_YEAR.label) in html
    assert "&lt;b&gt;Meer dan een jaar&lt;/b&gt;" in html
    assert "data-ombudsman" in html
    assert "data-deadline" not in html


def test_solved_to_the_parents_satisfaction_is_shown(client, received):
    complaint, token = received
    move(complaint, solved_at=timezone.now())

    assert "data-solved" in client.get(status_url(token)).content.decode()


def test_a_message_that_is_not_a_complaint_says_so(client, received):
    complaint, token = received
    move(complaint, kind=Kind.NOT_A_COMPLAINT)

    html = client.get(status_url(token)).content.decode()

    assert "data-not-a-complaint" in html
    assert "data-deadline" not in html


def test_a_deadline_on_a_weekend_is_shown_with_its_weekday_and_days_left(client):
    # Calendar days: received so that the acknowledgement falls due on a Saturday.
    today = timezone.localdate()
    received_on = next(
        today - datetime.timedelta(days=back)
        for back in range(7)
        if (today - datetime.timedelta(days=back - 10)).weekday() == 5
    )
    due = received_on + datetime.timedelta(days=10)
    tokens = []
    ComplaintFactory(
        token=tokens,
        received_at=timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(10))),
    )

    response = client.get(status_url(tokens[0]))

    html = response.content.decode()
    assert response.context["deadline_on"] == due
    assert f"zaterdag {due.day} " in html
    assert f'data-days-left="{(due - today).days}"' in html


def test_a_missed_deadline_says_sorry(client):
    tokens = []
    ComplaintFactory(token=tokens, received_at=timezone.now() - datetime.timedelta(days=20))

    html = client.get(status_url(tokens[0])).content.decode()

    assert 'data-days-left="-10"' in html


def letters_add(complaint: Complaint, count: int) -> None:
    ComplaintLetter.objects.bulk_create(
        ComplaintLetter(
            complaint=complaint,
            kind=LetterKind.ACKNOWLEDGEMENT,
            subject=f"Brief {number}",
            body=f"Beste,\n\nWe ontvingen uw klacht. <script>alert({number})</script>",
            sent_to="sofie@example.org",
        )
        for number in range(count)
    )


def test_the_letters_are_shown_as_plain_text_without_their_address(client, received):
    complaint, token = received
    letters_add(complaint, 1)

    html = client.get(status_url(token)).content.decode()

    assert "Brief 0" in html
    assert "<script>alert(0)</script>" not in html
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in html
    assert "sofie@example.org" not in html
    assert 'data-letter="acknowledgement"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_status_page_reads_the_same_few_queries_for_5_or_50_letters(
    client, received, count, django_assert_num_queries
):
    complaint, token = received
    letters_add(complaint, count)
    url = status_url(token)
    client.get(url)  # the session and site settings, once

    # The complaint and its letters; the site's navigation comes from its cache.
    with django_assert_num_queries(2):
        response = client.get(url)

    assert response.content.decode().count("data-letter=") == count
