"""The Wagtail dashboard for the research team: their projects with participation, what waits
for the moderators, the newest posts and unanswered follow-up questions; fixed query counts.
And a project's statistics: one click from its admin page, with a labelled SVG chart."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.utils import timezone, translation

from community.models import Role
from projects.models import Flag, FlagReason, Post, PostStatus
from projects.services.statistics import ChartBar
from projects.views.statistics import posts_chart
from tests.community.factories import UserFactory
from tests.conftest import login_with_two_factor
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

HOME = "/admin/"
PANELS = (
    "admin-home-moderation",
    "admin-home-projects",
    "admin-home-newest-posts",
    "admin-home-probes",
)


def panel(html: str, name: str) -> str:
    """The HTML of one dashboard panel."""
    return html.split(f'id="{name}-section"', 1)[1].split("</section>", 1)[0]


def number(html: str, count: str) -> int:
    match = re.search(
        rf'data-count="{count}">\s*<span class="admin-home-counts__number">(\d+)</span>', html
    )
    assert match, html
    return int(match.group(1))


def flag(post: Post, reason: str = FlagReason.SPAM) -> Flag:
    return Flag.objects.create(post=post, user=UserFactory(), reason=reason)


@pytest.fixture
def owned_project(project_index, researcher):
    return ProjectPageFactory(parent=project_index, title="Voeding", owner=researcher)


@pytest.fixture
def owned_topic(owned_project):
    return TopicPageFactory(parent=owned_project, title="Flesvoeding")


# --- who sees the panels ---


@pytest.mark.parametrize(
    ("role", "panels_shown"),
    [
        ("anonymous", False),
        ("parent", False),
        ("other_parent", False),
        ("moderator", True),
        ("researcher", True),
        ("admin", True),
    ],
)
def test_dashboard_panels_permission_matrix(client_for_role, project_page, role, panels_shown):
    response = client_for_role(role).get(HOME)

    html = response.content.decode()
    if panels_shown:
        assert response.status_code == HTTPStatus.OK
        assert all(f'id="{name}-section"' in html for name in PANELS)
    else:
        assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
        assert "admin-home" not in html


def test_staff_without_the_second_factor_get_no_dashboard(client, researcher, project_page):
    client.force_login(researcher)

    response = client.get(HOME)

    assert response.status_code == HTTPStatus.FOUND
    assert "admin-home" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.COMPLAINTS_OFFICER])
def test_staff_outside_the_research_community_get_no_research_panels(client, project_page, role):
    user = UserFactory(roles=[role])
    login_with_two_factor(client, user)

    html = client.get(HOME).content.decode()

    assert "admin-home" not in html


# --- my projects ---


def test_a_researcher_sees_the_projects_they_created_with_their_participation(
    client_for_role, researcher, project_page, topic_page, owned_project, owned_topic
):
    parent, other = UserFactory(), UserFactory()
    answer = post_write(owned_topic, parent, "Eerste antwoord.")
    post_write(owned_topic, parent, "Nog een antwoord.")
    post_write(owned_topic, other, "Wacht op een moderator.", status=PostStatus.PENDING)
    post_write(owned_topic, researcher, "Een vervolgvraag?", parent=answer, is_probe=True,
               author_role=Role.RESEARCHER)  # fmt: skip
    post_write(owned_topic, other, "Weg.", removed_at=timezone.now())
    post_write(topic_page, parent, "In het project van een ander.")

    html = panel(client_for_role("researcher").get(HOME).content.decode(), "admin-home-projects")

    assert "Mijn projecten" in html or "My projects" in html
    assert f'data-project="{owned_project.pk}"' in html
    assert f'data-project="{project_page.pk}"' not in html
    row = html.split(f'data-project="{owned_project.pk}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    assert cells[1].strip() == "1"  # topics
    assert cells[2].strip() == "2"  # members who wrote: staff and removed posts do not count
    assert cells[3].strip().startswith("4")  # posts, removed ones not
    assert f"/admin/pages/{owned_project.pk}/edit/" in row
    assert f"/admin/projects/{owned_project.pk}/statistics/" in row
    assert f"/admin/pages/{owned_project.pk}/" in row  # its topics


def test_a_researcher_who_created_no_project_yet_sees_all_projects(
    client_for_role, project_page, project_index
):
    other = ProjectPageFactory(parent=project_index, owner=UserFactory(roles=[Role.RESEARCHER]))

    html = panel(client_for_role("researcher").get(HOME).content.decode(), "admin-home-projects")

    assert f'data-project="{project_page.pk}"' in html
    assert f'data-project="{other.pk}"' in html


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_administrators_see_every_project(
    client_for_role, role, project_page, owned_project
):
    html = panel(client_for_role(role).get(HOME).content.decode(), "admin-home-projects")

    assert f'data-project="{project_page.pk}"' in html
    assert f'data-project="{owned_project.pk}"' in html


# --- moderation ---


def test_moderators_see_what_waits_in_the_queue_with_a_link_to_it(
    client_for_role, topic_page, parent, other_parent
):
    post_write(topic_page, parent, "Wacht.", status=PostStatus.PENDING)
    reported = post_write(topic_page, parent, "Gemeld.")
    flag(reported)
    flag(reported, FlagReason.OTHER)
    handled = post_write(topic_page, other_parent, "Al bekeken.")
    Flag.objects.create(
        post=handled, user=UserFactory(), reason=FlagReason.SPAM, resolved_at=timezone.now()
    )
    hidden = post_write(topic_page, other_parent, "Verborgen.", status=PostStatus.HIDDEN)
    flag(hidden)

    html = panel(client_for_role("moderator").get(HOME).content.decode(), "admin-home-moderation")

    assert number(html, "pending") == 1
    assert number(html, "reported") == 1
    assert 'href="/admin/moderation/"' in html


def test_a_researcher_sees_the_moderation_count_of_their_projects_without_the_queue(
    client_for_role, topic_page, owned_topic, parent
):
    post_write(owned_topic, parent, "Wacht.", status=PostStatus.PENDING)
    post_write(topic_page, parent, "Wacht elders.", status=PostStatus.PENDING)

    html = panel(client_for_role("researcher").get(HOME).content.decode(), "admin-home-moderation")

    assert number(html, "pending") == 1
    assert number(html, "reported") == 0
    assert "/admin/moderation/" not in html


# --- newest posts and follow-up questions ---


def test_newest_posts_show_the_latest_five_without_removed_ones(
    client_for_role, topic_page, parent
):
    posts = [post_write(topic_page, parent, f"Bijdrage {number}.") for number in range(7)]
    removed = post_write(topic_page, parent, "Verwijderd.", removed_at=timezone.now())

    html = panel(client_for_role("moderator").get(HOME).content.decode(), "admin-home-newest-posts")

    shown = [int(pk) for pk in re.findall(r'data-post="(\d+)"', html)]
    assert shown == [post.pk for post in reversed(posts[-5:])]
    assert removed.pk not in shown
    assert f"#post-{posts[-1].pk}" in html
    assert "/admin/projects/posts/search/" in html


def test_follow_up_questions_are_listed_until_the_parent_answers(
    client_for_role, researcher, topic_page, parent, other_parent
):
    first = post_write(topic_page, parent, "Mijn antwoord.")
    second = post_write(topic_page, other_parent, "Ook een antwoord.")
    waiting = post_write(topic_page, researcher, "Wat hielp je?", parent=first, is_probe=True,
                         author_role=Role.RESEARCHER)  # fmt: skip
    answered = post_write(topic_page, researcher, "En jij?", parent=second, is_probe=True,
                          author_role=Role.RESEARCHER)  # fmt: skip
    post_write(topic_page, other_parent, "Dit hielp.", parent=second)

    html = panel(client_for_role("researcher").get(HOME).content.decode(), "admin-home-probes")

    shown = [int(pk) for pk in re.findall(r'data-post="(\d+)"', html)]
    assert shown == [waiting.pk]
    assert answered.pk not in shown
    assert f"#post-{waiting.pk}" in html


def test_no_follow_up_questions_waiting_says_so(client_for_role, project_page):
    html = panel(client_for_role("researcher").get(HOME).content.decode(), "admin-home-probes")

    assert 'data-count="probes"' in html
    assert "data-post=" not in html


# --- query budget ---


def _fill(project_index, researcher, projects: int, posts_per_topic: int) -> None:
    members = [UserFactory() for _ in range(3)]
    for _ in range(projects):
        project = ProjectPageFactory(parent=project_index, owner=researcher)
        topic = TopicPageFactory(parent=project)
        for index in range(posts_per_topic):
            post = post_write(topic, members[index % 3], f"Tekst {index}.")
            if index % 3 == 0:
                flag(post)
            if index % 4 == 0:
                post_write(topic, researcher, "Vraag?", parent=post, is_probe=True,
                           author_role=Role.RESEARCHER)  # fmt: skip
        post_write(topic, members[0], "Wacht.", status=PostStatus.PENDING)


@pytest.mark.parametrize("role", ["researcher", "moderator"])
@pytest.mark.parametrize(("projects", "posts"), [(2, 5), (12, 20)])
def test_the_dashboard_costs_the_same_queries_however_many_projects_and_posts(
    client_for_role, project_index, researcher, django_assert_num_queries, role, projects, posts
):
    _fill(project_index, researcher, projects, posts)
    client = client_for_role(role)
    client.get(HOME)

    with django_assert_num_queries(DASHBOARD_QUERIES[role]):
        response = client.get(HOME)
    assert response.status_code == HTTPStatus.OK


# The admin page itself (2FA, roles, menu, Wagtail's own panels and site summary) plus ours:
# the researcher's project check, moderation counts, projects, the project index, newest
# posts, follow-up questions (list and count).
DASHBOARD_QUERIES = {"researcher": 30, "moderator": 22}


# --- statistics: one click from the project's admin page ---


def test_the_project_edit_page_shows_a_statistics_button_next_to_the_breadcrumbs(
    client_for_role, project_page, topic_page
):
    client = client_for_role("researcher")

    html = client.get(f"/admin/pages/{project_page.pk}/edit/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    button = re.search(r"<a [^>]*data-project-statistics[^>]*>", header)
    assert button and f'href="/admin/projects/{project_page.pk}/statistics/"' in button.group(0)

    topic_html = client.get(f"/admin/pages/{topic_page.pk}/edit/").content.decode()
    assert "data-project-statistics" not in topic_html


def test_staff_outside_the_research_community_get_no_statistics_button(client, project_page):
    login_with_two_factor(client, UserFactory(roles=[Role.TEAM_LEAD]))

    response = client.get(f"/admin/pages/{project_page.pk}/edit/")

    assert "data-project-statistics" not in response.content.decode()


def _days(counts: list[int]) -> list[ChartBar]:
    first = datetime.date(2026, 11, 24)
    return [
        ChartBar(day=first + datetime.timedelta(days=index), posts=posts, x=0, y=0, height=0)
        for index, posts in enumerate(counts)
    ]


def test_the_chart_has_axes_with_round_ticks_and_dates_in_the_active_language():
    days = _days([1, 0, 3, 7, 0, 2, 1])

    with translation.override("nl"):
        chart = posts_chart(days, busiest=7)
    assert [tick.label for tick in chart.y_ticks] == ["0", "2", "4", "6", "8"]
    assert chart.x_ticks[0].label == "24 nov"
    posts = translation.ngettext("%(count)d post", "%(count)d posts", 7) % {"count": 7}
    assert chart.bars[3].label == f"27 november 2026: {posts}"  # "7 bijdragen" in Dutch
    assert "24 november 2026" in chart.description

    with translation.override("en"):
        chart = posts_chart(days, busiest=7)
    assert chart.bars[3].label == "27 November 2026: 7 posts"

    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.height < chart.plot_bottom - chart.plot_top  # 7 of 8: below the top tick


def test_the_chart_names_at_most_eight_dates_and_handles_one_day():
    chart = posts_chart(_days([1] * 92), busiest=1)
    assert len(chart.x_ticks) <= 8
    assert [tick.label for tick in chart.y_ticks] == ["0", "1"]

    single = posts_chart(_days([40]), busiest=40)
    assert len(single.bars) == 1 and single.bars[0].height == single.plot_bottom - single.plot_top
    assert posts_chart([], busiest=0) is None


def test_the_statistics_page_shows_a_labelled_svg_chart_and_the_numbers(
    client_for_role, project_page, topic_page, parent
):
    now = timezone.now()
    for days_ago in (0, 0, 3):
        post = post_write(topic_page, parent, "Tekst.")
        Post.objects.filter(pk=post.pk).update(created_at=now - datetime.timedelta(days=days_ago))

    html = client_for_role("researcher").get(f"/admin/projects/{project_page.pk}/statistics/")
    html = html.content.decode()

    svg = html.split('class="posts-per-day__chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="posts-per-day-title posts-per-day-desc"' in svg
    assert '<title id="posts-per-day-title">' in svg and '<desc id="posts-per-day-desc">' in svg
    assert "posts-per-day__axis--x" in svg and "posts-per-day__axis--y" in svg
    assert re.search(r'x="[\d.]+"', svg) and not re.search(r'="\d+,\d+"', svg)  # no 1,5
    assert "style=" not in svg
    local_today = timezone.localdate()
    with translation.override("nl"):
        from django.utils.dateformat import format as date_format

        assert date_format(local_today, "j b") in svg
    numbers = html.split('class="posts-per-day__numbers"', 1)[1].split("</details>", 1)[0]
    assert "<table" in numbers and "<td>2</td>" in numbers
