"""Issue 15, the short feedback loop: a staff member hands a parent an invitation on a phone
(QR code and short link), the parent answers without an account, the staff member sees it
at once in My feedback, and a score of 1 reaches the team lead, who closes it."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from community.models import Role
from feedback.models import FollowUp, FollowUpStatus, Response
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, PHONE, log_in
from tests.community.factories import UserFactory, totp_activate
from tests.feedback.factories import RegionFactory, StaffMemberFactory, TeamFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {**PHONE, "width": 390}


def test_a_parent_answers_a_qr_invitation_and_a_low_score_reaches_the_team_lead(tab_for):
    lead = UserFactory(email="team@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    lead_secret = totp_activate(lead)
    team = TeamFactory(name="Consultatiebureau Berchem", region=RegionFactory(), leads=[lead])
    staff = StaffMemberFactory(team=team, display_name="Verpleegkundige An")
    staff_secret = totp_activate(staff.user)

    # The staff member, on a phone: two taps give the parent a QR code and a short link.
    nurse = tab_for(PHONE_390)
    log_in(nurse, staff.user.email, staff_secret)
    nurse.goto("/medewerker/uitnodiging/")
    assert serious_findings(nurse) == []
    nurse.locator("button[data-channel='consultation']").click()
    qr = nurse.locator("[data-invitation-qr]")
    expect(qr).to_be_visible()
    expect(qr.locator("svg")).to_be_visible()
    link = qr.locator("[data-survey-link]").get_attribute("data-survey-link")
    assert serious_findings(nurse) == []

    # The parent scans it: no account, no JavaScript needed, answered in a few taps.
    parent = tab_for(PHONE_390)
    parent.goto(urlsplit(link).path)
    assert serious_findings(parent) == []
    parent.locator("label[data-score='1']").click()
    parent.locator("textarea").fill("We wachtten een uur en niemand zei waarom.")
    parent.locator("button.survey-send").click()
    expect(parent).to_have_url(re.compile(r"/f/bedankt/$"))
    assert Response.objects.filter(contact__staff=staff, score=1).count() == 1
    # The link works once: opened again, a friendly page says so.
    assert parent.goto(urlsplit(link).path).status == 410
    expect(parent.locator("h1")).to_be_visible()
    assert serious_findings(parent) == []

    # The staff member sees it at once, without who the parent is.
    nurse.goto("/admin/feedback/my-feedback/")
    answer = nurse.locator("[data-response][data-score='1']")
    expect(answer).to_contain_text("We wachtten een uur")
    assert serious_findings(nurse) == []

    # The team lead finds the follow-up item and closes it with what was done.
    team_lead = tab_for(DESKTOP)
    log_in(team_lead, lead.email, lead_secret)
    team_lead.goto("/admin/feedback/follow-ups/")
    row = team_lead.locator("tr[data-follow-up]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-status", "open")
    assert serious_findings(team_lead) == []
    row.get_by_role("link").first.click()
    team_lead.locator("textarea[name='outcome']").fill("Ouder gebeld en excuses aangeboden.")
    team_lead.locator("button[data-action='close']").click()
    expect(team_lead.locator(".messages")).to_be_visible()
    follow_up = FollowUp.objects.get(response__contact__staff=staff)
    assert follow_up.status == FollowUpStatus.CLOSED
    assert follow_up.outcome == "Ouder gebeld en excuses aangeboden."
    assert nurse.csp_violations == parent.csp_violations == team_lead.csp_violations == []
