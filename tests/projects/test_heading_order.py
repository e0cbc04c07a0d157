"""Headings on the public pages go down one level at a time (h1 → h2 → h3), so a screen
reader's list of headings reads as an outline."""

import re

import pytest

from tests.conftest import dutch_url
from tests.projects.factories import ProjectPageFactory

pytestmark = pytest.mark.django_db


def heading_levels(html: str) -> list[int]:
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def assert_no_level_skipped(levels: list[int]) -> None:
    assert levels and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


@pytest.mark.parametrize("reader", ["parent", "anonymous"])
def test_the_project_index_and_home_page_headings_skip_no_level(
    client, parent, home_page, project_index, reader
):
    ProjectPageFactory.create_batch(2, parent=project_index)
    if reader == "parent":
        client.force_login(parent)

    for page in (home_page, project_index):
        levels = heading_levels(client.get(dutch_url(page)).content.decode())
        assert_no_level_skipped(levels)


def test_a_member_sees_the_projects_under_their_own_heading(client, parent, project_index):
    ProjectPageFactory(parent=project_index, title="Slapen in het eerste jaar")
    client.force_login(parent)

    html = client.get(dutch_url(project_index)).content.decode()

    assert heading_levels(html)[:3] == [1, 2, 3]
    assert '<h2 id="open-projects-title">' in html
