"""Complaints admin: the dashboard and the annual report, in the Complaints menu for
complaints officers, the complaints lead and administrators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from complaints.rules import can_view_complaints_dashboard, can_view_published_annual_report
from complaints.views import dashboard, reports


class DashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_complaints_dashboard(request.user)


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_published_annual_report(request.user)


@hooks.register("register_admin_urls")
def register_report_urls() -> list:
    return [
        path("complaints/dashboard/", dashboard.admin_dashboard, name="complaints_admin_dashboard"),
        path(
            "complaints/annual-report/",
            reports.admin_annual_report_choose,
            name="complaints_admin_annual_report_choose",
        ),
        path(
            "complaints/annual-report/<int:year>/<slug:version>/",
            reports.admin_annual_report,
            name="complaints_admin_annual_report",
        ),
        path(
            "complaints/annual-report/<int:year>/<slug:version>/<slug:file_format>/",
            reports.admin_annual_report_download,
            name="complaints_admin_annual_report_download",
        ),
    ]


@hooks.register("register_complaints_menu_item")
def register_dashboard_menu_item() -> MenuItem:
    return DashboardMenuItem(
        _("Dashboard"),
        reverse("complaints_admin_dashboard"),
        name="complaints-dashboard",
        icon_name="table",
        order=900,
    )


@hooks.register("register_complaints_menu_item")
def register_annual_report_menu_item() -> MenuItem:
    return AnnualReportMenuItem(
        _("Annual report"),
        reverse("complaints_admin_annual_report_choose"),
        name="complaints-annual-report",
        icon_name="doc-full",
        order=910,
    )
