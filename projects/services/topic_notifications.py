"""Telling a project's audience that a new topic is waiting for them."""

from django.db import models, transaction

from community.models import NotificationKind, User
from community.services.notifications import notifications_create
from projects.models import Audience, ProjectPage, TopicPage


def project_audience_members(project: ProjectPage) -> models.QuerySet:
    """The members who may take part in a project: everyone, or the members of its segments."""
    members = User.objects.members()
    if project.audience == Audience.ALL:
        return members
    condition = models.Q(pk__in=[])
    for segment in project.segments.all():
        condition |= segment.members_q()
    return members.filter(condition).distinct()


@transaction.atomic
def topic_published_notify(*, topic: TopicPage) -> int:
    """Notify every member in the topic's project audience, in one bulk insert."""
    project = topic.project
    if not project.live:
        return 0
    recipients = list(project_audience_members(project))
    notifications_create(
        recipients=recipients,
        kind=NotificationKind.NEW_TOPIC,
        title={"nl": topic.title, "en": topic.title_en or topic.title},
        url=topic.dutch_path,
    )
    return len(recipients)
