"""Wagtail admin: a researcher invites a project's audience, after seeing how many it reaches,
and follows how far the invitations and new-topic announcements have gone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from community.models import NotificationKind
from projects.models import ProjectPage
from projects.rules import can_invite_audience
from projects.services.invitations import (
    project_audience_invite,
    project_broadcasts,
    project_invitees,
)


@require_http_methods(["GET", "POST"])
def admin_project_invite(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(ProjectPage, pk=project_id)
    if not can_invite_audience(request.user, project):
        raise PermissionDenied
    here = reverse("projects_admin_invite", args=[project.pk])
    if request.method == "POST":
        # Answers at once: the request queues the invitation, workers send it in batches.
        try:
            project_audience_invite(project=project, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext(
                    "The invitation is being sent to “%(title)s”. This page shows how far it is."
                )
                % {"title": project.title},
            )
        return HttpResponseRedirect(here)
    broadcasts = project_broadcasts(project)
    return render(
        request,
        "projects/admin/project_invite.html",
        {
            "project": project,
            "count": project_invitees(project).count(),
            "broadcasts": broadcasts,
            # A second invitation waits until the one under way is done.
            "invitation_under_way": any(
                broadcast.is_active and broadcast.kind == NotificationKind.PROJECT_INVITATION
                for broadcast in broadcasts
            ),
            "here": here,
            "back_url": reverse("wagtailadmin_explore", args=[project.get_parent().pk]),
        },
    )
