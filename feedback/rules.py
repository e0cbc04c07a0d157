"""Who may do what with feedback: plain predicates, one per action, shared by views, templates
and services. Every staff role counts only after the second factor (User.has_role).

A staff member sees their own feedback only, never ranked against colleagues; a team lead
sees the teams they lead (and every team of a region they lead); administrators see all.
Researchers and moderators have no part in it.

Each feature appends its own predicates at the end of this module.
"""

from community.models import Role, User
from feedback.models import FollowUp, Region, StaffMember, Team


def staff_member_of(user: User) -> StaffMember | None:
    """The user's staff-member record when their staff-member role counts now (2FA)."""
    if not user.is_authenticated or not user.has_role(Role.STAFF_MEMBER):
        return None
    try:
        staff = user.staff_member
    except StaffMember.DoesNotExist:
        return None
    return staff if staff.active else None


def is_feedback_admin(user: User) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.ADMIN) or (user.is_superuser and user.staff_powers)
    )


def can_create_invitation(user: User) -> bool:
    """Active staff members hand out invitations about their own contacts."""
    return staff_member_of(user) is not None


def can_view_own_feedback(user: User) -> bool:
    return staff_member_of(user) is not None


def can_manage_organisation(user: User) -> bool:
    """Regions, teams, staff members and the survey questions: administrators."""
    return is_feedback_admin(user)


def visible_teams(user: User):
    """The teams whose aggregates and follow-up items the user sees: all for administrators,
    the teams they lead and every team of the regions they lead for team leads, else none."""
    if is_feedback_admin(user):
        return Team.objects.all()
    if not user.is_authenticated or not user.has_role(Role.TEAM_LEAD):
        return Team.objects.none()
    from django.db.models import Q

    return Team.objects.filter(Q(leads=user) | Q(region__leads=user)).distinct()


def visible_regions(user: User):
    if is_feedback_admin(user):
        return Region.objects.all()
    if not user.is_authenticated or not user.has_role(Role.TEAM_LEAD):
        return Region.objects.none()
    return Region.objects.filter(leads=user)


def can_view_team_feedback(user: User) -> bool:
    """The team and region view, follow-up items and the monthly report."""
    return is_feedback_admin(user) or (user.is_authenticated and user.has_role(Role.TEAM_LEAD))


def can_handle_follow_up(user: User, follow_up: FollowUp) -> bool:
    return (
        can_view_team_feedback(user) and visible_teams(user).filter(pk=follow_up.team_id).exists()
    )


# --- team view, monthly report and coding (issue 15, part D) ---


def can_record_adjustment(user: User) -> bool:
    """Team leads and administrators record the adjustments decided from a monthly report."""
    return can_view_team_feedback(user)


def can_code_feedback(user: User) -> bool:
    """Team leads and administrators code comments of the teams they see with the global
    codes, and cite them for actions. Researchers and moderators code the community, not
    feedback: they see no feedback comments at all."""
    return can_view_team_feedback(user)


def can_code_response(user: User, response) -> bool:
    return can_code_feedback(user) and visible_teams(user).filter(pk=response.team_id).exists()
