"""Staff powers count only after the second factor, and only where the role needs them.

The role table in the README, as a matrix: every role, with and without a session that
passed the second factor, reads every topic mode of a project for all members and of a
project for one segment. Researchers, moderators and administrators with their second factor
read everything; team leads, complaints officers and every staff account without its second
factor read exactly what a parent outside the audience reads.
"""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from community.models import Role
from projects.models import PollOption, PollVote, PostStatus, ResponseMode
from tests.community.factories import TEST_PASSWORD, UserFactory, consent_accept_all
from tests.conftest import dutch_url, login_with_two_factor
from tests.projects.factories import (
    ProjectPageFactory,
    TopicPageFactory,
    invite_list,
    post_write,
    project_for_segments,
)

pytestmark = pytest.mark.django_db

STAFF_ROLES = {
    "moderator": Role.MODERATOR,
    "researcher": Role.RESEARCHER,
    "admin": Role.ADMIN,
    "team_lead": Role.TEAM_LEAD,
    "complaints_officer": Role.COMPLAINTS_OFFICER,
}
COMMUNITY_STAFF = {"moderator", "researcher", "admin"}
READERS = [
    "anonymous",
    "parent",
    "other_parent",
    *STAFF_ROLES,
    *(f"{role}_password_only" for role in STAFF_ROLES),
]
MODES = [ResponseMode.OPEN, ResponseMode.ANSWER_FIRST, ResponseMode.PRIVATE]
STATUSES = [PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.HIDDEN]


def reader_kind(reader: str) -> str:
    """Which row of the README's role table a reader is on."""
    if reader == "anonymous":
        return "visitor"
    if reader == "parent":
        return "member"
    if reader in COMMUNITY_STAFF:
        return "community_staff"
    return "outsider"  # a parent outside the audience, and every staff account like one


@pytest.fixture
def site(project_index, consent_documents):
    """A project for all members and one for a segment, each with a topic of every mode
    holding a published, a pending and a hidden answer by an author in the audience, and
    a poll with one vote."""
    parent, author, other_parent = (UserFactory(pseudonym=name) for name in ("Lid", "Auteur", "X"))
    consent_accept_all(parent, author, other_parent)
    projects = {
        "all": ProjectPageFactory(parent=project_index, title="Voor iedereen"),
        "segment": project_for_segments(
            project_index, [invite_list("Genodigden", parent, author)], title="Voor genodigden"
        ),
    }
    topics = {}
    for audience, project in projects.items():
        for mode in MODES:
            topic = TopicPageFactory(parent=project, response_mode=mode)
            for status in STATUSES:
                post_write(topic, author, f"{audience}-{mode}-{status}", status=status)
            topics[audience, mode] = topic
        poll = TopicPageFactory(
            parent=project,
            response_mode=ResponseMode.POLL,
            poll_options=[
                PollOption(label="Ja", sort_order=0),
                PollOption(label="Nee", sort_order=1),
            ],
        )
        PollVote.objects.create(option=poll.poll_options.first(), user=author)
        topics[audience, ResponseMode.POLL] = poll
    return {"projects": projects, "topics": topics, "parent": parent, "other": other_parent}


@pytest.fixture
def reader_client(client, site):
    """A client signed in as the reader: staff with their second factor, or with their
    password only (no authenticator set up, which the login then does not ask for)."""

    def log_in(reader: str):
        role_name = reader.removesuffix("_password_only")
        if reader == "parent":
            client.force_login(site["parent"])
        elif reader == "other_parent":
            client.force_login(site["other"])
        elif reader.endswith("_password_only"):
            user = UserFactory(pseudonym="", roles=[STAFF_ROLES[role_name]])
            response = client.post(
                "/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}
            )
            assert response.status_code == HTTPStatus.FOUND
        elif reader != "anonymous":
            login_with_two_factor(client, UserFactory(pseudonym="", roles=[STAFF_ROLES[reader]]))
        return client

    return log_in


def visible_posts(html: str, audience: str, mode: str) -> set[str]:
    return {status for status in STATUSES if f"{audience}-{mode}-{status}" in html}


def expected_answer(kind: str, audience: str, mode: str) -> tuple[int, set[str]]:
    """Status and posts of one topic page for a reader of this kind."""
    if kind == "visitor":  # the project's public summary: never a post
        return HTTPStatus.OK, set()
    if kind == "outsider" and audience == "segment":
        return HTTPStatus.NOT_FOUND, set()
    if kind == "community_staff":
        return HTTPStatus.OK, set(STATUSES)
    # A parent who has not answered: published answers in open topics only.
    return HTTPStatus.OK, {PostStatus.PUBLISHED} if mode == ResponseMode.OPEN else set()


@pytest.mark.parametrize("reader", READERS)
def test_each_role_reads_its_row_of_the_table(reader_client, site, reader):
    client = reader_client(reader)
    kind = reader_kind(reader)
    seen, expected = {}, {}

    for audience in ("all", "segment"):
        for mode in MODES:
            response = client.get(dutch_url(site["topics"][audience, mode]))
            html = response.content.decode()
            seen[audience, mode] = (response.status_code, visible_posts(html, audience, mode))
            expected[audience, mode] = expected_answer(kind, audience, mode)
            if kind == "visitor":
                assert "/accounts/login/?next=" in html

    assert seen == expected


@pytest.mark.parametrize("reader", READERS)
def test_only_community_staff_read_poll_results_without_voting(reader_client, site, reader):
    client = reader_client(reader)
    kind = reader_kind(reader)

    for audience in ("all", "segment"):
        response = client.get(dutch_url(site["topics"][audience, ResponseMode.POLL]))
        status, _posts = expected_answer(kind, audience, ResponseMode.POLL)
        assert response.status_code == status, audience
        results_shown = 'class="poll-results"' in response.content.decode()
        assert results_shown is (kind == "community_staff"), audience


@pytest.mark.parametrize("reader", READERS[1:])
def test_each_role_finds_exactly_the_projects_of_its_row(reader_client, site, reader):
    client = reader_client(reader)
    kind = reader_kind(reader)

    index = client.get("/projecten/").content.decode()
    segment = client.get(dutch_url(site["projects"]["segment"]))
    search = client.get(f"/projecten/{site['projects']['segment'].pk}/zoeken/", {"q": "segment"})

    sees_segment = kind in ("member", "community_staff")
    assert ("Voor genodigden" in index) is sees_segment
    assert "Voor iedereen" in index
    expected = HTTPStatus.OK if sees_segment else HTTPStatus.NOT_FOUND
    assert segment.status_code == expected
    assert search.status_code == expected


def test_password_only_staff_read_topics_as_a_parent_outside_the_audience_does(reader_client, site):
    """The done-when of issue 11, side by side: the posts a password-only researcher gets
    are the ones a parent outside the audience gets, in every mode."""

    def post_ids(reader: str) -> dict:
        client = reader_client(reader)
        pages = {key: client.get(dutch_url(topic)) for key, topic in site["topics"].items()}
        client.logout()
        return {
            key: (page.status_code, re.findall(r'id="post-(\d+)"', page.content.decode()))
            for key, page in pages.items()
        }

    assert post_ids("researcher_password_only") == post_ids("other_parent")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_password_only_staff_are_told_how_their_role_counts(reader_client, site, role):
    client = reader_client(f"{role}_password_only")

    html = client.get("/").content.decode()

    assert 'class="staff-notice"' in html
    response = client.get(reverse("staff_second_factor") + "?next=/projecten/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fprojecten%2F"


@pytest.mark.parametrize("reader", ["parent", "moderator", "team_lead"])
def test_no_notice_for_parents_or_staff_with_their_second_factor(reader_client, site, reader):
    html = reader_client(reader).get("/").content.decode()

    assert 'class="staff-notice"' not in html


def test_the_way_in_refuses_an_address_elsewhere_and_parents(reader_client, site):
    client = reader_client("moderator")
    way_in = reverse("staff_second_factor")
    assert client.get(f"{way_in}?next=https://evil.example/")["Location"] == "/admin/"
    client.logout()

    response = reader_client("parent").get(way_in)

    assert response.status_code == HTTPStatus.NOT_FOUND


# ---------- staff-only views ----------


def staff_urls(site) -> dict[str, str]:
    project = site["projects"]["all"].pk
    return {
        "admin home": "/admin/",
        "page explorer": "/admin/pages/",
        "moderation queue": "/admin/moderation/",
        "post search": "/admin/projects/posts/search/?q=segment",
        "statistics": f"/admin/projects/{project}/statistics/",
        "export csv": f"/admin/projects/{project}/export.csv",
        "export xlsx": f"/admin/projects/{project}/export.xlsx",
        "invite": f"/admin/projects/{project}/invite/",
        "segments": "/admin/segments/",
        "django admin": "/django-admin/",
        "admin login": "/admin/login/?next=/admin/",
    }


@pytest.mark.parametrize("reader", ["parent", "other_parent"])
def test_parents_are_refused_every_staff_page_at_once(reader_client, site, reader):
    client = reader_client(reader)

    for name, url in staff_urls(site).items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN, name
        assert "Geen toegang" in response.content.decode(), name


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_password_only_staff_are_sent_to_set_up_the_second_factor_everywhere(
    reader_client, site, role
):
    client = reader_client(f"{role}_password_only")

    for name, url in staff_urls(site).items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, name
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next="), name


@pytest.mark.parametrize("role", ["team_lead", "complaints_officer"])
def test_roles_without_community_work_are_refused_its_staff_pages(reader_client, site, role):
    client = reader_client(role)
    urls = staff_urls(site)

    assert client.get(urls["admin home"]).status_code == HTTPStatus.OK
    for name in ("moderation queue", "post search", "statistics", "export csv", "invite"):
        response = client.get(urls[name])
        assert response.status_code != HTTPStatus.OK, name
        assert "segment-open" not in response.content.decode(), name
    assert client.get(urls["django admin"]).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("reader", READERS)
def test_no_staff_address_loops(reader_client, site, reader):
    client = reader_client(reader)

    for name, url in staff_urls(site).items():
        response = client.get(url, follow=True)
        assert len(response.redirect_chain) <= 3, (name, response.redirect_chain)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.FORBIDDEN), name


def test_permissions_count_only_with_the_second_factor(db):
    moderator = UserFactory(roles=[Role.MODERATOR])
    superuser = UserFactory(is_superuser=True)
    superuser.second_factor_passed = True

    assert moderator.has_perm("projects.moderate_post")
    assert moderator.has_role(Role.MODERATOR) and moderator.is_community_staff

    for user in (moderator, superuser):
        user.second_factor_passed = False
        assert not user.has_perm("projects.moderate_post")
        assert not user.has_perms(["wagtailadmin.access_admin"])
        assert not user.has_module_perms("projects")
        assert not user.is_community_staff
        assert user.is_staff_member  # the account still holds its role
    assert not moderator.has_role(Role.MODERATOR)
    assert Role.MODERATOR in moderator.roles


@pytest.mark.parametrize("reader", ["team_lead", "researcher_password_only"])
def test_staff_who_cannot_answer_are_not_told_topics_wait_for_their_answer(
    reader_client, site, reader
):
    index = reader_client(reader).get("/projecten/").content.decode()

    assert "Voor iedereen" in index
    assert "project-waiting" not in index


def test_parents_are_told_how_many_topics_wait_for_their_answer(reader_client, site):
    index = reader_client("parent").get("/projecten/").content.decode()

    assert "project-waiting" in index
