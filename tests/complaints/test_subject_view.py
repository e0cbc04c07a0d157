"""Complaints about me: the staff member a complaint is about sees nothing of it until the
handler shares the outcome, then only its reference, dates, outcome and norms — never who
complained nor what they wrote."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, OmbudsNorm, Outcome, Stage
from complaints.services.details import complaint_share_outcome
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

ABOUT_ME = "complaints_admin_about_me"
# The admin's own queries (as on the complaints list, with the menu's "about me" check) and
# the one list of complaints.
ABOUT_ME_QUERY_BUDGET = 11


def _denied(response) -> bool:
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and (response["Location"] == "/admin/" or "/login/" in response["Location"])
    )


def _answered_about(user, **fields) -> Complaint:
    complaint = ComplaintFactory(
        about_user=user,
        name="Sofie Peeters",
        what_happened="De verpleegkundige zei iets kwetsends over mijn dochter.",
        **fields,
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        stage=Stage.ANSWERED,
        acknowledged_at=timezone.now(),
        answered_at=timezone.now(),
        outcome=Outcome.PARTLY_FOUNDED,
        norms=[OmbudsNorm.CORRECT_TREATMENT, OmbudsNorm.CORRESPONDENCE],
    )
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def shared(subject_staff, complaints_officer):
    complaint = _answered_about(subject_staff)
    return complaint_share_outcome(complaint=complaint, by=complaints_officer)


def test_the_staff_member_sees_nothing_before_the_outcome_is_shared(
    client_for_role, subject_staff, complaints_officer
):
    complaint = _answered_about(subject_staff)
    client = client_for_role("subject_staff")

    assert _denied(client.get(reverse(ABOUT_ME)))
    assert f'"{reverse(ABOUT_ME)}"' not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert _denied(client.get(reverse("complaints_admin_complaint", args=[complaint.pk])))

    complaint_share_outcome(complaint=complaint, by=complaints_officer)

    response = client.get(reverse(ABOUT_ME))
    assert response.status_code == HTTPStatus.OK
    assert f'"{reverse(ABOUT_ME)}"' in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_shared_outcome_shows_the_facts_and_never_the_complainant(client_for_role, shared):
    client = client_for_role("subject_staff")
    html = client.get(reverse(ABOUT_ME)).content.decode()

    assert shared.reference in html
    assert f'data-outcome="{Outcome.PARTLY_FOUNDED}"' in html
    assert str(OmbudsNorm.CORRECT_TREATMENT.label) in html
    for personal in ("Sofie", "sofie@example.org", "kwetsends", "dochter"):
        assert personal not in html
    # Still no way into the complaint itself.
    assert _denied(client.get(reverse("complaints_admin_complaint", args=[shared.pk])))


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_only_the_staff_member_it_is_about_opens_the_page(client_for_role, role, shared):
    response = client_for_role(role).get(reverse(ABOUT_ME))

    if role == "subject_staff":
        assert response.status_code == HTTPStatus.OK
    else:
        assert _denied(response), (role, response.status_code)


@pytest.mark.parametrize("count", [5, 50])
def test_the_page_costs_the_same_queries_for_5_or_50_complaints(
    client_for_role, django_assert_num_queries, subject_staff, complaints_officer, count
):
    for _ in range(count):
        complaint_share_outcome(complaint=_answered_about(subject_staff), by=complaints_officer)
    client = client_for_role("subject_staff")
    client.get(reverse(ABOUT_ME))

    with django_assert_num_queries(ABOUT_ME_QUERY_BUDGET):
        response = client.get(reverse(ABOUT_ME))

    assert response.content.decode().count("<tr data-complaint=") == count
