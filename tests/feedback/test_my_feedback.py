"""My feedback: a staff member reads their own responses (never who the parent is, never a
colleague's), their trend per month, and marks responses read, taken up or for follow-up."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.charts import monthly_trend_chart
from feedback.models import FollowUp, FollowUpReason, Response
from feedback.services.own_feedback import own_trend
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import response_for

pytestmark = pytest.mark.django_db

MY_FEEDBACK = "feedback_admin_my_feedback"
STAFF_ROLES = {"staff_member", "other_staff_member"}
# The admin's own (session, permissions, menu) and ours: the staff member, the count, the
# page of responses and the trend.
# +1: the Complaints menu asks whether a complaint about the staff member was shared with them.
QUERY_BUDGET = 13


def _denied(response) -> bool:
    """Refused: 403, or Wagtail's redirect (to the admin home for staff, to its login for
    accounts without admin access)."""
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and (response["Location"] == "/admin/" or "/login/" in response["Location"])
    )


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_staff_members_open_my_feedback(client_for_role, role, staff, other_staff):
    response = client_for_role(role).get(reverse(MY_FEEDBACK))

    if role in STAFF_ROLES:
        assert response.status_code == HTTPStatus.OK
    else:
        assert _denied(response), response.status_code


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
@pytest.mark.parametrize("action", ["read", "taken_up", "follow_up"])
def test_only_the_staff_member_marks_their_response(
    client_for_role, role, action, staff, other_staff
):
    mine = response_for(staff, score=4, comment="Fijn gesprek")

    response = client_for_role(role).post(
        reverse(f"feedback_admin_my_feedback_{action}", args=[mine.pk])
    )

    mine.refresh_from_db()
    changed = {
        "read": mine.read_at is not None,
        "taken_up": mine.taken_up_at is not None,
        "follow_up": FollowUp.objects.filter(response=mine).exists(),
    }[action]
    if role == "staff_member":
        assert response.status_code == HTTPStatus.FOUND
        assert changed
    else:
        # A colleague gets 404 (as if it did not exist); everyone else is refused.
        expected = HTTPStatus.NOT_FOUND if role == "other_staff_member" else None
        assert response.status_code == expected if expected else _denied(response)
        assert not changed


def test_a_staff_member_sees_only_their_own_responses_and_never_the_parent(
    client_for_role, staff, other_staff, colleague
):
    mine = response_for(
        staff,
        score=2,
        comment="<b>Te kort</b>",
        may_contact=True,
        contact_detail="0470 12 34 56",
    )
    theirs = response_for(other_staff, score=5, comment="Andermans reactie")
    colleagues = response_for(colleague, score=3, comment="Van een collega")

    html = client_for_role("staff_member").get(reverse(MY_FEEDBACK)).content.decode()

    assert f'data-response="{mine.pk}"' in html
    assert f'data-response="{theirs.pk}"' not in html
    assert f'data-response="{colleagues.pk}"' not in html
    assert "Andermans reactie" not in html and "Van een collega" not in html
    # The comment is escaped, never marked safe; no way to reach the parent.
    assert "&lt;b&gt;Te kort&lt;/b&gt;" in html and "<b>Te kort</b>" not in html
    assert "0470 12 34 56" not in html
    assert "Verpleegkundige Chloé" not in html and "Verpleegkundige Bram" not in html


def test_responses_are_newest_first_twenty_a_page(client_for_role, staff):
    now = timezone.now()
    responses = [
        response_for(staff, score=4, submitted_at=now - datetime.timedelta(hours=hours))
        for hours in range(25)
    ]
    client = client_for_role("staff_member")

    first = client.get(reverse(MY_FEEDBACK)).content.decode()
    second = client.get(reverse(MY_FEEDBACK), {"page": 2}).content.decode()

    first_ids = [int(pk) for pk in re.findall(r'data-response="(\d+)"', first)]
    second_ids = [int(pk) for pk in re.findall(r'data-response="(\d+)"', second)]
    assert first_ids == [response.pk for response in responses[:20]]
    assert second_ids == [response.pk for response in responses[20:]]


def test_read_and_taken_up_keep_the_first_moment(client_for_role, staff):
    response = response_for(staff, score=4, comment="Goed")
    client = client_for_role("staff_member")

    client.post(reverse("feedback_admin_my_feedback_read", args=[response.pk]))
    response.refresh_from_db()
    first_read = response.read_at
    client.post(reverse("feedback_admin_my_feedback_read", args=[response.pk]))
    client.post(reverse("feedback_admin_my_feedback_taken_up", args=[response.pk]))
    response.refresh_from_db()
    first_taken = response.taken_up_at
    client.post(reverse("feedback_admin_my_feedback_taken_up", args=[response.pk]))

    response.refresh_from_db()
    assert response.read_at == first_read is not None
    assert response.taken_up_at == first_taken is not None


def test_taken_up_also_marks_read(client_for_role, staff):
    response = response_for(staff, score=4)

    client_for_role("staff_member").post(
        reverse("feedback_admin_my_feedback_taken_up", args=[response.pk])
    )

    response.refresh_from_db()
    assert response.read_at is not None and response.taken_up_at is not None


def test_marking_a_comment_opens_one_follow_up_item(client_for_role, staff, team):
    response = response_for(staff, score=4, comment="Graag nog eens bellen")
    client = client_for_role("staff_member")
    url = reverse("feedback_admin_my_feedback_follow_up", args=[response.pk])

    client.post(url)
    client.post(url)

    item = FollowUp.objects.get(response=response)
    assert item.reason == FollowUpReason.MARKED
    assert item.team == team
    assert item.events.count() == 1


def test_marking_a_low_score_keeps_its_one_item(client_for_role, staff):
    response = response_for(staff, score=1)

    client_for_role("staff_member").post(
        reverse("feedback_admin_my_feedback_follow_up", args=[response.pk])
    )

    assert FollowUp.objects.filter(response=response).count() == 1
    assert FollowUp.objects.get(response=response).reason == FollowUpReason.LOW_SCORE


def test_an_unsafe_next_address_goes_back_to_my_feedback(client_for_role, staff):
    response = response_for(staff, score=4)

    answer = client_for_role("staff_member").post(
        reverse("feedback_admin_my_feedback_read", args=[response.pk]),
        {"next": "https://example.com/"},
    )

    assert answer["Location"].startswith(reverse(MY_FEEDBACK))


def test_reading_is_post_only(client_for_role, staff):
    response = response_for(staff, score=4)

    answer = client_for_role("staff_member").get(
        reverse("feedback_admin_my_feedback_read", args=[response.pk])
    )

    assert answer.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response.refresh_from_db()
    assert response.read_at is None


def test_the_trend_counts_the_last_twelve_months(staff):
    today = timezone.localdate()
    this_month = timezone.make_aware(datetime.datetime(today.year, today.month, 1, 12))
    long_ago = this_month - datetime.timedelta(days=400)
    for score in (5, 4, 2):
        response_for(staff, score=score, submitted_at=this_month)
    response_for(staff, score=5, submitted_at=long_ago)

    trend = own_trend(staff=staff, today=today)

    assert len(trend) == 12
    assert trend[-1].month == today.replace(day=1)
    assert trend[-1].responses == 3
    assert trend[-1].mean == pytest.approx(11 / 3)
    assert trend[-1].satisfied_share == pytest.approx(2 / 3)
    assert sum(month.responses for month in trend) == 3
    assert all(month.mean is None for month in trend[:-1])


def test_the_chart_and_its_table_show_the_same_months(client_for_role, staff):
    response_for(staff, score=5)

    html = client_for_role("staff_member").get(reverse(MY_FEEDBACK)).content.decode()

    assert html.count("data-responses=") >= 12  # a bar per month
    assert "<svg" in html and 'role="img"' in html
    assert len(re.findall(r'<tr data-month="', html)) == 12
    assert re.search(r'<tr data-month="[0-9-]+" data-responses="1" data-mean="5.00"', html)
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_chart_coordinates_are_numbers_in_dutch_too(client_for_role, staff):
    """Dutch writes 2,5; an SVG coordinate written so is no number and the bar vanishes."""
    response_for(staff, score=5)
    response_for(staff, score=2)
    response_for(staff, score=4)

    html = client_for_role("staff_member").get(reverse(MY_FEEDBACK)).content.decode()

    svg = html.split('class="feedback-chart__svg"', 1)[1].split("</svg>", 1)[0]
    attributes = re.findall(r'\b(x|y|x1|x2|y1|y2|width|height|cx|cy|points)="([^"]*)"', svg)
    assert len(attributes) > 12
    number = r"-?[0-9]+(\.[0-9]+)?"
    for name, value in attributes:
        if name == "points":
            assert all(re.fullmatch(f"{number},{number}", pair) for pair in value.split())
        else:
            assert re.fullmatch(number, value), (name, value)


def test_the_chart_scales_bars_to_the_largest_month():
    class Month:
        def __init__(self, month: int, responses: int, share: float | None) -> None:
            self.month = datetime.date(2026, month, 1)
            self.responses = responses
            self.satisfied_share = share

    chart = monthly_trend_chart([Month(1, 0, None), Month(2, 5, 0.6), Month(3, 10, 1.0)])

    empty, half, full = chart.months
    assert empty.bar_height == 0 and empty.point_y is None
    assert half.bar_height == pytest.approx(full.bar_height / 2, abs=0.2)
    assert full.point_y == chart.top
    assert chart.line.count(",") == 2


def test_the_home_panel_counts_new_responses_for_staff_members(client_for_role, staff):
    for _ in range(3):
        response_for(staff, score=4)
    Response.objects.filter(pk=Response.objects.first().pk).update(read_at=timezone.now())

    html = client_for_role("staff_member").get(reverse("wagtailadmin_home")).content.decode()

    assert 'data-new-responses="2"' in html


def test_the_home_panel_is_for_staff_members_only(client_for_role, staff):
    html = client_for_role("team_lead").get(reverse("wagtailadmin_home")).content.decode()

    assert "data-new-responses" not in html


@pytest.mark.parametrize("count", [5, 50])
def test_my_feedback_has_a_fixed_query_budget(
    client_for_role, staff, count, django_assert_num_queries
):
    now = timezone.now()
    for index in range(count):
        response_for(
            staff,
            score=index % 5 + 1,
            comment=f"Reactie {index}",
            submitted_at=now - datetime.timedelta(days=index * 7),
        )
    client = client_for_role("staff_member")
    client.get(reverse(MY_FEEDBACK))  # sessions and the like settle on the first request

    with django_assert_num_queries(QUERY_BUDGET):
        response = client.get(reverse(MY_FEEDBACK))

    assert response.status_code == HTTPStatus.OK
