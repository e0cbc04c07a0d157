"""The Wagtail dashboard for the research team: projects with their participation, what waits
for the moderators, the newest posts and follow-up questions still waiting for an answer.

A researcher's projects are the ones they created (Wagtail's page owner); administrators and
moderators, who work on every project, see all of them. A researcher who has not created a
project yet also sees all of them, so the dashboard is never an empty page.

Each panel runs a fixed number of queries, however many projects, posts or flags there are.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from wagtail.admin.ui.components import Component

from community.models import Role, User
from projects.models import Post, PostStatus, ProjectIndexPage, ProjectPage, TopicPage
from projects.post_text import post_plain_text
from projects.rules import can_moderate, can_search_all_posts, can_view_project_statistics

PROJECTS_SHOWN = 10
POSTS_SHOWN = 5
PROBES_SHOWN = 5


@dataclass(frozen=True)
class ProjectScope:
    """Which projects the dashboard talks about for this user."""

    mine: bool  # True: only the projects this researcher created
    owner_id: int | None

    def projects(self) -> QuerySet[ProjectPage]:
        projects = ProjectPage.objects.all()
        return projects.filter(owner_id=self.owner_id) if self.mine else projects

    def posts(self) -> QuerySet[Post]:
        posts = Post.objects.filter(removed_at__isnull=True)
        return posts.filter(project__owner_id=self.owner_id) if self.mine else posts


def project_scope(request: HttpRequest) -> ProjectScope:
    """Decided once per request: every panel asks. One query for a researcher (do they own a
    project?), none for moderators and administrators."""
    if not hasattr(request, "_admin_home_scope"):
        user: User = request.user
        roles = user.roles if user.staff_powers else []  # one query for all three roles
        sees_all = user.is_superuser or Role.ADMIN in roles or Role.MODERATOR in roles
        mine = (
            not sees_all
            and Role.RESEARCHER in roles
            and ProjectPage.objects.filter(owner_id=user.pk).exists()
        )
        request._admin_home_scope = ProjectScope(mine=mine, owner_id=user.pk)
    return request._admin_home_scope


def _count(queryset: QuerySet, field: str = "pk", distinct: bool = False) -> Coalesce:
    """A correlated COUNT as a subquery: one row, no GROUP BY (Django would group by the
    outer reference if this were an aggregate)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = (
        queryset.order_by()
        .annotate(count=Func(F(field), template=template, output_field=IntegerField()))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def dashboard_projects(scope: ProjectScope) -> list[ProjectPage]:
    """The projects with their participation, in one query: topics, members who wrote, posts,
    posts waiting for a moderator and the last post's time."""
    in_project = Post.objects.filter(project=OuterRef("pk"), removed_at__isnull=True)
    topics = TopicPage.objects.filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1
    )
    members = in_project.filter(author__isnull=False).exclude(
        Q(author__is_superuser=True) | Q(author__groups__name__in=Role.values)
    )
    return list(
        scope.projects()
        .annotate(
            topic_count=_count(topics),
            member_count=_count(members, "author", distinct=True),
            post_count=_count(in_project),
            pending_count=_count(in_project.filter(status=PostStatus.PENDING)),
            last_post_at=Subquery(in_project.order_by("-created_at").values("created_at")[:1]),
        )
        .order_by("-live", F("last_post_at").desc(nulls_last=True), "-latest_revision_created_at")[
            :PROJECTS_SHOWN
        ]
    )


def moderation_counts(scope: ProjectScope) -> dict[str, int]:
    """What the moderation queue's "To review" list holds, in one query: posts waiting for
    approval and published posts with open reports (and how many open reports)."""
    open_flag = Q(flags__resolved_at__isnull=True, flags__isnull=False)
    return scope.posts().aggregate(
        pending=Count("pk", filter=Q(status=PostStatus.PENDING), distinct=True),
        reported=Count("pk", filter=Q(open_flag, status=PostStatus.PUBLISHED), distinct=True),
        open_flags=Count("flags", filter=Q(open_flag, status=PostStatus.PUBLISHED), distinct=True),
    )


def newest_posts(scope: ProjectScope) -> list[Post]:
    posts = list(
        scope.posts()
        .select_related("topic", "project", "author")
        .order_by("-created_at", "-pk")[:POSTS_SHOWN]
    )
    for post in posts:
        post.excerpt = post_plain_text(post.body)
    return posts


def waiting_probes(scope: ProjectScope) -> QuerySet[Post]:
    """Follow-up questions the parent has not answered yet (no post of theirs in the thread
    after the question), oldest first."""
    answered = Post.objects.filter(
        parent=OuterRef("parent"),
        author=OuterRef("parent__author"),
        created_at__gt=OuterRef("created_at"),
        removed_at__isnull=True,
    )
    return (
        scope.posts()
        .filter(is_probe=True, status=PostStatus.PUBLISHED, parent__author__isnull=False)
        .exclude(Exists(answered))
        .order_by("created_at", "pk")
    )


def _staff_context(request: HttpRequest) -> dict[str, Any]:
    scope = project_scope(request)
    return {"request": request, "scope_mine": scope.mine}


class ResearchPanel(Component):
    """A dashboard panel for researchers, moderators and administrators only."""

    class Media:
        css = {"all": ["css/admin_home.css"]}

    def render_html(self, parent_context: dict[str, Any] | None = None) -> str:
        if not can_view_project_statistics(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)


class ModerationPanel(ResearchPanel):
    name = "moderation_summary"
    template_name = "projects/admin/home/moderation.html"
    order = 50

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        request = parent_context["request"]
        scope = project_scope(request)
        return {
            **_staff_context(request),
            "counts": moderation_counts(scope),
            "can_moderate": can_moderate(request.user),
        }


class ProjectsPanel(ResearchPanel):
    name = "projects"
    template_name = "projects/admin/home/projects.html"
    order = 60

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        request = parent_context["request"]
        scope = project_scope(request)
        index = ProjectIndexPage.objects.first()
        return {
            **_staff_context(request),
            "projects": dashboard_projects(scope),
            "project_index": index,
            "can_add": index is not None
            and index.permissions_for_user(request.user).can_add_subpage(),
        }


class NewestPostsPanel(ResearchPanel):
    name = "newest_posts"
    template_name = "projects/admin/home/newest_posts.html"
    order = 70

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        request = parent_context["request"]
        return {
            **_staff_context(request),
            "posts": newest_posts(project_scope(request)),
            "can_search": can_search_all_posts(request.user),
        }


class ProbesPanel(ResearchPanel):
    name = "waiting_probes"
    template_name = "projects/admin/home/probes.html"
    order = 80

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        request = parent_context["request"]
        probes = waiting_probes(project_scope(request))
        shown = list(probes.select_related("topic", "author", "parent__author")[:PROBES_SHOWN])
        for probe in shown:
            probe.excerpt = post_plain_text(probe.body)
        return {
            **_staff_context(request),
            "probes": shown,
            "waiting": probes.count(),
        }


def panels_for(request: HttpRequest) -> list[Component]:
    """The research team's panels, or none for everyone else (team leads, complaints
    officers): the panels check again when they render."""
    if not can_view_project_statistics(request.user):
        return []
    return [ModerationPanel(), ProjectsPanel(), NewestPostsPanel(), ProbesPanel()]
