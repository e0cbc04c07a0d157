"""The coding view of a topic in the Wagtail admin: who reaches it, what it shows, how its
forms code, uncode and delete, and what it costs in queries."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone, translation

from community.models import Role
from insights.models import Coding, Excerpt
from insights.services.coding import excerpt_code
from projects.models import PostStatus
from projects.services.moderation import moderation_decide
from tests.community.factories import UserFactory, consent_accept_all
from tests.conftest import ROLES
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import ProjectPageFactory, post_write

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, "team_lead", "complaints_officer"]
CODERS = {"moderator", "researcher", "admin"}
TEXT = "We sliepen slecht.\nDe vroedvrouw kwam pas na drie dagen."


def coding_url(topic) -> str:
    return f"/admin/insights/topics/{topic.pk}/coding/"


@pytest.fixture
def answer(topic_page, member):
    return post_write(topic_page, member, TEXT)


@pytest.fixture
def code(project_page):
    return CodeFactory(name="Slaap", name_en="Sleep", colour="#aa3300", project=project_page)


@pytest.fixture
def coded(answer, moderator, code):
    return excerpt_code(
        coder=moderator, post=answer, start=0, end=18, codes=[code], memo="Memo van de moderator"
    )


# --- permissions ---


# What each role gets: the page, or a refusal (Wagtail sends staff without admin access
# back to the admin's home, and anonymous visitors to the login).
EXPECTED = {
    "anonymous": (HTTPStatus.FOUND, "/accounts/login/"),
    "parent": (HTTPStatus.FORBIDDEN, None),
    "other_parent": (HTTPStatus.FORBIDDEN, None),
    "moderator": (HTTPStatus.OK, None),
    "researcher": (HTTPStatus.OK, None),
    "admin": (HTTPStatus.OK, None),
    "team_lead": (HTTPStatus.FOUND, "/admin/"),
    "complaints_officer": (HTTPStatus.FOUND, "/admin/"),
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_coders_reach_the_coding_view_and_its_forms(
    client_for_role, role, method, topic_page, coded
):
    client = client_for_role(role)
    if method == "get":
        response = client.get(coding_url(topic_page))
    else:
        response = client.post(
            coding_url(topic_page), {"action": "memo", "excerpt": coded.pk, "memo": "Gewijzigd"}
        )
    status, location = EXPECTED[role]
    if method == "post" and status == HTTPStatus.OK:
        status = HTTPStatus.FOUND
    assert response.status_code == status
    if location is not None:
        assert response["Location"].startswith(location)
    content = response.content.decode()
    if role in CODERS and method == "get":
        assert "Memo van de moderator" in content
    else:
        assert "Memo van de moderator" not in content
        assert "sliepen" not in content
    changed = Excerpt.objects.get(pk=coded.pk).memo == "Gewijzigd"
    assert changed is (role in CODERS and method == "post")


def test_staff_without_the_second_factor_are_sent_to_it(client, topic_page, coded):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    response = client.get(coding_url(topic_page))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/")
    response = client.post(coding_url(topic_page), {"action": "delete", "excerpt": coded.pk})
    assert response["Location"].startswith("/accounts/2fa/")
    assert Excerpt.objects.filter(pk=coded.pk).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_coders_code_uncode_and_delete(client_for_role, role, topic_page, answer, coded, code):
    client = client_for_role(role)
    url = coding_url(topic_page)
    client.post(url, {"action": "code", "post": answer.pk, "codes": [code.pk], "start": 19})
    client.post(url, {"action": "memo", "excerpt": coded.pk, "memo": "Anders"})
    coded_before = Excerpt.objects.filter(start=19).exists()
    memo_changed = Excerpt.objects.get(pk=coded.pk).memo == "Anders"
    client.post(url, {"action": "uncode", "coding": coded.codings.get().pk})
    uncoded = not Coding.objects.filter(excerpt=coded).exists()
    client.post(url, {"action": "delete", "excerpt": coded.pk})
    deleted = not Excerpt.objects.filter(pk=coded.pk).exists()

    allowed = role in CODERS
    assert (memo_changed, uncoded, deleted) == (allowed, allowed, allowed)
    assert not coded_before  # start without end is refused for everyone


# --- what the view shows ---


def test_view_shows_every_post_with_its_status_and_replies_under_answers(
    client_for_role, topic_page, answer, member, other_parent, moderator, consent_documents
):
    consent_accept_all(other_parent)
    reply = post_write(topic_page, other_parent, "Bij ons ook", parent=answer)
    pending = post_write(topic_page, other_parent, "Wacht op goedkeuring", status="pending")
    hidden = post_write(topic_page, other_parent, "Verborgen tekst")
    moderation_decide(moderator=moderator, post=hidden, action="hide", reason="Grof")

    response = client_for_role("moderator").get(coding_url(topic_page))
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    for post in (answer, reply, pending, hidden):
        assert f'id="post-{post.pk}"' in content
    answers = response.context["answers"]
    assert [post.pk for post in answers] == [answer.pk, pending.pk, hidden.pk]
    assert [post.pk for post in answers[0].reply_list] == [reply.pk]
    assert "coding-post--hidden" in content
    # The text is the one plain text the offsets count in, line breaks kept.
    assert "We sliepen slecht.\nDe vroedvrouw" in content


def test_codes_are_grouped_by_main_code_and_only_active_ones_of_this_project_or_global(
    client_for_role, topic_page, answer, project_page, project_index
):
    main = CodeFactory(name="Zorg")
    CodeFactory(name="Vroedvrouw", parent=main)
    CodeFactory(name="Eigen", project=project_page)
    CodeFactory(name="Gearchiveerd", archived_at=timezone.now())
    CodeFactory(name="Ander project", project=ProjectPageFactory(parent=project_index))

    response = client_for_role("moderator").get(coding_url(topic_page))
    groups = response.context["code_groups"]
    assert [(group.code.name, [c.name for c in group.children]) for group in groups] == [
        ("Eigen", []),
        ("Zorg", ["Vroedvrouw"]),
    ]
    content = response.content.decode()
    assert "Gearchiveerd" not in content
    assert "Ander project" not in content


def test_excerpts_show_codes_coder_memo_and_their_marks(
    client_for_role, topic_page, answer, moderator, code, member
):
    excerpt = excerpt_code(
        coder=moderator, post=answer, start=0, end=18, codes=[code], memo="Let op"
    )
    answer.edited_at = excerpt.created_at + datetime.timedelta(minutes=1)
    answer.status = PostStatus.HIDDEN
    answer.save()
    Excerpt.objects.filter(pk=excerpt.pk).update(quote="", quote_removed_at=timezone.now())
    answer.author = None
    answer.save()

    client = client_for_role("moderator")
    content = client.get(coding_url(topic_page)).content.decode()
    block = content[content.index(f'id="excerpt-{excerpt.pk}"') :]
    for mark in ("quote removed", "post edited since", "hidden", "former member"):
        assert mark in block or _dutch_mark(mark) in block, mark
    assert 'fill="#aa3300"' in block  # the code's colour swatch, without an inline style
    assert "Let op" in block
    assert 'style="' not in content[content.index('class="coding-posts"') :]


def _dutch_mark(english: str) -> str:
    with translation.override("nl"):
        return translation.gettext(english)


def test_page_explorer_offers_a_code_button_on_topics(client_for_role, topic_page, project_page):
    client = client_for_role("researcher")
    response = client.get(f"/admin/pages/{project_page.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert coding_url(topic_page).encode() in response.content
    edit = client.get(f"/admin/pages/{topic_page.pk}/edit/")
    assert coding_url(topic_page).encode() in edit.content


# --- coding through the forms ---


def test_form_without_offsets_codes_the_whole_post(client_for_role, topic_page, answer, code):
    response = client_for_role("moderator").post(
        coding_url(topic_page),
        {"action": "code", "post": answer.pk, "codes": [code.pk], "memo": "Hele post"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{coding_url(topic_page)}#post-{answer.pk}"
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.end, excerpt.quote, excerpt.memo) == (
        0,
        len(TEXT),
        TEXT,
        "Hele post",
    )


def test_form_with_offsets_codes_the_passage_and_the_server_cuts_the_quote(
    client_for_role, topic_page, answer, code
):
    start = TEXT.index("De vroedvrouw")
    client_for_role("researcher").post(
        coding_url(topic_page),
        {
            "action": "code",
            "post": answer.pk,
            "codes": [code.pk],
            "start": start,
            "end": start + 13,
        },
    )
    assert Excerpt.objects.get().quote == "De vroedvrouw"


def test_passage_that_no_longer_matches_the_post_is_refused(
    client_for_role, topic_page, answer, code
):
    response = client_for_role("moderator").post(
        coding_url(topic_page),
        {
            "action": "code",
            "post": answer.pk,
            "codes": [code.pk],
            "start": 0,
            "end": 5,
            "quote": "Iets anders",
        },
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Excerpt.objects.exists()


def test_bad_input_shows_the_error_at_the_post_and_keeps_the_memo(
    client_for_role, topic_page, answer, code
):
    response = client_for_role("moderator").post(
        coding_url(topic_page),
        {"action": "code", "post": answer.pk, "codes": [], "memo": "Mijn getypte memo"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    content = response.content.decode()
    assert f'id="errors-{answer.pk}"' in content
    assert "Mijn getypte memo" in content
    assert not Excerpt.objects.exists()


def test_offsets_outside_the_post_are_refused_by_the_form(
    client_for_role, topic_page, answer, code
):
    response = client_for_role("moderator").post(
        coding_url(topic_page),
        {"action": "code", "post": answer.pk, "codes": [code.pk], "start": 5, "end": 999},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Excerpt.objects.exists()


def test_a_post_of_another_topic_cannot_be_coded_here(
    client_for_role, topic_page, project_page, member, code
):
    from tests.projects.factories import TopicPageFactory

    elsewhere = post_write(TopicPageFactory(parent=project_page), member, "Ander onderwerp")
    response = client_for_role("moderator").post(
        coding_url(topic_page), {"action": "code", "post": elsewhere.pk, "codes": [code.pk]}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Excerpt.objects.exists()


def test_uncode_and_delete_from_the_view(client_for_role, topic_page, coded, code):
    client = client_for_role("moderator")
    client.post(coding_url(topic_page), {"action": "uncode", "coding": coded.codings.get().pk})
    assert Excerpt.objects.filter(pk=coded.pk).exists()
    assert not Coding.objects.exists()
    client.post(coding_url(topic_page), {"action": "delete", "excerpt": coded.pk})
    assert not Excerpt.objects.exists()


# --- query budget ---


def test_coding_view_costs_the_same_queries_for_5_and_50_posts_with_excerpts(
    client_for_role, django_assert_num_queries, topic_page, moderator, project_page
):
    client = client_for_role("moderator")
    url = coding_url(topic_page)
    client.get(url)  # warm the session and Wagtail's caches
    codes = [CodeFactory(project=project_page), CodeFactory()]
    CodeFactory(parent=codes[1])
    authors = [UserFactory() for _ in range(3)]

    def fill(count: int) -> None:
        for number in range(count):
            answer = post_write(topic_page, authors[number % 3], f"Antwoord nummer {number}")
            reply = post_write(topic_page, authors[(number + 1) % 3], "Reactie", parent=answer)
            excerpt_of(answer, moderator, *codes, start=0, end=8, memo="m")
            excerpt_of(reply, moderator, codes[0])

    fill(5)
    with django_assert_num_queries(CODING_VIEW_QUERIES):
        response = client.get(url)
    assert len(response.context["answers"]) == 5

    fill(45)
    with django_assert_num_queries(CODING_VIEW_QUERIES):
        response = client.get(url)
    assert len(response.context["answers"]) == 50


CODING_VIEW_QUERIES = 14  # 5 for the page itself; the rest is the session, user and admin menu
