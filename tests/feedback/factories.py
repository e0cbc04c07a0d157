"""Regions, teams, staff members, contacts and responses for the feedback tests."""

import datetime

import factory

from community.models import Notification, NotificationKind, Role
from feedback.models import Channel, Contact, Region, Response, StaffMember, Team
from feedback.services.surveys import contact_create, invitation_create, response_record
from tests.community.factories import UserFactory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Regio {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    region = factory.SubFactory(RegionFactory)

    @factory.post_generation
    def leads(self, create: bool, extracted: list | None, **kwargs) -> None:
        if create and extracted:
            self.leads.set(extracted)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    """An active staff member with an account in the staff-member role (second factor
    passed, as UserFactory gives staff)."""

    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory, roles=[Role.STAFF_MEMBER], pseudonym="")
    team = factory.SubFactory(TeamFactory)
    staff_number = factory.Sequence(lambda n: f"KG{n:05d}")
    display_name = factory.Sequence(lambda n: f"Medewerker {n}")


def contact_for(
    staff: StaffMember,
    channel: str = Channel.CONSULTATION,
    occurred_at: datetime.datetime | None = None,
    **fields,
) -> Contact:
    return contact_create(channel=channel, staff=staff, occurred_at=occurred_at, **fields)


def invited_contact(
    staff: StaffMember, channel: str = Channel.CONSULTATION, **fields
) -> tuple[Contact, str]:
    """A contact with its invitation; returns the contact and the token of the link."""
    contact = contact_for(staff, channel, **fields)
    _invitation, token = invitation_create(contact=contact)
    return contact, token


def response_for(
    staff: StaffMember,
    score: int = 4,
    channel: str = Channel.CONSULTATION,
    submitted_at: datetime.datetime | None = None,
    **answers,
) -> Response:
    """A response about a new contact with this staff member, through the one service every
    channel uses (a low score opens its follow-up item as in real use)."""
    contact, _token = invited_contact(staff, channel, occurred_at=submitted_at)
    return response_record(contact=contact, score=score, submitted_at=submitted_at, **answers)


def follow_up_notices(user) -> int:
    """How many follow-up notifications (a new item, an escalation) `user` has."""
    return Notification.objects.filter(
        recipient=user, kind=NotificationKind.FEEDBACK_FOLLOW_UP
    ).count()
