"""The member dashboard's project sections: follow-up questions, open projects, topics to
answer, replies.

Imported from ProjectsConfig.ready(). Each section runs a fixed number of queries, however
many projects, topics or posts there are.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from django.utils.translation import get_language

from community.dashboard import DashboardSection, register
from projects.models import Post, PostStatus, ProjectPage, ProjectPageQuerySet, TopicPage
from projects.post_text import post_plain_text

WAITING_TOPICS_SHOWN = 10
REPLIES_SHOWN = 5
PROBES_SHOWN = 10


def open_projects(request: HttpRequest) -> ProjectPageQuerySet:
    """Projects the member may take part in: live, public and with them in the audience.

    Built once per request: finding the member's segments is a query, and two sections ask.
    """
    if not hasattr(request, "_projects_open_to_member"):
        request._projects_open_to_member = ProjectPage.objects.open_to(request.user)
    return request._projects_open_to_member


def open_projects_context(request: HttpRequest) -> dict:
    return {"projects": list(open_projects(request).order_by("-first_published_at", "pk"))}


def waiting_topics_context(request: HttpRequest) -> dict:
    """Open topics in open projects where the member has not answered yet (replies to others
    do not count as an answer; a vote in a poll does)."""
    projects = ProjectPage.objects.filter(path=OuterRef("project_path"))
    topics = list(
        TopicPage.objects.live()
        .public()
        # A topic's parent is always a project: its path minus the last step.
        .annotate(project_path=Substr("path", 1, Length("path") - TopicPage.steplen))
        .filter(project_path__in=open_projects(request).values("path"))
        .exclude(ProjectPage.topic_answered(request.user))
        .annotate(
            project_title=Subquery(projects.values("title")[:1]),
            project_title_en=Subquery(projects.values("title_en")[:1]),
        )
        .order_by("-first_published_at", "pk")[:WAITING_TOPICS_SHOWN]
    )
    english = get_language() == "en"
    for topic in topics:
        if english and topic.project_title_en:
            topic.project_title = topic.project_title_en
    return {"topics": topics}


def probes_context(request: HttpRequest) -> dict:
    """Follow-up questions from the research team to the member's answers, in projects open
    to them, listed until the member writes in that conversation after the question."""
    user_id = request.user.pk
    answered = Post.objects.filter(
        parent=OuterRef("parent"),
        author_id=user_id,
        created_at__gt=OuterRef("created_at"),
        removed_at__isnull=True,
    )
    probes = list(
        Post.objects.filter(
            is_probe=True,
            parent__author_id=user_id,
            status=PostStatus.PUBLISHED,
            removed_at__isnull=True,
            topic__live=True,
            project__in=open_projects(request),
        )
        .exclude(Exists(answered))
        .select_related("topic")
        .order_by("created_at", "pk")[:PROBES_SHOWN]
    )
    for probe in probes:
        probe.excerpt = post_plain_text(probe.body)
    return {"probes": probes}


def replies_context(request: HttpRequest) -> dict:
    """The latest replies by others to what the member wrote, in topics still online.
    Follow-up questions have their own section."""
    replies = list(
        Post.objects.filter(parent__author=request.user, topic__live=True, is_probe=False)
        .exclude(author=request.user)
        .select_related("author", "topic")
        .order_by("-created_at", "-pk")[:REPLIES_SHOWN]
    )
    for reply in replies:
        reply.excerpt = post_plain_text(reply.body)
    return {"replies": replies}


register(
    DashboardSection(
        key="probes",
        order=15,
        template="projects/dashboard/probes.html",
        context=probes_context,
    )
)
register(
    DashboardSection(
        key="open_projects",
        order=20,
        template="projects/dashboard/open_projects.html",
        context=open_projects_context,
    )
)
register(
    DashboardSection(
        key="waiting_topics",
        order=30,
        template="projects/dashboard/waiting_topics.html",
        context=waiting_topics_context,
    )
)
register(
    DashboardSection(
        key="replies",
        order=40,
        template="projects/dashboard/replies.html",
        context=replies_context,
    )
)
