"""Fixtures of the feedback tests: two teams in one region, a staff member in each (and a
colleague in the first), each team with its own lead.

`client_for_role` (tests/conftest.py) resolves every name below too, so permission matrices
can run over FEEDBACK_ROLES.
"""

import pytest

from community.models import Role
from tests.community.factories import UserFactory
from tests.feedback.factories import RegionFactory, StaffMemberFactory, TeamFactory

FEEDBACK_ROLES = [
    "anonymous",
    "parent",
    "other_parent",
    "moderator",
    "researcher",
    "admin",
    "staff_member",
    "other_staff_member",
    "team_lead",
    "other_team_lead",
]


@pytest.fixture
def region(db):
    return RegionFactory(name="Antwerpen")


@pytest.fixture
def team(region, team_lead):
    return TeamFactory(name="Consultatiebureau Berchem", region=region, leads=[team_lead])


@pytest.fixture
def other_team_lead(db):
    return UserFactory(email="ander.team@example.org", roles=[Role.TEAM_LEAD], pseudonym="")


@pytest.fixture
def other_team(region, other_team_lead):
    return TeamFactory(name="Consultatiebureau Deurne", region=region, leads=[other_team_lead])


@pytest.fixture
def staff(team):
    """The StaffMember record of `staff_member` (the account)."""
    return StaffMemberFactory(
        team=team,
        staff_number="KG00001",
        display_name="Verpleegkundige An",
        user__email="an@example.org",
    )


@pytest.fixture
def staff_member(staff):
    return staff.user


@pytest.fixture
def colleague(team):
    """A second staff member in the same team."""
    return StaffMemberFactory(
        team=team, staff_number="KG00002", display_name="Verpleegkundige Bram"
    )


@pytest.fixture
def other_staff(other_team):
    return StaffMemberFactory(
        team=other_team,
        staff_number="KG00003",
        display_name="Verpleegkundige Chloé",
        user__email="chloe@example.org",
    )


@pytest.fixture
def other_staff_member(other_staff):
    return other_staff.user
