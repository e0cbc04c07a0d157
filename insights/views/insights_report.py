"""The printable insights report of a project (HTML with a print stylesheet): findings of
accepted and done insights, their quotes, and distinct parents per insight and per code.
Community staff only; counts are exact but marked below the privacy threshold."""

from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insights.models import (
    PRIVACY_THRESHOLD,
    Action,
    Code,
    Coding,
    Insight,
    InsightEvidence,
    InsightStatus,
)
from insights.views.insights import staff_only
from projects.models import ProjectPage

REPORT_STATUSES = (InsightStatus.ACCEPTED, InsightStatus.DONE)


def _count_row(count: int) -> dict[str, Any]:
    return {"count": count, "below_threshold": count < PRIVACY_THRESHOLD}


@require_GET
def admin_project_insights_report(request: HttpRequest, project_id: int) -> HttpResponse:
    """Accepted and done insights of a project with their quotes, and distinct parents per
    insight and per code: exact (this is a staff report) but marked below the threshold."""
    staff_only(request)
    project = get_object_or_404(ProjectPage, pk=project_id)
    evidence = (
        InsightEvidence.objects.filter(excerpt__project=project)
        .select_related("excerpt__topic")
        .prefetch_related("excerpt__codes")
        .order_by("added_at", "pk")
    )
    insights = list(
        Insight.objects.filter(projects=project, status__in=REPORT_STATUSES)
        .prefetch_related(
            Prefetch("evidence_links", queryset=evidence),
            Prefetch("actions", queryset=Action.objects.order_by("due_date", "pk")),
        )
        .order_by("-priority", "title", "pk")
    )
    parents_per_insight = dict(
        evidence.filter(insight__in=insights)
        .exclude(excerpt__author_key="")
        .order_by()
        .values("insight")
        .annotate(parents=Count("excerpt__author_key", distinct=True))
        .values_list("insight", "parents")
    )
    for insight in insights:
        insight.parents = _count_row(parents_per_insight.get(insight.pk, 0))
    themes = (
        Code.objects.filter(codings__excerpt__project=project)
        .select_related("parent")
        .annotate(
            parents=Count(
                "codings__excerpt__author_key",
                distinct=True,
                filter=~Q(codings__excerpt__author_key=""),
            ),
            excerpt_count=Count("codings__excerpt", distinct=True),
        )
        .order_by("-parents", "name")
    )
    theme_rows = [{"code": code, **_count_row(code.parents)} for code in themes]
    return render(
        request,
        "insights/insights/project_report.html",
        {
            "project": project,
            "insights": insights,
            "themes": theme_rows,
            "threshold": PRIVACY_THRESHOLD,
            "total_parents": _count_row(
                Coding.objects.filter(excerpt__project=project)
                .exclude(excerpt__author_key="")
                .values("excerpt__author_key")
                .distinct()
                .order_by()
                .count()
            ),
            "generated_at": timezone.now(),
        },
    )
