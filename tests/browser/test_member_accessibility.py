"""axe over the pages a member and a visitor meet in their first hour, at phone and desktop
width: no critical or serious finding. (The header pages: test_look.py; the admin pages:
test_admin_home_journey.py.)"""

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import ProjectIndexPage
from projects.services.posts import post_create
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, PHONE, log_in
from tests.community.factories import UserFactory, consent_accept_all, consent_documents_publish
from tests.conftest import dutch_url
from tests.projects.factories import ProjectPageFactory, TopicPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def community():
    consent_documents_publish()
    anna = UserFactory(email="anna@example.org", pseudonym="Anna")
    bert = UserFactory(email="bert@example.org", pseudonym="بيرت")  # right-to-left
    consent_accept_all(anna, bert)
    project = ProjectPageFactory(
        parent=ProjectIndexPage.objects.get(), title="Slapen", summary="Hoe slaapt je baby?"
    )
    topic = TopicPageFactory(parent=project, title="De eerste nacht")
    answer = post_create(author=bert, topic=topic, text="We sliepen amper, de eerste nacht.")
    post_create(author=anna, topic=topic, text="Bij ons net zo.", parent=answer)
    return {"anna": anna, "project": project, "topic": topic}


def member_addresses(community) -> list[str]:
    with translation.override("nl"):
        return [
            dutch_url(community["project"]),
            dutch_url(community["topic"]),
            reverse("member_dashboard"),
            reverse("notification_list"),
            reverse("profile_edit"),
            reverse("pseudonym_change"),
            reverse("consent_overview"),
            reverse("personal_data"),
            reverse("update_list"),
        ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_member_pages_have_no_serious_accessibility_findings(tab_for, community, viewport):
    tab = tab_for(viewport)
    log_in(tab, community["anna"].email)
    findings = {}
    for address in member_addresses(community):
        tab.goto(address)
        findings[address] = serious_findings(tab)
    assert findings == {address: [] for address in findings}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_a_visitor_meets_have_no_serious_accessibility_findings(tab_for, community, viewport):
    tab = tab_for(viewport)
    findings = {}
    with translation.override("nl"):
        addresses = [
            dutch_url(community["project"]),
            dutch_url(community["topic"]),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            "/projecten/bestaat-niet/",
        ]
    for address in addresses:
        tab.goto(address)
        findings[address] = serious_findings(tab)
    assert findings == {address: [] for address in findings}
