"""Fixtures of the complaints tests: a complaints officer, a second officer, the complaints lead,
a safeguarding officer and a staff member a complaint can be about.

`client_for_role` (tests/conftest.py) resolves every name below too, so permission matrices
can run over COMPLAINTS_ROLES.
"""

import pytest

from community.models import Role
from tests.community.factories import UserFactory
from tests.complaints.factories import ComplaintFactory

COMPLAINTS_ROLES = [
    "anonymous",
    "parent",
    "other_parent",
    "moderator",
    "researcher",
    "admin",
    "complaints_officer",
    "other_complaints_officer",
    "complaints_lead",
    "safeguarding_officer",
    "subject_staff",
]


@pytest.fixture
def complaints_officer(db):
    return UserFactory(email="klachten@example.org", roles=[Role.COMPLAINTS_OFFICER], pseudonym="")


@pytest.fixture
def other_complaints_officer(db):
    return UserFactory(email="klachten2@example.org", roles=[Role.COMPLAINTS_OFFICER], pseudonym="")


@pytest.fixture
def complaints_lead(db):
    return UserFactory(
        email="klachtenverantwoordelijke@example.org",
        roles=[Role.COMPLAINTS_LEAD],
        pseudonym="",
    )


@pytest.fixture
def safeguarding_officer(db):
    return UserFactory(
        email="kindveiligheid@example.org", roles=[Role.SAFEGUARDING_OFFICER], pseudonym=""
    )


@pytest.fixture
def subject_staff(db):
    """A staff member a complaint is about."""
    return UserFactory(email="verpleegkundige@example.org", roles=[Role.STAFF_MEMBER], pseudonym="")


@pytest.fixture
def complaint(db):
    return ComplaintFactory()


@pytest.fixture
def complaint_about_subject(subject_staff):
    return ComplaintFactory(about_user=subject_staff)
