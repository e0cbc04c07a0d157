"""Issue 14, exports as background jobs: a researcher starts an XLSX export from a project's
statistics page, lands on the list of their exports, sees it ready (tests run tasks at
once) and downloads the workbook."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from community.models import Role
from projects.services.export import EXPORT_COLUMNS
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, log_in
from tests.community.factories import UserFactory, consent_accept_all, totp_activate
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


def test_researcher_exports_posts_as_xlsx_and_downloads_them(
    tab_for, project_index, consent_documents, tmp_path
):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    secret = totp_activate(researcher)
    project = ProjectPageFactory(parent=project_index, title="Slapen", owner=researcher)
    topic = TopicPageFactory(parent=project, title="De eerste nacht")
    parent = UserFactory(pseudonym="Zonnebloem")
    consent_accept_all(parent)
    post_write(topic, parent, "Hij sliep meteen door.")
    post_write(topic, parent, "=Bij ons duurde het weken.")

    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email, secret)
    tab.goto(f"/admin/projects/{project.pk}/statistics/")
    tab.locator("[data-export-form] button[formaction$='export.xlsx']").click()

    expect(tab).to_have_url(re.compile(r"/admin/insights/exports/$"))
    row = tab.locator("tr[data-export]").first
    expect(row).to_have_attribute("data-status", "done")
    expect(row).to_contain_text("Slapen")
    # Wagtail fades its "export started" message in: check contrast once it is fully there.
    tab.wait_for_function(
        "() => document.querySelector('.messages').getAnimations({subtree: true})"
        ".every(a => a.playState !== 'running')"
    )
    assert serious_findings(tab) == []
    assert tab.csp_violations == []

    with tab.expect_download() as download_info:
        row.get_by_role("link").click()
    download = download_info.value
    assert re.fullmatch(
        rf"project-{project.pk}-posts-\d{{4}}-\d{{2}}-\d{{2}}\.xlsx", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.values)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert sorted(row[6] for row in rows[1:]) == [
        "'=Bij ons duurde het weken.",
        "Hij sliep meteen door.",
    ]
