"""Issue 16, handling: the complaints lead assigns a new complaint to an officer; the officer,
on a phone, acknowledges it with the template letter, logs a phone call and answers it as
partly founded with a norm at stake; the answer letter ends with the ombudsman referral, and
the parent's status page says the complaint is answered."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from community.models import Role
from complaints.models import Complaint, LetterKind, OmbudsNorm, Outcome, Stage
from complaints.services.letters import OMBUDSMAN_REFERRAL
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, PHONE, log_in
from tests.community.factories import UserFactory, totp_activate
from tests.complaints.factories import ComplaintFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {**PHONE, "width": 390}


def test_a_complaint_is_assigned_acknowledged_logged_and_answered_with_the_referral(tab_for):
    lead = UserFactory(email="lead@example.org", roles=[Role.COMPLAINTS_LEAD], pseudonym="")
    lead_secret = totp_activate(lead)
    officer = UserFactory(
        email="lien@example.org",
        roles=[Role.COMPLAINTS_OFFICER],
        pseudonym="",
        first_name="Lien",
        last_name="Claes",
    )
    officer_secret = totp_activate(officer)
    tokens: list[str] = []
    complaint = ComplaintFactory(token=tokens, service="consultation")

    # The lead finds the new complaint on top of the list and assigns it.
    boss = tab_for(DESKTOP)
    log_in(boss, lead.email, lead_secret)
    boss.goto("/admin/complaints/")
    row = boss.locator(f"tr[data-complaint='{complaint.pk}']")
    expect(row).to_have_attribute("data-stage", "received")
    assert serious_findings(boss) == []
    row.get_by_role("link", name=complaint.reference).click()
    boss.locator("#step-assign > summary").click()
    boss.locator("#assign-handler").select_option(str(officer.pk))
    boss.locator("button[data-action='assign']").click()
    expect(boss.locator("[data-handler]")).to_have_attribute("data-handler", str(officer.pk))

    # The officer follows the notification's link, on a phone.
    clerk = tab_for(PHONE_390)
    log_in(clerk, officer.email, officer_secret)
    clerk.goto(f"/klachten/dossier/{complaint.pk}/")
    expect(clerk).to_have_url(re.compile(rf"/admin/complaints/{complaint.pk}/$"))
    assert serious_findings(clerk) == []

    # Acknowledge: the template letter is already filled in.
    clerk.locator("#step-acknowledge > summary").click()
    expect(clerk.locator("#acknowledge-body")).to_have_value(re.compile(complaint.reference))
    clerk.locator("button[data-action='acknowledge']").click()
    expect(clerk.locator("[data-letter][data-kind='acknowledgement']")).to_have_count(1)

    # Start handling, then log the phone call with the parent.
    clerk.locator("#step-start > summary").click()
    clerk.locator("button[data-action='start']").click()
    expect(clerk.locator("[data-complaint]").first).to_have_attribute("data-stage", "in_handling")
    clerk.locator("#step-conciliation > summary").click()
    clerk.locator("#conciliation-kind").select_option("call")
    clerk.locator("#conciliation-summary").fill(
        "Mevrouw Peeters gebeld; we zoeken samen een nieuw uur."
    )
    clerk.locator("button[data-action='conciliation']").click()
    expect(clerk.locator("[data-conciliation] [data-kind='call']")).to_have_count(1)

    # Answer: outcome and norm, fill in the template, check, send.
    clerk.locator("#step-answer > summary").click()
    clerk.locator("#answer-outcome").select_option(Outcome.PARTLY_FOUNDED)
    clerk.locator(f"input[name='norms'][value='{OmbudsNorm.CORRECT_TREATMENT}']").check()
    clerk.locator("button[data-action='answer-fill']").click()
    body = clerk.locator("#answer-body")
    expect(body).to_have_value(re.compile("Vlaamse Ombudsdienst"))
    assert serious_findings(clerk) == []
    clerk.locator("button[data-action='answer']").click()
    answer = clerk.locator("[data-letter][data-kind='answer'] [data-letter-body]")
    expect(answer).to_contain_text("Vlaamse Ombudsdienst, Leuvenseweg 86, 1000 Brussel")
    clerk.reload()  # without Wagtail's fading "done" message, which axe catches mid-fade
    expect(answer).to_be_visible()
    assert serious_findings(clerk) == []

    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.stage, complaint.outcome, complaint.norms) == (
        Stage.ANSWERED,
        Outcome.PARTLY_FOUNDED,
        [OmbudsNorm.CORRECT_TREATMENT],
    )
    assert complaint.letters.get(kind=LetterKind.ANSWER).body.endswith(OMBUDSMAN_REFERRAL["nl"])

    # The parent follows the status link: answered.
    parent = tab_for(PHONE_390)
    parent.goto(reverse("complaint_status", args=[tokens[0]]))
    expect(parent.locator("[data-complaint-status]")).to_have_attribute(
        "data-complaint-status", "answered"
    )
    assert boss.csp_violations == clerk.csp_violations == parent.csp_violations == []
