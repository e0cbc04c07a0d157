"""Fixtures the project tests share (the site-wide ones are in tests/conftest.py)."""

import pytest

from tests.community.factories import UserFactory, consent_accept_all


@pytest.fixture
def third_parent(consent_documents):
    """A third parent who takes part (flags, moderation)."""
    member = UserFactory(email="derde.ouder@example.org")
    consent_accept_all(member)
    return member
