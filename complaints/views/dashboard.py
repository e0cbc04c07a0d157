"""The complaints dashboard in the Wagtail admin: open complaints by stage and by deadline
(overdue first), and the figures of a period. Complaints officers, the lead and
administrators."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from complaints.forms.reports import DashboardForm
from complaints.rules import (
    can_view_annual_report,
    can_view_complaints_dashboard,
    can_view_published_annual_report,
    is_complaints_lead,
    is_complaints_officer,
)
from complaints.services.statistics import dashboard_figures, today_local
from feedback.views.request_roles import user_roles_remember

# The complaint's page in the handling part of the admin, when that part is installed.
COMPLAINT_URL_NAME = "complaints_admin_complaint"


def _complaint_url(pk: int) -> str:
    """The complaint's page, or "" while the handling part has no page for it."""
    try:
        return reverse(COMPLAINT_URL_NAME, args=[pk])
    except NoReverseMatch:
        return ""


@require_GET
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    """Open complaints by stage and deadline; numbers per month, channel, service and
    outcome; days to answer, for the chosen months."""
    user = request.user
    user_roles_remember(user)
    if not can_view_complaints_dashboard(user):
        raise PermissionDenied
    form = DashboardForm(request.GET)
    context = {
        "form": form,
        "can_view_published_report": can_view_published_annual_report(user),
        "can_view_internal_report": can_view_annual_report(user),
    }
    if not form.is_valid():
        return render(request, "complaints/reports/dashboard.html", context, status=400)
    today = today_local()
    figures = dashboard_figures(
        first=form.cleaned_data["first"],
        last=form.cleaned_data["last"],
        today=today,
        # Like the complaints list: nobody but the lead sees complaints about themselves.
        hidden_from=None if is_complaints_lead(user) else user,
    )
    # Administrators see the figures, not the complaints: no links for them.
    if is_complaints_officer(user):
        for row in figures["open"]:
            row.url = _complaint_url(row.pk)
    return render(
        request,
        "complaints/reports/dashboard.html",
        {**context, "figures": figures, "today": today},
    )
