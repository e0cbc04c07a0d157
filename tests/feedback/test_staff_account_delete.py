"""A former staff member whose role was taken away deletes their own account: feedback about
their contacts belongs to the organisation, so the deletion is refused with a message, and
nothing is deleted."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from community.models import User
from feedback.models import Response, StaffMember
from tests.community.factories import TEST_PASSWORD
from tests.feedback.factories import StaffMemberFactory, response_for

pytestmark = pytest.mark.django_db


def test_a_former_staff_member_with_feedback_is_told_why_and_keeps_everything(client, team):
    staff = StaffMemberFactory(team=team, active=False)
    response_for(staff, score=4)
    user = staff.user
    user.groups.clear()  # the staff role was taken away: the page treats them as a member
    client.force_login(User.objects.get(pk=user.pk))

    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.OK
    assert 'role="alert"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert StaffMember.objects.filter(pk=staff.pk).exists()
    assert Response.objects.filter(staff=staff).count() == 1
