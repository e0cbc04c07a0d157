"""The member dashboard's project sections: open projects, topics to answer, replies.

Imported from ProjectsConfig.ready(). Each section runs a fixed number of queries, however
many projects, topics or posts there are.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from django.utils.translation import get_language

from community.dashboard import DashboardSection, register
from projects.models import Post, ProjectPage, TopicPage
from projects.personal_data import post_text

WAITING_TOPICS_SHOWN = 10
REPLIES_SHOWN = 5


def open_projects():
    """Projects the member may take part in.

    Every member is in the audience of every live, public project until issue 4 adds audience
    rules (segments, invitations); then this is the one place to narrow it.
    """
    return ProjectPage.objects.live().public()


def open_projects_context(request: HttpRequest) -> dict:
    return {"projects": list(open_projects().order_by("-first_published_at", "pk"))}


def waiting_topics_context(request: HttpRequest) -> dict:
    """Open topics in open projects where the member has not answered yet (replies to others
    do not count as an answer)."""
    answered = Post.objects.filter(topic=OuterRef("pk"), author=request.user, parent__isnull=True)
    projects = ProjectPage.objects.filter(path=OuterRef("project_path"))
    topics = list(
        TopicPage.objects.live()
        .public()
        # A topic's parent is always a project: its path minus the last step.
        .annotate(project_path=Substr("path", 1, Length("path") - TopicPage.steplen))
        .filter(project_path__in=open_projects().values("path"))
        .exclude(Exists(answered))
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


def replies_context(request: HttpRequest) -> dict:
    """The latest replies by others to what the member wrote, in topics still online."""
    replies = list(
        Post.objects.filter(parent__author=request.user, topic__live=True)
        .exclude(author=request.user)
        .select_related("author", "topic")
        .order_by("-created_at", "-pk")[:REPLIES_SHOWN]
    )
    for reply in replies:
        reply.excerpt = post_text(reply.body)
    return {"replies": replies}


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
