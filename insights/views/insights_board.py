"""The insights board in the Wagtail admin: all insights by status and all actions by due
date, overdue ones marked, filtered by status, project and owner. Community staff only."""

from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insights.models import Action, ActionStatus, Insight, InsightStatus
from insights.views.insights import staff_only
from projects.models import ProjectPage


@require_GET
def admin_insights_board(request: HttpRequest) -> HttpResponse:
    """All insights by status and all actions by due date, with filters."""
    staff_only(request)
    status = request.GET.get("status", "")
    project = request.GET.get("project", "")
    owner = request.GET.get("owner", "")
    insights = Insight.objects.prefetch_related("projects").annotate(
        action_count=Count("actions", distinct=True),
        evidence_count=Count("evidence_links", distinct=True),
    )
    # Adjustments from the monthly feedback report have no insight: the report tracks them.
    actions = (
        Action.objects.filter(insight__isnull=False)
        .select_related("insight")
        .order_by(F("due_date").asc(nulls_last=True), "insight_id", "pk")
    )
    if status in InsightStatus.values:
        insights = insights.filter(status=status)
        actions = actions.filter(insight__status=status)
    if project.isdigit():
        insights = insights.filter(projects=project)
        actions = actions.filter(insight__projects=project)
    if owner:
        insights = insights.filter(Q(owner_team=owner) | Q(actions__owner=owner)).distinct()
        actions = actions.filter(Q(owner=owner) | Q(insight__owner_team=owner))
    insights = list(insights.order_by("-updated_at", "pk"))
    actions = list(actions)
    owners = sorted(
        {*Insight.objects.exclude(owner_team="").values_list("owner_team", flat=True)}
        | {*Action.objects.filter(insight__isnull=False).values_list("owner", flat=True)},
        key=str.casefold,
    )
    columns = [
        (value, label, [insight for insight in insights if insight.status == value])
        for value, label in InsightStatus.choices
    ]
    action_groups = [
        (value, label, [action for action in actions if action.status == value])
        for value, label in ActionStatus.choices
    ]
    return render(
        request,
        "insights/insights/board.html",
        {
            "columns": columns,
            "action_groups": action_groups,
            "overdue_count": sum(action.is_overdue for action in actions),
            "statuses": InsightStatus.choices,
            "projects": ProjectPage.objects.filter(insights__isnull=False)
            .distinct()
            .order_by("title"),
            "owners": owners,
            "selected": {"status": status, "project": project, "owner": owner},
        },
    )
