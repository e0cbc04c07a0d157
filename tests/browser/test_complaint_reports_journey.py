"""Issue 16, reporting: the complaints lead opens the dashboard and sees the overdue complaint
first, opens last year's annual report, switches to the published version where a figure
about fewer than 5 complaints reads "fewer than 5", and downloads the PDF."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from community.models import Role
from complaints.models import ComplaintChannel, Stage
from complaints.services.statistics import today_local
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, log_in
from tests.community.factories import UserFactory, totp_activate
from tests.complaints.report_cases import brussels, complaint_made

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_lead_reads_the_dashboard_and_publishes_last_years_report(tab_for):
    lead = UserFactory(
        email="klachtenverantwoordelijke@example.org", roles=[Role.COMPLAINTS_LEAD], pseudonym=""
    )
    secret = totp_activate(lead)
    today = today_local()
    last_year = today.year - 1
    # Last year: 5 complaints by web form, 4 by phone (one answered late).
    for day in range(1, 6):
        complaint_made(
            brussels(last_year, 3, day),
            stage=Stage.ANSWERED,
            answered_after=20,
            channel=ComplaintChannel.WEB_FORM,
        )
    for day in range(1, 5):
        complaint_made(
            brussels(last_year, 5, day),
            stage=Stage.ANSWERED,
            answered_after=50 if day == 1 else 30,
            channel=ComplaintChannel.PHONE,
        )
    # Open now: one received today, one whose answer is overdue.
    on_time = complaint_made(
        brussels(today.year, today.month, today.day, 0, 5), channel=ComplaintChannel.EMAIL
    )
    weeks_ago = today - datetime.timedelta(days=60)
    overdue = complaint_made(
        brussels(weeks_ago.year, weeks_ago.month, weeks_ago.day),
        stage=Stage.IN_HANDLING,
        channel=ComplaintChannel.EMAIL,
    )

    tab = tab_for(DESKTOP)
    log_in(tab, lead.email, secret)
    tab.goto("/admin/complaints/dashboard/")
    rows = tab.locator("[data-section='open-by-deadline'] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-complaint", overdue.reference)
    expect(rows.first).to_have_attribute("data-overdue", "")
    expect(rows.nth(1)).to_have_attribute("data-complaint", on_time.reference)
    assert serious_findings(tab) == []

    tab.locator("[data-annual-report-link]").click()
    expect(tab).to_have_url(re.compile(rf"/annual-report/{last_year}/internal/$"))
    phone = tab.locator("tr[data-row='channel_phone'] td")
    expect(phone).to_have_text("4")
    assert serious_findings(tab) == []

    tab.locator("[data-switch-version='published']").click()
    expect(tab).to_have_url(re.compile(rf"/annual-report/{last_year}/published/$"))
    expect(phone.locator("[data-figure='suppressed']")).to_be_visible()
    expect(tab.locator("tr[data-row='channel_web_form'] td")).to_have_text("5")
    assert serious_findings(tab) == []

    with tab.expect_download() as download_info:
        tab.locator("[data-download='pdf']").click()
    download = download_info.value
    assert download.suggested_filename == f"klachten-jaarverslag-{last_year}-published.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert tab.csp_violations == []
