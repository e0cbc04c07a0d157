"""The dashboard and the annual report in the admin: who opens what (every role, every
address and format), the menu, the year and version choice, the threshold on the page, bad
input, and the dashboard's cost in queries."""

import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import ComplaintChannel, Stage
from complaints.services.statistics import today_local
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.report_cases import YEAR, brussels, complaint_made, year_of_complaints

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/complaints/dashboard/"
OFFICERS = {"complaints_officer", "other_complaints_officer", "complaints_lead", "admin"}
LEAD_AND_ADMINS = {"complaints_lead", "admin"}
ADDRESSES = {
    DASHBOARD: OFFICERS,
    "/admin/complaints/annual-report/": OFFICERS,
    f"/admin/complaints/annual-report/{YEAR}/published/": OFFICERS,
    f"/admin/complaints/annual-report/{YEAR}/published/pdf/": OFFICERS,
    f"/admin/complaints/annual-report/{YEAR}/published/xlsx/": OFFICERS,
    f"/admin/complaints/annual-report/{YEAR}/internal/": LEAD_AND_ADMINS,
    f"/admin/complaints/annual-report/{YEAR}/internal/pdf/": LEAD_AND_ADMINS,
    f"/admin/complaints/annual-report/{YEAR}/internal/xlsx/": LEAD_AND_ADMINS,
}


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_who_opens_the_dashboard_and_each_version_of_the_annual_report(client_for_role, role):
    complaint_made(brussels(YEAR, 3, 3), channel=ComplaintChannel.PHONE)
    client = client_for_role(role)

    for address, allowed in ADDRESSES.items():
        response = client.get(address)
        if role in allowed:
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND), address
            if response.status_code == HTTPStatus.FOUND:
                assert response["Location"].startswith("/admin/complaints/annual-report/")
        else:
            assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), address
            if response.status_code == HTTPStatus.FOUND:
                assert not response["Location"].startswith("/admin/complaints/"), address


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_the_menu_shows_the_dashboard_and_report_to_whom_may_open_them(client_for_role, role):
    if role in {"anonymous", "parent", "other_parent"}:
        return  # no admin at all
    html = client_for_role(role).get(reverse("wagtailadmin_home")).content.decode()

    assert (DASHBOARD in html) == (role in OFFICERS)
    assert ("/admin/complaints/annual-report/" in html) == (role in OFFICERS)


def test_the_files_download_with_their_type(client_for_role):
    year_of_complaints()
    client = client_for_role("complaints_lead")

    pdf = client.get(f"/admin/complaints/annual-report/{YEAR}/internal/pdf/")
    xlsx = client.get(f"/admin/complaints/annual-report/{YEAR}/internal/xlsx/")

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[3]: row[2] for row in sheet.iter_rows(values_only=True) if len(row) > 3}
    assert rows["totals.complaints"] == 7


def test_the_year_choice_defaults_to_last_year_in_the_fullest_allowed_version(client_for_role):
    last_year = today_local().year - 1

    lead = client_for_role("complaints_lead").get("/admin/complaints/annual-report/")
    officer = client_for_role("complaints_officer").get("/admin/complaints/annual-report/")

    assert lead["Location"] == f"/admin/complaints/annual-report/{last_year}/internal/"
    assert officer["Location"] == f"/admin/complaints/annual-report/{last_year}/published/"


def test_the_selector_opens_the_chosen_year_and_version(client_for_role):
    year_of_complaints()
    client = client_for_role("complaints_lead")

    response = client.get(
        "/admin/complaints/annual-report/", {"year": YEAR, "version": "published"}
    )

    assert response["Location"] == f"/admin/complaints/annual-report/{YEAR}/published/"
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{YEAR}" selected>' in page


def test_an_officer_cannot_choose_the_internal_version(client_for_role):
    year_of_complaints()

    response = client_for_role("complaints_officer").get(
        "/admin/complaints/annual-report/", {"year": YEAR, "version": "internal"}
    )

    assert response["Location"].endswith("/published/")


@pytest.mark.parametrize(
    "address",
    [
        f"/admin/complaints/annual-report/{YEAR}/everything/",
        "/admin/complaints/annual-report/1999/internal/",
        "/admin/complaints/annual-report/2999/internal/",
        f"/admin/complaints/annual-report/{YEAR}/internal/docx/",
    ],
)
def test_an_unknown_year_version_or_format_is_not_found(client_for_role, address):
    assert client_for_role("complaints_lead").get(address).status_code == HTTPStatus.NOT_FOUND


def test_the_published_page_reads_fewer_than_5_where_the_internal_one_counts(client_for_role):
    year_of_complaints()
    client = client_for_role("complaints_lead")

    internal = client.get(f"/admin/complaints/annual-report/{YEAR}/internal/").content.decode()
    published = client.get(f"/admin/complaints/annual-report/{YEAR}/published/").content.decode()

    def cell(page: str, row: str) -> str:
        return page.split(f'data-row="{row}"')[1].split("</tr>")[0]

    assert 'data-figure="7"' in cell(internal, "complaints")
    assert 'data-figure="7"' in cell(published, "complaints")
    assert 'data-figure="1"' in cell(internal, "channel_phone")
    assert 'data-figure="suppressed"' in cell(published, "channel_phone")
    assert 'data-figure="suppressed"' not in internal
    assert 'data-switch-version="published"' in internal
    assert 'data-switch-version="internal"' in published


def test_the_dashboard_lists_overdue_complaints_first(client_for_role):
    today = today_local()
    on_time = complaint_made(brussels(today.year, today.month, today.day))
    overdue = complaint_made(brussels(YEAR, 1, 10), stage=Stage.IN_HANDLING)

    page = client_for_role("complaints_lead").get(DASHBOARD).content.decode()

    assert page.index(overdue.reference) < page.index(on_time.reference)
    assert 'data-overdue class="complaints-row--overdue"' in page
    assert f'data-days-left="{(overdue.answer_due - today).days}"' in page


def test_a_bad_period_is_refused_at_the_field_and_kept(client_for_role):
    response = client_for_role("complaints_officer").get(
        DASHBOARD, {"first": "2025-13", "last": "2025-06"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert 'id="id_first-error"' in page
    assert 'value="2025-06"' in page


def test_a_first_month_after_the_last_is_refused(client_for_role):
    response = client_for_role("complaints_officer").get(
        DASHBOARD, {"first": "2025-08", "last": "2025-06"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'id="id_first-error"' in response.content.decode()


# The admin's own queries (session, user, permissions, the menu items of every feature: none
# for "complaints about me", which asks only staff members and team leads) and
# ours: open complaints per stage, the deadline list, the period's groups, the days to answer.
DASHBOARD_QUERIES = 12


@pytest.mark.parametrize("complaints", [5, 50])
def test_the_dashboard_costs_the_same_for_5_and_50_complaints(
    client_for_role, django_assert_num_queries, complaints, complaints_officer
):
    today = today_local()
    for number in range(complaints):
        complaint_made(
            brussels(today.year, today.month, 1),
            stage=[Stage.RECEIVED, Stage.IN_HANDLING, Stage.ANSWERED][number % 3],
            answered_after=1 if number % 3 == 2 else None,
            handler=complaints_officer,
        )
    client = client_for_role("complaints_lead")
    client.get(DASHBOARD)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(DASHBOARD).status_code == HTTPStatus.OK
