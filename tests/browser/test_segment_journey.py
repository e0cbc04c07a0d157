"""A researcher defines a segment in the Wagtail admin and sees how many members it reaches."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Role, Segment
from community.models.profiles import month_start, months_added
from community.services.profiles import profile_update
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def onboarded_parent(pseudonym: str, *, months_old: int, province: str) -> None:
    """A parent who takes part (no consent documents exist here, so a pseudonym is enough)."""
    user = UserFactory(pseudonym=pseudonym)
    profile_update(
        user=user,
        province=province,
        family_situation="",
        service_channel="",
        languages=["nl"],
        children=[months_added(month_start(), -months_old)],
    )


def test_researcher_defines_a_segment_and_sees_the_exact_number_of_members(page):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    secret = totp_activate(researcher)
    for number, months_old in enumerate([0, 5, 11], start=1):
        onboarded_parent(f"Antwerpse baby {number}", months_old=months_old, province="antwerpen")
    onboarded_parent("Antwerpse peuter", months_old=30, province="antwerpen")
    onboarded_parent("Limburgse baby", months_old=3, province="limburg")
    page.set_viewport_size({"width": 1280, "height": 900})  # the admin is a desktop tool

    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label(re.compile(r"^E-mail")).fill(researcher.email)
    page.get_by_label(re.compile(r"^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(totp_code(secret))
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.locator('a[href="/admin/segments/"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/segments/$"))
    page.locator('a[href="/admin/segments/add/"]').first.click()

    page.locator("#id_name").fill("Antwerpen 0-1")
    count = page.locator("[data-segment-count-text]")
    expect(count).to_contain_text("0")
    page.locator("#id_rules-ADD").click()
    page.locator("#id_rules-0-criterion").select_option("age:0-1")
    expect(count).to_contain_text("4")  # three in Antwerp and one in Limburg
    page.locator("#id_rules-ADD").click()
    page.locator("#id_rules-1-criterion").select_option("province:antwerpen")
    expect(count).to_contain_text("3")

    page.locator("footer").get_by_role("button", name=re.compile(r"^(Opslaan|Save)$")).click()
    expect(page).to_have_url(re.compile(r"/admin/segments/$"))
    row = page.get_by_role("row").filter(has_text="Antwerpen 0-1")
    expect(row).to_contain_text("3")

    segment = Segment.objects.get(name="Antwerpen 0-1")
    assert segment.created_by == researcher
    assert sorted(rule.criterion for rule in segment.rules.all()) == [
        "age:0-1",
        "province:antwerpen",
    ]
    assert segment.members().count() == 3
