"""Follow-up items: the leads of the item's team (and its region's leads) and administrators see
and handle them; every action is on the timeline; closing asks what was done."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Role
from feedback.models import FollowUp, FollowUpEvent, FollowUpStatus
from feedback.services.followups import (
    follow_up_assign,
    follow_up_close,
    follow_up_start,
)
from feedback.views.follow_ups import _event_text
from tests.community.factories import UserFactory
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import response_for

pytestmark = pytest.mark.django_db

LIST = "feedback_admin_follow_ups"
DETAIL = "feedback_admin_follow_up"
ACTION = "feedback_admin_follow_up_action"
# Who handles an item of `team`: its lead and administrators.
HANDLERS = {"team_lead", "admin"}
# Who opens the list at all (a lead of another team sees only their own items there).
LIST_ROLES = {"team_lead", "other_team_lead", "admin"}
# The admin's own queries (session, permissions, menu) and ours: the teams, the count and the
# page (list); the item, its team's leads twice (choices), the events and owners (detail).
# +1 each: the Complaints menu asks whether a complaint about the team lead was shared.
LIST_QUERY_BUDGET = 12
DETAIL_QUERY_BUDGET = 14


def _denied(response) -> bool:
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and (response["Location"] == "/admin/" or "/login/" in response["Location"])
    )


@pytest.fixture
def item(staff, other_staff):
    """A low score in `team` (led by team_lead) opens an item."""
    return FollowUp.objects.get(response=response_for(staff, score=1, comment="Te kort"))


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-follow-up="(\d+)"', html)]


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_who_opens_the_follow_up_list(client_for_role, role, item):
    response = client_for_role(role).get(reverse(LIST))

    if role in LIST_ROLES:
        assert response.status_code == HTTPStatus.OK
        assert (item.pk in _ids(response.content.decode())) == (role in HANDLERS)
    else:
        assert _denied(response), response.status_code


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_who_opens_an_item(client_for_role, role, item):
    response = client_for_role(role).get(reverse(DETAIL, args=[item.pk]))

    if role in HANDLERS:
        assert response.status_code == HTTPStatus.OK
    elif role == "other_team_lead":
        assert response.status_code == HTTPStatus.NOT_FOUND
    else:
        assert _denied(response), response.status_code


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
@pytest.mark.parametrize("action", ["take", "start", "close"])
def test_who_acts_on_an_item(client_for_role, role, action, item):
    response = client_for_role(role).post(
        reverse(ACTION, args=[item.pk, action]), {"outcome": "Gebeld met de ouder."}
    )

    item.refresh_from_db()
    changed = {
        "take": item.owner_id is not None,
        "start": item.status == FollowUpStatus.IN_PROGRESS,
        "close": item.status == FollowUpStatus.CLOSED,
    }[action]
    if role in HANDLERS:
        assert response.status_code == HTTPStatus.FOUND
        assert changed
    else:
        if role == "other_team_lead":
            assert response.status_code == HTTPStatus.NOT_FOUND
        else:
            assert _denied(response), response.status_code
        assert not changed
        assert item.events.count() == 1  # only "opened"


def test_a_region_lead_sees_every_team_of_the_region(client, staff, other_staff, region):
    from tests.conftest import login_with_two_factor

    lead = UserFactory(email="regio@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    region.leads.add(lead)
    first = FollowUp.objects.get(response=response_for(staff, score=1))
    second = FollowUp.objects.get(response=response_for(other_staff, score=2))
    login_with_two_factor(client, lead)

    html = client.get(reverse(LIST)).content.decode()

    assert set(_ids(html)) == {first.pk, second.pk}
    assert client.get(reverse(DETAIL, args=[second.pk])).status_code == HTTPStatus.OK


def test_the_detail_shows_who_served_and_how_to_reach_the_parent(client_for_role, staff):
    with_contact = FollowUp.objects.get(
        response=response_for(
            staff, score=1, comment="<i>Bel me</i>", may_contact=True, contact_detail="0470 123456"
        )
    )
    without = FollowUp.objects.get(response=response_for(staff, score=2, comment="Niets"))
    client = client_for_role("team_lead")

    html = client.get(reverse(DETAIL, args=[with_contact.pk])).content.decode()
    assert "Verpleegkundige An" in html
    assert "<span data-contact-detail>0470 123456</span>" in html
    assert "&lt;i&gt;Bel me&lt;/i&gt;" in html and "<i>Bel me</i>" not in html

    html = client.get(reverse(DETAIL, args=[without.pk])).content.decode()
    assert 'data-may-contact="0"' in html and "data-contact-detail" not in html


def test_the_list_puts_open_and_overdue_items_first_and_filters(
    client_for_role, staff, other_staff, other_team_lead, team
):
    today = timezone.localdate()
    late = FollowUp.objects.get(response=response_for(staff, score=1))
    soon = FollowUp.objects.get(response=response_for(staff, score=2))
    closed = FollowUp.objects.get(response=response_for(staff, score=1))
    other = FollowUp.objects.get(response=response_for(other_staff, score=1))
    FollowUp.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=3))
    FollowUp.objects.filter(pk=soon.pk).update(due_date=today + datetime.timedelta(days=2))
    FollowUp.objects.filter(pk=closed.pk).update(
        status=FollowUpStatus.CLOSED, due_date=today - datetime.timedelta(days=9)
    )
    client = client_for_role("admin")

    default = client.get(reverse(LIST)).content.decode()
    everything = client.get(reverse(LIST), {"status": "all"}).content.decode()
    one_team = client.get(reverse(LIST), {"status": "all", "team": team.pk}).content.decode()
    only_closed = client.get(reverse(LIST), {"status": "closed"}).content.decode()

    assert _ids(default)[:2] == [late.pk, soon.pk] and closed.pk not in _ids(default)
    assert f'data-follow-up="{late.pk}" data-status="open" data-overdue="1"' in default
    assert _ids(everything)[-1] == closed.pk and other.pk in _ids(everything)
    assert set(_ids(one_team)) == {late.pk, soon.pk, closed.pk}
    assert _ids(only_closed) == [closed.pk]


def test_a_lead_cannot_filter_on_a_team_they_do_not_lead(client_for_role, item, other_team):
    html = client_for_role("team_lead").get(reverse(LIST), {"team": other_team.pk}).content.decode()

    assert _ids(html) == [item.pk]  # the unknown choice is ignored, not obeyed


def test_closing_without_outcome_is_refused_at_the_field(client_for_role, item):
    client = client_for_role("team_lead")

    response = client.post(reverse(ACTION, args=[item.pk, "close"]), {"outcome": "   "})

    assert response.status_code == HTTPStatus.OK
    errors = response.context["close_form"].errors.as_data()
    assert [error.code for error in errors["outcome"]] == ["required"]
    item.refresh_from_db()
    assert item.status == FollowUpStatus.OPEN and item.closed_at is None


def test_closing_a_too_long_outcome_keeps_the_text(client_for_role, item):
    text = "x" * 2001

    response = client_for_role("team_lead").post(
        reverse(ACTION, args=[item.pk, "close"]), {"outcome": text}
    )

    assert [e.code for e in response.context["close_form"].errors.as_data()["outcome"]] == [
        "max_length"
    ]
    assert text in response.content.decode()
    item.refresh_from_db()
    assert item.status == FollowUpStatus.OPEN


def test_the_service_refuses_an_empty_outcome(item, team_lead):
    with pytest.raises(ValidationError) as error:
        follow_up_close(follow_up=item, actor=team_lead, outcome=" \n ")

    assert error.value.error_dict["outcome"][0].code == "outcome_required"


def test_every_action_is_on_the_timeline(client_for_role, item, team_lead):
    client = client_for_role("team_lead")

    client.post(reverse(ACTION, args=[item.pk, "take"]))
    client.post(reverse(ACTION, args=[item.pk, "start"]))
    client.post(reverse(ACTION, args=[item.pk, "start"]))  # already in progress: no event
    client.post(reverse(ACTION, args=[item.pk, "close"]), {"outcome": "Ouder gebeld."})
    client.post(reverse(ACTION, args=[item.pk, "close"]), {"outcome": "Nog eens."})

    item.refresh_from_db()
    assert item.status == FollowUpStatus.CLOSED
    assert item.outcome == "Ouder gebeld."
    assert item.closed_by == team_lead and item.owner == team_lead
    events = list(item.events.values_list("what", "actor"))
    assert events == [
        ("opened: low_score", None),
        (f"assigned: {team_lead.pk}", team_lead.pk),
        ("started", team_lead.pk),
        ("closed", team_lead.pk),
    ]
    html = client.get(reverse(DETAIL, args=[item.pk])).content.decode()
    assert html.count("<li data-event=") == 4
    assert "data-outcome" in html


def test_the_timeline_reads_in_english(item, team_lead):
    follow_up_assign(follow_up=item, owner=team_lead, actor=team_lead)
    events = list(item.events.all())

    with translation.override("en"):
        texts = [_event_text(event, {str(team_lead.pk): "An Lead"}) for event in events]
        former = _event_text(events[1], {})

    assert texts == ["Opened: Low score", "Owner set to An Lead"]
    assert former == "Owner set to a former account"


def test_an_owner_is_one_of_the_team_leads(client_for_role, item, other_team_lead, team):
    second_lead = UserFactory(email="tweede@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    team.leads.add(second_lead)
    client = client_for_role("team_lead")

    refused = client.post(reverse(ACTION, args=[item.pk, "assign"]), {"owner": other_team_lead.pk})
    item.refresh_from_db()
    assert refused.status_code == HTTPStatus.OK
    assert [e.code for e in refused.context["assign_form"].errors.as_data()["owner"]] == [
        "invalid_choice"
    ]
    assert item.owner is None

    client.post(reverse(ACTION, args=[item.pk, "assign"]), {"owner": second_lead.pk})
    item.refresh_from_db()
    assert item.owner == second_lead


def test_the_service_refuses_an_owner_outside_the_team(item, team_lead, other_team_lead):
    with pytest.raises(ValidationError) as error:
        follow_up_assign(follow_up=item, owner=other_team_lead, actor=team_lead)

    assert error.value.error_dict["owner"][0].code == "not_a_lead"


def test_starting_gives_an_unowned_item_its_owner(item, team_lead):
    follow_up_start(follow_up=item, actor=team_lead)

    item.refresh_from_db()
    assert item.owner == team_lead and item.status == FollowUpStatus.IN_PROGRESS


def test_an_unknown_action_is_404(client_for_role, item):
    response = client_for_role("team_lead").post(reverse(ACTION, args=[item.pk, "delete"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_notification_link_reaches_the_item(client_for_role, item):
    response = client_for_role("team_lead").get(
        reverse("feedback_follow_up_redirect", args=[item.pk])
    )

    assert response["Location"] == reverse(DETAIL, args=[item.pk])


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_has_a_fixed_query_budget(
    client_for_role, staff, colleague, count, django_assert_num_queries
):
    for index in range(count):
        response_for(staff if index % 2 else colleague, score=1 + index % 2)
    FollowUp.objects.filter(pk__in=FollowUp.objects.values("pk")[:3]).update(
        owner=staff.team.leads.first()
    )
    client = client_for_role("team_lead")
    client.get(reverse(LIST))

    with django_assert_num_queries(LIST_QUERY_BUDGET):
        response = client.get(reverse(LIST), {"status": "all"})

    assert len(_ids(response.content.decode())) == min(count, 20)


@pytest.mark.parametrize("events", [1, 30])
def test_the_detail_has_a_fixed_query_budget(
    client_for_role, item, team_lead, events, django_assert_num_queries
):
    FollowUpEvent.objects.bulk_create(
        [FollowUpEvent(follow_up=item, actor=team_lead, what="started") for _ in range(events)]
    )
    client = client_for_role("team_lead")
    client.get(reverse(DETAIL, args=[item.pk]))

    with django_assert_num_queries(DETAIL_QUERY_BUDGET):
        client.get(reverse(DETAIL, args=[item.pk]))
