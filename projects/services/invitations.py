"""Inviting a project's audience: every member in it who was not invited before is notified.

An invitation is the PROJECT_INVITATION notification itself (kind + the project's Dutch path),
so inviting twice never notifies anyone twice and no extra table is needed. A member who
joins the audience later (a new segment member) is invited by the next run.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from community.models import Notification, NotificationKind, User
from community.services.notifications import notifications_create
from projects.models import ProjectPage, ProjectStatus
from projects.rules import can_invite_audience
from projects.services.topic_notifications import project_audience_members


def project_invitees(project: ProjectPage) -> models.QuerySet:
    """Members in the audience who have not been invited to this project yet (one query)."""
    invited = Notification.objects.filter(
        recipient=models.OuterRef("pk"),
        kind=NotificationKind.PROJECT_INVITATION,
        url=project.dutch_path,
    )
    return project_audience_members(project).exclude(models.Exists(invited))


@transaction.atomic
def project_audience_invite(*, project: ProjectPage, invited_by: User) -> int:
    """Notify every member in the project's audience who was not invited before, in one bulk
    insert; returns how many were invited (0 on a second run). Only for a live project that
    has not closed."""
    if not can_invite_audience(invited_by, project):
        raise PermissionDenied("Only researchers and administrators invite a project's audience.")
    if not project.live:
        raise ValidationError(_("Publish the project before you invite its audience."))
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("This project is closed: nobody can take part any more."))
    # Lock the project row: two researchers clicking at once do not invite anyone twice.
    ProjectPage.objects.select_for_update().filter(pk=project.pk).first()
    recipients = list(project_invitees(project))
    notifications_create(
        recipients=recipients,
        kind=NotificationKind.PROJECT_INVITATION,
        title={"nl": project.title, "en": project.title_en or project.title},
        url=project.dutch_path,
        actor=invited_by,
    )
    return len(recipients)
