"""Regions, teams and staff members: the writes beyond a plain save."""

from django.contrib.auth.models import Group
from django.db import transaction

from community.models import Role
from feedback.models import StaffMember


@transaction.atomic
def staff_member_role_give(*, staff_member: StaffMember) -> None:
    """A staff member's account holds the "Staff members" role, so its staff pages open (after
    the second factor). Adding it is audited by community's role-change log; an account
    that has it already is left as it is."""
    user = staff_member.user
    if not user.groups.filter(name=Role.STAFF_MEMBER).exists():
        user.groups.add(Group.objects.get(name=Role.STAFF_MEMBER))
