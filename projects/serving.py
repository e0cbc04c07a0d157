"""Who reads a project or topic page, and what everyone else is told instead of a bare
refusal. ProjectPage.serve and TopicPage.serve ask here before serving the page.

A visitor who is not logged in gets the project's public face: its title, the summary the
researcher wrote, its dates and (for a project open to all members) its topics' titles, with
an invitation to log in or join that brings them back to the same address. Never a post,
never a member's name, never the segments a project is for. That page is the same for every
visitor, so it is kept like the other public pages (docs/caching.md).

A member outside a project's audience gets a 404 that says so kindly, without naming the
project, so that the page reveals no more than an address that does not exist.
"""

import hashlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language

from config.versions import kept_while_current
from projects import rules
from projects.models import Audience, ProjectIndexPage, ProjectPage, TopicPage
from projects.routing import GENERATION_KEY

# A day at most: the page tree's token keeps it fresh; this only bounds what nobody asks for.
KEPT_SECONDS = 24 * 60 * 60


def project_refusal(request: HttpRequest, project: ProjectPage) -> HttpResponse | None:
    """None when the reader may see the project, else what they get instead: the public
    summary for a visitor, the "for a specific group" page for a member outside the
    audience. Community staff (including a researcher previewing a draft) always see it."""
    if getattr(request, "is_preview", False):
        return None  # only editors in the admin reach a preview
    if not request.user.is_authenticated:
        return visitor_invitation(request, project)
    if not project.audience_allows(request.user):
        return outside_audience(request, project)
    return None


def topic_refusal(request: HttpRequest, topic: TopicPage) -> HttpResponse | None:
    """project_refusal for a topic: the visitor reads its project's summary and the topic's
    title."""
    if getattr(request, "is_preview", False):
        return None
    if not request.user.is_authenticated:
        return visitor_invitation(request, topic.project, topic)
    if not rules.can_view_topic(request.user, topic):
        return outside_audience(request, topic.project)
    return None


def visitor_invitation(
    request: HttpRequest, project: ProjectPage, topic: TopicPage | None = None
) -> HttpResponse:
    """The project's public summary with "log in or join to take part" (status 200), kept
    per language, host, address and day (the status follows the dates) under the page
    tree's generation; a visitor with a message waiting gets it rendered for them."""
    if len(messages.get_messages(request)):
        return HttpResponse(_invitation_html(request, project, topic))
    address = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    key = (
        f"project-invitation:{get_language()}:{request.get_host()}:{address}:"
        f"{timezone.localdate().isoformat()}"
    )
    html, _tokens = kept_while_current(
        key,
        (GENERATION_KEY,),
        lambda: _invitation_html(request, project, topic),
        KEPT_SECONDS,
    )
    return HttpResponse(html)


def _invitation_html(request: HttpRequest, project: ProjectPage, topic: TopicPage | None) -> str:
    open_to_all = project.audience == Audience.ALL
    topics = []
    if open_to_all:
        topics = list(TopicPage.objects.child_of(project).live().public().only("title", "title_en"))
    return render_to_string(
        "projects/project_invitation.html",
        {
            "page": topic or project,
            "project": project,
            "topic": topic,
            "topics": topics,
            "open_to_all": open_to_all,
            "next_path": request.path,
        },
        request,
    )


def outside_audience(request: HttpRequest, project: ProjectPage) -> TemplateResponse:
    """The page that says this project is for a specific group of parents, with a link to
    the projects open to the reader; status 404, and nothing of the project itself."""
    return TemplateResponse(
        request,
        "projects/project_outside_audience.html",
        {"project_index": _project_index(project)},
        status=404,
    )


def _project_index(project: ProjectPage) -> ProjectIndexPage | None:
    # Routing found the project below its index: no query then.
    parent = getattr(project, "_cached_parent_obj", None)
    if isinstance(parent, ProjectIndexPage):
        return parent
    return ProjectIndexPage.objects.live().first()
