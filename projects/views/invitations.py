"""Wagtail admin: a researcher invites a project's audience, after seeing how many it reaches."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from projects.models import ProjectPage
from projects.rules import can_invite_audience
from projects.services.invitations import project_audience_invite, project_invitees


@require_http_methods(["GET", "POST"])
def admin_project_invite(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(ProjectPage, pk=project_id)
    if not can_invite_audience(request.user, project):
        raise PermissionDenied
    back = reverse("wagtailadmin_explore", args=[project.get_parent().pk])
    if request.method == "POST":
        try:
            invited = project_audience_invite(project=project, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s member was invited to “%(title)s”.",
                    "%(count)s members were invited to “%(title)s”.",
                    invited,
                )
                % {"count": invited, "title": project.title},
            )
        return HttpResponseRedirect(back)
    return render(
        request,
        "projects/admin/project_invite.html",
        {"project": project, "count": project_invitees(project).count(), "back_url": back},
    )
