"""What the feedback app holds about an account, for the data download and account erasure.

Parents answer anonymously: a contact and a response hold no member's account, so nothing of
a parent is here. What is personal belongs to staff accounts: the staff-member record (name,
staff number, team), the teams and regions they lead, and their part in follow-up items.

Erasure: a staff-member record that served no one yet is deleted with the account. One with
contacts or responses is kept (StaffMember.user is PROTECT): those responses are the
organisation's record of its service and other people's feedback, and the feedback must stay
with the person who served. Erasing such an account is refused with a clear message
(ValidationError here; the Wagtail admin's user delete is refused by a hook in
feedback.wagtail_hooks.organisation): an administrator deactivates the staff member and the
account instead. Follow-up owners, closers and timeline actors are SET_NULL by the database.

Imported from FeedbackConfig.ready(): `community` keeps the registry and never imports us.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.personal_data import PersonalDataSource, choice, exclude, register, timestamp
from feedback.models import Contact, FollowUp, FollowUpEvent, Region, Response, StaffMember, Team


def staff_member_export(user) -> list[dict]:
    """The account's staff-member record and the teams and regions it leads."""
    rows = [
        {
            "kind": "staff_member",
            "name": staff.display_name,
            "staff_number": staff.staff_number,
            "team": str(staff.team),
            "active": staff.active,
        }
        for staff in StaffMember.objects.filter(user=user).select_related("team__region")
    ]
    rows += [
        {"kind": "team_lead", "team": str(team)}
        for team in Team.objects.filter(leads=user).select_related("region")
    ]
    rows += [
        {"kind": "region_lead", "region": region.name}
        for region in Region.objects.filter(leads=user)
    ]
    return rows


def staff_member_erase(user, remove_contributions: bool) -> None:
    """Delete a staff-member record that served no one; refuse for one that did (see the
    module's docstring). Team and region leadership go with the account (many-to-many)."""
    staff = StaffMember.objects.filter(user=user).first()
    if staff is None:
        return
    if (
        Contact.objects.filter(staff=staff).exists()
        or Response.objects.filter(staff=staff).exists()
    ):
        raise ValidationError(
            _(
                "This account is a staff member with feedback. Make the staff member and the "
                "account inactive instead of deleting them."
            ),
            code="staff_member_with_feedback",
        )
    staff.delete()


def follow_ups_export(user) -> list[dict]:
    """The follow-up items the account owns or closed, with what it wrote when closing, and
    the steps it took. Not the parent's feedback: that is the parent's, not the account's."""
    items = FollowUp.objects.filter(owner=user) | FollowUp.objects.filter(closed_by=user)
    rows = [
        {
            "kind": "follow_up",
            "id": item.pk,
            "team": str(item.team),
            "status": choice(item.status, item.get_status_display()),
            "owner": item.owner_id == user.pk,
            "closed_by": item.closed_by_id == user.pk,
            "outcome": item.outcome if item.closed_by_id == user.pk else "",
            "closed_at": timestamp(item.closed_at),
        }
        for item in items.distinct().select_related("team__region").order_by("pk")
    ]
    rows += [
        {
            "kind": "follow_up_step",
            "id": event.follow_up_id,
            "action": event.what,
            "created_at": timestamp(event.created_at),
        }
        for event in FollowUpEvent.objects.filter(actor=user).order_by("created_at", "pk")
    ]
    return rows


register(
    PersonalDataSource(
        key="feedback_staff",
        title=lambda: _("Your staff-member record (feedback)"),
        models=("feedback.StaffMember", "feedback.Team_leads", "feedback.Region_leads"),
        export=staff_member_export,
        erase=staff_member_erase,
    )
)
register(
    PersonalDataSource(
        key="feedback_follow_ups",
        title=lambda: _("Follow-up items you handled (feedback)"),
        models=("feedback.FollowUp", "feedback.FollowUpEvent"),
        export=follow_ups_export,
    )
)

_STAFF_WORK = (
    "The staff's own work record (who registered a contact, wrote a survey version, coded a "
    "comment or cited it for an action), not data about a parent; an erased account leaves "
    "no link to it (SET_NULL)."
)
for label in (
    "feedback.Contact",
    "feedback.SurveyVersion",
    "feedback.ResponseCoding",
    "feedback.ActionFeedbackEvidence",
):
    exclude(label, _STAFF_WORK)
