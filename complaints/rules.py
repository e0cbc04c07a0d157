"""Who may do what with complaints: plain predicates shared by views, templates and services.
Every role counts only after the second factor (User.has_role).

Complaints officers handle complaints; the complaints lead assigns them and sees all; a
designated safeguarding officer sees the complaints flagged to them; a staff member a
complaint is about sees only its outcome, once the handler shares it; administrators see the
reports (dashboard and annual report), not the complaints. Nobody else — researchers and
moderators included — sees anything of complaints.

Each feature appends its own predicates at the end of this module.
"""

from django.db.models import Q

from community.models import Role, User
from complaints.models import Complaint


def _admin(user: User) -> bool:
    return user.has_role(Role.ADMIN) or (user.is_superuser and user.staff_powers)


def is_complaints_lead(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.COMPLAINTS_LEAD)


def is_complaints_officer(user: User) -> bool:
    """Officers and leads: the people who handle complaints."""
    return user.is_authenticated and (
        user.has_role(Role.COMPLAINTS_OFFICER) or user.has_role(Role.COMPLAINTS_LEAD)
    )


def is_safeguarding_officer(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SAFEGUARDING_OFFICER)


def visible_complaints(user: User):
    """The complaints whose file the user may open: all for the lead; all but those about
    themselves for officers; the flagged ones for safeguarding officers; none otherwise."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    if is_complaints_lead(user):
        return Complaint.objects.all()
    condition = Q(pk__in=[])
    if is_complaints_officer(user):
        condition |= ~Q(about_user=user) | Q(about_user__isnull=True)
    if is_safeguarding_officer(user):
        condition |= Q(safeguarding_flagged_at__isnull=False)
    return Complaint.objects.filter(condition)


def can_view_complaint(user: User, complaint: Complaint) -> bool:
    return visible_complaints(user).filter(pk=complaint.pk).exists()


def can_handle_complaint(user: User, complaint: Complaint) -> bool:
    """Change it (stages, letters, log, outcome): an officer or the lead who is not the person
    the complaint is about."""
    return is_complaints_officer(user) and complaint.about_user_id != user.pk


def can_register_complaint(user: User) -> bool:
    """Register a complaint received by phone, letter, e-mail or at a desk."""
    return is_complaints_officer(user)


def can_assign_complaint(user: User) -> bool:
    return is_complaints_lead(user)


def can_view_complaints_dashboard(user: User) -> bool:
    return user.is_authenticated and (is_complaints_officer(user) or _admin(user))


def can_view_annual_report(user: User) -> bool:
    return user.is_authenticated and (is_complaints_lead(user) or _admin(user))


def can_manage_letter_templates(user: User) -> bool:
    return user.is_authenticated and (is_complaints_lead(user) or _admin(user))


def can_view_outcome_as_subject(user: User, complaint: Complaint) -> bool:
    """The staff member a complaint is about reads its outcome once the handler shared it."""
    return (
        user.is_authenticated
        and complaint.about_user_id == user.pk
        and complaint.outcome_shared_at is not None
    )


def can_view_published_annual_report(user: User) -> bool:
    """The published annual report (figures about fewer than 5 complaints hidden): everyone
    who sees the dashboard; the internal version stays with can_view_annual_report."""
    return can_view_complaints_dashboard(user) or can_view_annual_report(user)


# --- handling (complaints.views.handling) ---

HANDLING_ACTIONS = (
    "assign",
    "acknowledge",
    "refuse",
    "start",
    "answer",
    "reopen",
    "close",
    "solved",
    "not_a_complaint",
    "details",
    "conciliation",
    "safeguarding",
    "share",
)


def can_open_complaints(user: User) -> bool:
    """The complaints list: officers, leads and safeguarding officers."""
    return is_complaints_officer(user) or is_safeguarding_officer(user)


def can_view_complainant_contact(user: User, complaint: Complaint) -> bool:
    """How to reach the complainant: whoever may handle it, and the safeguarding officers
    once it is flagged to them (a child at risk may need a call today)."""
    return can_handle_complaint(user, complaint) or (
        is_safeguarding_officer(user) and complaint.safeguarding_flagged_at is not None
    )


def complaint_actions(user: User, complaint: Complaint) -> set[str]:
    """The handling steps the user may take on the complaint now: the detail page shows a form
    for each, and the services refuse the others."""
    from complaints.models import OPEN_STAGES, Kind, Stage

    if complaint.anonymised_at is not None:
        return set()
    actions: set[str] = set()
    stage = complaint.stage
    if can_assign_complaint(user) and stage != Stage.CLOSED:
        actions.add("assign")
    if not can_handle_complaint(user, complaint):
        return actions
    is_complaint = complaint.kind == Kind.COMPLAINT
    if is_complaint and complaint.can_move_to(Stage.ACKNOWLEDGED):
        actions.add("acknowledge")
    if is_complaint and complaint.can_move_to(Stage.REFUSED):
        actions.add("refuse")
    if is_complaint and stage == Stage.ACKNOWLEDGED:
        actions.add("start")
    if is_complaint and complaint.can_move_to(Stage.ANSWERED):
        actions.add("answer")
    if stage == Stage.ANSWERED:
        actions.add("reopen")
    if complaint.can_move_to(Stage.CLOSED):
        actions.add("close")
    if complaint.solved_at is None and stage != Stage.CLOSED:
        actions.add("solved")
    if is_complaint and stage in OPEN_STAGES:
        actions.add("not_a_complaint")
    actions.update({"details", "conciliation"})
    if complaint.safeguarding_flagged_at is None:
        actions.add("safeguarding")
    if complaint.outcome and complaint.about_user_id and complaint.outcome_shared_at is None:
        actions.add("share")
    return actions


def complaints_about_me(user: User):
    """The complaints about the user whose outcome the handler shared with them."""
    if not user.is_authenticated or not user.staff_powers:
        return Complaint.objects.none()
    return Complaint.objects.filter(about_user=user, outcome_shared_at__isnull=False)


def can_view_complaints_about_me(user: User) -> bool:
    return complaints_about_me(user).exists()
