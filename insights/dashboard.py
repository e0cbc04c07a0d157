"""Insights' section of the member dashboard: what happened with what you said.

Imported from InsightsConfig.ready().
"""

from django.http import HttpRequest

from community.dashboard import DashboardSection, register
from insights.services.updates import updates_for_member

RESULTS_SHOWN = 10


def results_context(request: HttpRequest) -> dict:
    """The published updates the member's words contributed to; one query. Staff write
    nothing as parents: no section, no query."""
    user = request.user
    if user.is_staff_member:
        return {"results_shown": False, "updates": []}
    return {"results_shown": True, "updates": updates_for_member(user=user, limit=RESULTS_SHOWN)}


register(
    DashboardSection(
        key="results",
        order=45,
        template="insights/updates/dashboard_results.html",
        context=results_context,
    )
)
