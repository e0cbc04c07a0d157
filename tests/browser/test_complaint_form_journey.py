"""Issue 16, receiving: a parent on a phone (390 px) finds the complaint form in the footer,
first forgets how to be reached, then sends it with a PDF, gets the receipt with the reference
and opens the status link, which says "received" — without an account, without JavaScript
needed, without a policy violation or a serious accessibility finding."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import PHONE
from tests.complaints.test_attachments import files_root, pdf_bytes  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {**PHONE, "width": 390}


def test_a_parent_files_a_complaint_on_a_phone_and_follows_its_status(tab_for, files_root):  # noqa: F811
    parent = tab_for(PHONE_390)
    parent.goto("/")
    parent.locator("[data-footer-complaint]").click()
    expect(parent.locator("[data-complaint-form]")).to_be_visible()
    assert serious_findings(parent) == []
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert parent.evaluate(fits)
    expect(parent.locator("input[name='website']")).not_to_be_in_viewport()

    # Without a way to be reached, the form comes back with the story kept and a linked summary.
    story = "Bij het consultatiebureau werd mijn vraag over slapen weggewuifd."
    parent.locator("textarea[name='what_happened']").fill(story)
    parent.locator("[data-complaint-send]").click()
    summary = parent.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(parent.locator("textarea[name='what_happened']")).to_have_value(story)
    summary.locator("a[href='#id_email']").click()
    expect(parent.locator("#id_email")).to_be_focused()
    assert serious_findings(parent) == []

    parent.locator("#id_email").fill("sofie@example.org")
    parent.locator("input[name='attachments']").set_input_files(
        [{"name": "brief.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    parent.locator("[data-complaint-send]").click()

    receipt = parent.locator("[data-complaint-receipt]")
    expect(receipt).to_be_visible()
    complaint = Complaint.objects.get()
    expect(receipt.locator("[data-reference]")).to_have_text(complaint.reference)
    assert complaint.attachments.get().original_name == "brief.pdf"
    assert parent.evaluate(fits)
    assert serious_findings(parent) == []

    parent.locator("[data-status-link]").click()
    expect(parent).to_have_url(re.compile(r"/status/[A-Za-z0-9_-]+/$"))
    status = parent.locator("[data-complaint-status]")
    expect(status).to_have_attribute("data-complaint-status", "received")
    expect(status.locator("[data-reference]")).to_have_text(complaint.reference)
    expect(parent.locator("[data-step='received'][aria-current='step']")).to_be_visible()
    assert parent.evaluate(fits)
    assert serious_findings(parent) == []
    assert parent.csp_violations == []
