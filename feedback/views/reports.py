"""The monthly reports in the Wagtail admin: the list, one report with its charts (the part
the user may see), its XLSX and CSV files, and the adjustments decided from it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback.forms.reports import AdjustmentForm, AdjustmentStatusForm
from feedback.models import Channel, MonthlyReport, ReportAdjustment
from feedback.rules import can_record_adjustment, can_view_team_feedback
from feedback.services.report_files import report_csv, report_xlsx
from feedback.services.reports import (
    report_adjustment_create,
    report_adjustments,
    report_for_user,
)
from feedback.views.team import bar_chart
from insights.models import ActionStatus
from insights.services.insights import ACTION_TRANSITIONS, action_status_change

REPORTS_LISTED = 36
FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _allowed(request: HttpRequest) -> None:
    if not can_view_team_feedback(request.user):
        raise PermissionDenied


@require_GET
def admin_report_list(request: HttpRequest) -> HttpResponse:
    """The reports built so far, newest first."""
    _allowed(request)
    reports = list(MonthlyReport.objects.only("pk", "month", "built_at")[:REPORTS_LISTED])
    return render(request, "feedback/admin/report_list.html", {"reports": reports})


def _csat(figures: dict) -> float | None:
    return None if figures["suppressed"] else figures["csat"]


def _charts(data: dict) -> dict:
    series = [
        ("now", gettext("This month")),
        ("previous", gettext("Previous month")),
        ("year_before", gettext("A year earlier")),
    ]
    labels = dict(Channel.choices)

    def values(row: dict) -> list:
        return [(name, _csat(row[name])) for name, _label in series]

    return {
        "channels": bar_chart(
            chart_id="chart-report-channels",
            title=gettext("CSAT per channel (%)"),
            groups=[(str(labels[row["key"]]), values(row)) for row in data["channels"]],
            series=series,
        ),
        "teams": bar_chart(
            chart_id="chart-report-teams",
            title=gettext("CSAT per team (%)"),
            groups=[(row["name"], values(row)) for row in data["teams"]],
            series=series,
        ),
    }


def _report_page(
    request: HttpRequest,
    report: MonthlyReport,
    *,
    form: AdjustmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    data = report_for_user(report=report, user=request.user)
    labels = dict(Channel.choices)
    for row in data["channels"]:
        row["label"] = labels.get(row["key"], row["key"])
    team_names = {str(team["id"]): team["name"] for team in data["teams"]}
    for code in data["codes"]:
        code["team_rows"] = [
            (team_names.get(key, ""), count) for key, count in code["teams"].items()
        ]
    follow_up_rows = [
        (team_names.get(key, ""), row) for key, row in data["follow_ups"]["teams"].items()
    ]
    statuses = dict(ActionStatus.choices)
    for adjustment in data["adjustments"]:
        adjustment["status_label"] = statuses.get(adjustment["status"], adjustment["status"])
    adjustments = report_adjustments(report=report)
    return render(
        request,
        "feedback/admin/report_detail.html",
        {
            "report": report,
            "data": data,
            "charts": _charts(data),
            "follow_up_rows": follow_up_rows,
            "adjustments": [
                (action, [(s, ActionStatus(s).label) for s in ACTION_TRANSITIONS[action.status]])
                for action in adjustments
            ],
            "form": form or AdjustmentForm(),
            "can_record": can_record_adjustment(request.user),
        },
        status=status,
    )


@require_GET
def admin_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    return _report_page(request, get_object_or_404(MonthlyReport, pk=pk))


@require_GET
def admin_report_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The report as the user may see it, as CSV or XLSX."""
    _allowed(request)
    if file_format not in FILE_TYPES:
        raise Http404
    report = get_object_or_404(MonthlyReport, pk=pk)
    data = report_for_user(report=report, user=request.user)
    body = report_csv(data) if file_format == "csv" else report_xlsx(data)
    response = HttpResponse(body, content_type=FILE_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="feedback-{report.month:%Y-%m}.{file_format}"'
    )
    return response


@require_http_methods(["POST"])
def admin_report_adjustment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an adjustment decided from the report (an insights action without insight)."""
    if not can_record_adjustment(request.user):
        raise PermissionDenied
    report = get_object_or_404(MonthlyReport, pk=pk)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            report_adjustment_create(user=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, gettext("The adjustment is recorded."))
            return redirect("feedback_admin_report", pk=report.pk)
    return _report_page(request, report, form=form, status=400)


@require_POST
def admin_report_adjustment_status(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    """Move an adjustment along planned → in progress → done or dropped."""
    if not can_record_adjustment(request.user):
        raise PermissionDenied
    adjustment = get_object_or_404(
        ReportAdjustment.objects.select_related("action"), report_id=pk, action_id=action_id
    )
    form = AdjustmentStatusForm(request.POST)
    if form.is_valid():
        try:
            action_status_change(
                user=request.user,
                action=adjustment.action,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The adjustment's status is changed."))
    else:
        messages.error(request, gettext("Choose a status."))
    return redirect("feedback_admin_report", pk=pk)
