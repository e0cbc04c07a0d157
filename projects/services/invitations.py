"""Inviting a project's audience: every member in it who was not invited before is notified.

An invitation is the PROJECT_INVITATION notification itself (kind + the project's Dutch path),
so inviting twice never notifies anyone twice and no extra table is needed. A member who
joins the audience later (a new segment member) is invited by the next run. The request only
queues the work (a broadcast, community.services.broadcasts): workers notify and e-mail the
audience in batches, and the invite page shows how far they are.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from community.models import Broadcast, BroadcastStatus, Notification, NotificationKind, User
from community.services.broadcasts import (
    broadcast_audience,
    broadcast_audience_name,
    broadcast_start,
    broadcasts_with_progress,
)
from projects.models import ProjectPage, ProjectStatus, TopicPage
from projects.rules import can_invite_audience
from projects.services.topic_notifications import (
    project_audience_description,
    project_audience_members,
    topic_audience,
)


def project_invitees(project: ProjectPage, url: str | None = None) -> models.QuerySet:
    """Members in the audience who have not been invited to this project yet (one query)."""
    invited = Notification.objects.filter(
        recipient=models.OuterRef("pk"),
        kind=NotificationKind.PROJECT_INVITATION,
        url=url if url is not None else project.dutch_path,
    )
    return project_audience_members(project).exclude(models.Exists(invited))


@broadcast_audience
def project_invitation_audience(broadcast: Broadcast) -> models.QuerySet:
    """An invitation's broadcast reaches the project's audience minus those invited before."""
    project = ProjectPage.objects.filter(pk=broadcast.target_id).first()
    if project is None:
        return User.objects.none()
    return project_invitees(project, url=broadcast.url)


@transaction.atomic
def project_audience_invite(*, project: ProjectPage, invited_by: User) -> Broadcast:
    """Queue the invitation of every member in the project's audience who was not invited
    before; returns its broadcast, whose counts show the progress. Only for a live project
    that has not closed.

    While an invitation of the project is still being sent, inviting again returns that one:
    two clicks, or two researchers at once, start one invitation.
    """
    if not can_invite_audience(invited_by, project):
        raise PermissionDenied("Only researchers and administrators invite a project's audience.")
    if not project.live:
        raise ValidationError(_("Publish the project before you invite its audience."))
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("This project is closed: nobody can take part any more."))
    # Lock the project row: of two requests at once, the second sees the first's broadcast.
    ProjectPage.objects.select_for_update().filter(pk=project.pk).first()
    under_way = (
        project_invitations(project)
        .filter(status__in=[BroadcastStatus.QUEUED, BroadcastStatus.RUNNING])
        .first()
    )
    if under_way is not None:
        return under_way
    return broadcast_start(
        kind=NotificationKind.PROJECT_INVITATION,
        audience=project_invitation_audience,
        target_id=project.pk,
        title={"nl": project.title, "en": project.title_en or project.title},
        url=project.dutch_path,
        actor=invited_by,
        description=project_audience_description(project),
    )


def project_invitations(project: ProjectPage) -> models.QuerySet:
    """The project's invitations, newest first, with their progress (one query)."""
    return broadcasts_with_progress().filter(
        audience=broadcast_audience_name(project_invitation_audience), target_id=project.pk
    )


def project_broadcasts(project: ProjectPage, limit: int = 10) -> list[Broadcast]:
    """The project's latest invitations and topic announcements with their progress, newest
    first, in one query."""
    topics = TopicPage.objects.child_of(project).values("pk")
    return list(
        broadcasts_with_progress()
        .filter(
            models.Q(
                audience=broadcast_audience_name(project_invitation_audience),
                target_id=project.pk,
            )
            | models.Q(audience=broadcast_audience_name(topic_audience), target_id__in=topics)
        )
        .select_related("actor")[:limit]
    )
