"""Telling a project's audience that a new topic is waiting for them."""

from django.db import models

from community.models import Broadcast, NotificationKind, User
from community.services.broadcasts import (
    broadcast_audience,
    broadcast_audience_name,
    broadcast_start,
)
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


def project_audience_description(project: ProjectPage) -> str:
    """What a broadcast keeps about who it reached: the segments' names, empty for everyone."""
    if project.audience == Audience.ALL:
        return ""
    return ", ".join(segment.name for segment in project.segments.all())


@broadcast_audience
def topic_audience(broadcast: Broadcast) -> models.QuerySet:
    """A new topic's broadcast reaches its project's audience (the topic is the target)."""
    topic = TopicPage.objects.filter(pk=broadcast.target_id).first()
    if topic is None:
        return User.objects.none()
    return project_audience_members(topic.project)


def topic_published_notify(*, topic: TopicPage) -> Broadcast | None:
    """Queue the announcement of a topic that went live to everyone in its project's
    audience, once per topic; returns the broadcast (None when there is nothing to announce).

    It writes only the broadcast and its first task, in the caller's transaction: called from
    the save that makes the topic live, both commit together or neither does, so a live topic
    is never left unannounced. Workers notify the members in batches (community.tasks).
    """
    project = topic.project
    if not project.live:
        return None
    announced = Broadcast.objects.filter(
        audience=broadcast_audience_name(topic_audience),
        target_id=topic.pk,
    )
    if announced.exists():
        return None
    return broadcast_start(
        kind=NotificationKind.NEW_TOPIC,
        audience=topic_audience,
        target_id=topic.pk,
        title={"nl": topic.title, "en": topic.title_en or topic.title},
        url=topic.dutch_path,
        description=project_audience_description(project),
    )
