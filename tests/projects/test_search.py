"""Search: members find only what they may read in a project; staff search everything."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from projects.models import Post, PostStatus, ResponseMode
from projects.post_text import post_text_render
from tests.community.factories import UserFactory
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

# audience (3), the full-text match, the visible posts (the user with their request state
# comes from the cache: community.request_state; the site for page addresses is remembered:
# projects.routing)
SEARCH_QUERIES = 5
# the admin's permissions, profile, locales and menu (7), the chosen project, the full-text
# match, the posts found (with authors, topics and projects), the form's project and topic
# choices (2)
STAFF_SEARCH_QUERIES = 13


def search_url(project) -> str:
    return reverse("project_search", args=[project.pk])


def found_ids(response) -> list[int]:
    return [post.pk for post in response.context["page"].object_list]


@pytest.fixture
def answer_first_topic(project_page):
    return TopicPageFactory(parent=project_page, response_mode=ResponseMode.ANSWER_FIRST)


@pytest.fixture
def private_topic(project_page):
    return TopicPageFactory(parent=project_page, response_mode=ResponseMode.PRIVATE)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_member_finds_a_published_post_in_an_open_topic(member_client, topic_page, other_parent):
    post = post_write(topic_page, other_parent, "We gebruiken een nachtlampje met sterren.")
    post_write(topic_page, other_parent, "Iets heel anders over voeding.")

    response = member_client.get(search_url(topic_page.get_parent()), {"q": "nachtlampje"})

    assert response.status_code == HTTPStatus.OK
    assert found_ids(response) == [post.pk]
    assert "nachtlampje" in response.content.decode()


def test_member_does_not_find_a_private_topic_post_of_someone_else(
    member_client, project_page, private_topic, other_parent
):
    post_write(private_topic, other_parent, "Mijn geheim dagboek over de kinderopvang.")

    response = member_client.get(search_url(project_page), {"q": "dagboek"})

    assert found_ids(response) == []
    assert "dagboek" not in response.content.decode().replace('value="dagboek"', "")


def test_member_finds_their_own_private_topic_post(
    member_client, member, project_page, private_topic
):
    own = post_write(private_topic, member, "Mijn eigen dagboek.")

    response = member_client.get(search_url(project_page), {"q": "dagboek"})

    assert found_ids(response) == [own.pk]


def test_member_finds_answer_first_posts_only_after_answering(
    member_client, member, project_page, answer_first_topic, other_parent
):
    theirs = post_write(answer_first_topic, other_parent, "Wij kozen voor een draagzak.")

    before = member_client.get(search_url(project_page), {"q": "draagzak"})
    post_write(answer_first_topic, member, "Bij ons was het de kinderwagen.")
    after = member_client.get(search_url(project_page), {"q": "draagzak"})

    assert found_ids(before) == []
    assert found_ids(after) == [theirs.pk]


@pytest.mark.parametrize("status", [PostStatus.HIDDEN, PostStatus.PENDING])
def test_member_does_not_find_hidden_or_pending_posts_of_others(
    member_client, project_page, topic_page, other_parent, status
):
    post_write(topic_page, other_parent, "Scheldwoorden over de buurvrouw.", status=status)

    response = member_client.get(search_url(project_page), {"q": "buurvrouw"})

    assert found_ids(response) == []


def test_member_does_not_find_removed_posts(member_client, member, project_page, topic_page):
    post_write(topic_page, member, "Spijt van dit bericht.", removed_at=timezone.now())

    response = member_client.get(search_url(project_page), {"q": "spijt"})

    assert found_ids(response) == []


def test_member_does_not_find_replies_to_a_hidden_post(
    member_client, project_page, topic_page, other_parent
):
    hidden = post_write(topic_page, other_parent, "Weg ermee.", status=PostStatus.HIDDEN)
    post_write(topic_page, other_parent, "Een reactie over de tandarts.", parent=hidden)

    response = member_client.get(search_url(project_page), {"q": "tandarts"})

    assert found_ids(response) == []


def test_deleted_post_leaves_the_search_index(
    member_client, project_page, topic_page, other_parent
):
    post = post_write(topic_page, other_parent, "Over de zwemles.")
    post.delete()

    response = member_client.get(search_url(project_page), {"q": "zwemles"})

    assert found_ids(response) == []


def test_edited_post_is_found_by_its_new_words(
    member_client, project_page, topic_page, other_parent
):
    post = post_write(topic_page, other_parent, "Over de zwemles.")
    post.text = "Over de turnles."
    post.body = post_text_render(post.text)
    post.save()

    old = member_client.get(search_url(project_page), {"q": "zwemles"})
    new = member_client.get(search_url(project_page), {"q": "turnles"})

    assert found_ids(old) == []
    assert found_ids(new) == [post.pk]


def test_member_search_stays_inside_the_project(
    member_client, project_index, topic_page, other_parent
):
    elsewhere = TopicPageFactory(parent=ProjectPageFactory(parent=project_index))
    post_write(elsewhere, other_parent, "Een fiets met een kinderzitje.")

    response = member_client.get(search_url(topic_page.get_parent()), {"q": "kinderzitje"})

    assert found_ids(response) == []


def test_project_outside_the_audience_answers_404(member_client, project_page, other_parent):
    from community.models import Segment
    from projects.models import Audience

    project_page.audience = Audience.SEGMENTS
    project_page.save_revision().publish()
    project_page.segments.set([Segment.objects.create(name="Niemand")])
    project_page.save()

    response = member_client.get(search_url(project_page), {"q": "iets"})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_empty_query_shows_a_message_and_no_results(member_client, project_page):
    response = member_client.get(search_url(project_page), {"q": "   "})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["q"]
    assert not response.context["searched"]


def test_hostile_query_is_harmless(member_client, project_page, topic_page, other_parent):
    post_write(topic_page, other_parent, "Gewone tekst.")

    for query in ['"', "' OR 1=1 --", "<script>alert(1)</script>", "AND OR NOT", "*", "x" * 200]:
        response = member_client.get(search_url(project_page), {"q": query})
        assert response.status_code == HTTPStatus.OK
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_visitors_are_sent_to_log_in(client, project_page):
    response = client.get(search_url(project_page), {"q": "iets"})

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("posts", [5, 50])
def test_search_queries_do_not_grow_with_results(
    member_client, project_page, topic_page, other_parent, django_assert_num_queries, posts
):
    for _ in range(posts):
        post_write(topic_page, other_parent, "slaap goed")
    member_client.get(search_url(project_page), {"q": "slaap"})  # fills per-process caches

    with django_assert_num_queries(SEARCH_QUERIES):
        response = member_client.get(search_url(project_page), {"q": "slaap"})

    assert len(found_ids(response)) == min(posts, 20)


def test_post_words_are_all_in_the_body_of_the_index():
    # On PostgreSQL search matches the index entries' `body` only (the GIN-indexed vector);
    # a search field named "title" would go to the entries' title and never be found.
    assert "title" not in {field.field_name for field in Post.get_searchable_search_fields()}


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the ranked-candidates query and its index are PostgreSQL's; SQLite runs "
    "Wagtail's own FTS search (every other test here covers that path)",
)


@on_postgresql
def test_on_postgresql_only_the_newest_matches_are_ranked(
    member, topic_page, other_parent, monkeypatch
):
    from projects.services import search

    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    posts = [post_write(topic_page, other_parent, f"Slaap goed, nummer {n}.") for n in range(5)]

    found = search.posts_search_for_member(
        user=member, project=topic_page.get_parent().specific, query="slaap"
    )

    assert {post.pk for post in found} == {post.pk for post in posts[2:]}


@on_postgresql
def test_on_postgresql_the_best_match_comes_first(member, topic_page, other_parent):
    from projects.services.search import posts_search_for_member

    once = post_write(topic_page, other_parent, "Eén keer over de tandarts, verder niets.")
    often = post_write(topic_page, other_parent, "Tandarts, tandarts en nog eens de tandarts.")
    post_write(topic_page, other_parent, "Iets heel anders.")

    found = posts_search_for_member(
        user=member, project=topic_page.get_parent().specific, query="tandarts"
    )

    assert [post.pk for post in found] == [often.pk, once.pk]


@on_postgresql
def test_on_postgresql_search_joins_posts_on_the_indexed_expression(
    member_client, project_page, topic_page, other_parent
):
    from django.test.utils import CaptureQueriesContext

    post_write(topic_page, other_parent, "Over de zwemles.")

    with CaptureQueriesContext(connection) as queries:
        member_client.get(search_url(project_page), {"q": "zwemles"})

    # The index that takes a matching entry to its post holds exactly this expression; if
    # the join ever casts differently, the index is silently no longer used.
    search_sql = next(q["sql"] for q in queries.captured_queries if "@@" in q["sql"])
    assert '("projects_post"."id")::varchar(50)' in search_sql
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Post._meta.db_table)
    assert "post_id_as_index_object_id" in indexes


@on_postgresql
def test_on_postgresql_search_is_never_a_prepared_statement(member, project_page, topic_page):
    """With prepared statements on (config/settings/base.py prepares a query on its fifth
    run), PostgreSQL may give the search one generic plan for every word, and the best plan for
    a rare word is a slow one for a common word (700 ms instead of 60 at a million posts)."""
    from projects.services.search import posts_search_for_member

    post_write(topic_page, member, "Over de zwemles.")
    connection.ensure_connection()
    driver = connection.connection
    driver.prepare_threshold = 5
    thresholds = {}

    def record(execute, sql, params, many, context):
        thresholds["search" if "@@" in sql else "other"] = driver.prepare_threshold
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        found = posts_search_for_member(user=member, project=project_page, query="zwemles")

    assert len(found) == 1
    assert thresholds == {"search": None, "other": 5}
    assert driver.prepare_threshold == 5


# --- staff search in the admin ---

ADMIN_SEARCH = "/admin/projects/posts/search/"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.OK),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
    ],
)
def test_staff_search_permission_matrix(client_for_role, role, expected):
    response = client_for_role(role).get(ADMIN_SEARCH, {"q": "iets"})

    assert response.status_code == expected
    if expected == HTTPStatus.FOUND:
        assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["team_lead", "complaints_officer"])
def test_other_staff_roles_cannot_search_posts(client_for_role, role, request):
    from tests.conftest import login_with_two_factor

    client = request.getfixturevalue("client")
    login_with_two_factor(client, request.getfixturevalue(role))

    response = client.get(ADMIN_SEARCH, {"q": "iets"})

    # Wagtail turns the refusal into a redirect to the admin home with a message.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"


def test_staff_find_what_parents_may_not_see(
    client_for_role, project_page, private_topic, answer_first_topic, topic_page, other_parent
):
    private = post_write(private_topic, other_parent, "Dagboek over de kraamzorg.")
    early = post_write(answer_first_topic, other_parent, "Antwoord over de kraamzorg.")
    hidden = post_write(
        topic_page, other_parent, "Verborgen over de kraamzorg.", status=PostStatus.HIDDEN
    )

    response = client_for_role("researcher").get(ADMIN_SEARCH, {"q": "kraamzorg"})

    assert response.status_code == HTTPStatus.OK
    assert set(found_ids(response)) == {private.pk, early.pk, hidden.pk}


def test_staff_filter_by_project_topic_and_date(
    client_for_role, project_index, project_page, topic_page, other_parent
):
    other_topic = TopicPageFactory(parent=project_page)
    elsewhere = TopicPageFactory(parent=ProjectPageFactory(parent=project_index))
    here = post_write(topic_page, other_parent, "Flesvoeding 's nachts.")
    same_project = post_write(other_topic, other_parent, "Flesvoeding overdag.")
    other_project = post_write(elsewhere, other_parent, "Flesvoeding op reis.")
    old = post_write(topic_page, other_parent, "Flesvoeding vroeger.")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    client = client_for_role("moderator")

    everything = client.get(ADMIN_SEARCH, {"q": "flesvoeding"})
    by_project = client.get(ADMIN_SEARCH, {"q": "flesvoeding", "project": project_page.pk})
    by_topic = client.get(ADMIN_SEARCH, {"q": "flesvoeding", "topic": topic_page.pk})
    recent = timezone.localdate() - datetime.timedelta(days=7)
    by_date = client.get(
        ADMIN_SEARCH, {"q": "flesvoeding", "topic": topic_page.pk, "date_from": recent}
    )
    until = client.get(
        ADMIN_SEARCH, {"q": "flesvoeding", "date_to": recent - datetime.timedelta(days=1)}
    )

    assert set(found_ids(everything)) == {here.pk, same_project.pk, other_project.pk, old.pk}
    assert set(found_ids(by_project)) == {here.pk, same_project.pk, old.pk}
    assert set(found_ids(by_topic)) == {here.pk, old.pk}
    assert found_ids(by_date) == [here.pk]
    assert found_ids(until) == [old.pk]


def test_staff_search_rejects_dates_in_the_wrong_order_and_a_topic_outside_the_project(
    client_for_role, project_index, project_page, topic_page
):
    other_project = ProjectPageFactory(parent=project_index)
    client = client_for_role("researcher")

    response = client.get(
        ADMIN_SEARCH,
        {
            "q": "iets",
            "project": other_project.pk,
            "topic": topic_page.pk,
            "date_from": "2026-05-02",
            "date_to": "2026-05-01",
        },
    )

    form = response.context["form"]
    assert set(form.errors) == {"topic", "date_to"}
    assert not response.context["searched"]


def test_staff_search_paginates(client_for_role, topic_page):
    author = UserFactory()
    for number in range(25):
        post_write(topic_page, author, f"Borstvoeding nummer {number}.")

    client = client_for_role("researcher")
    first = client.get(ADMIN_SEARCH, {"q": "borstvoeding"})
    second = client.get(ADMIN_SEARCH, {"q": "borstvoeding", "page": 2})

    assert len(found_ids(first)) == 20
    assert len(found_ids(second)) == 5
    assert not set(found_ids(first)) & set(found_ids(second))
    assert "q=borstvoeding&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("posts", [5, 50])
def test_staff_search_queries_do_not_grow_with_results(
    client_for_role, project_page, topic_page, other_parent, django_assert_num_queries, posts
):
    for _ in range(posts):
        post_write(topic_page, other_parent, "slaap goed")
    client = client_for_role("moderator")
    client.get(ADMIN_SEARCH, {"q": "slaap"})  # fills per-process caches

    with django_assert_num_queries(STAFF_SEARCH_QUERIES):
        response = client.get(ADMIN_SEARCH, {"q": "slaap", "project": project_page.pk})

    assert len(found_ids(response)) == min(posts, 20)


def test_project_page_offers_the_search_box(member_client, project_page):
    from tests.conftest import dutch_url

    response = member_client.get(dutch_url(project_page))

    assert response.status_code == HTTPStatus.OK
    assert f'action="{search_url(project_page)}"' in response.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Dutch stemming is PostgreSQL full-text search"
)
def test_on_postgresql_search_finds_other_forms_of_a_dutch_word(
    member_client, topic_page, other_parent
):
    post = post_write(topic_page, other_parent, "Onze kinderen slapen slecht sinds de verhuis.")
    post_write(topic_page, other_parent, "Iets heel anders over voeding.")

    response = member_client.get(search_url(topic_page.get_parent()), {"q": "kinder slaap"})

    assert found_ids(response) == [post.pk]


def test_a_result_shows_paragraphs_and_list_items_as_separate_words(
    member_client, topic_page, other_parent
):
    post_write(topic_page, other_parent, "De nachten waren zwaar.\n\n- weinig slaap\n- vragen")

    response = member_client.get(search_url(topic_page.get_parent()), {"q": "nachten"})

    html = response.content.decode()
    assert "zwaar. weinig slaap vragen" in " ".join(html.split())
    assert "zwaar.weinig" not in html
