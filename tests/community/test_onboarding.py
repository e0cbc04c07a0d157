"""Onboarding: the gate that sends parents to choose a pseudonym and accept the current terms,
and the one form that does both."""

from http import HTTPStatus
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from community.middleware import MemberOnboardingMiddleware
from community.models import ConsentDocument, ConsentRecord, Role, User
from community.services.consent import (
    consent_withdraw,
    member_can_take_part,
    member_needs_onboarding,
    member_onboarding_complete,
)
from tests.community.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GATE = "community.middleware.MemberOnboardingMiddleware"
ACCEPT_ALL = {"accept_research_terms": "1", "accept_privacy_notice": "1"}
TAKEN = "This pseudonym is taken, or looks too much like one that is. Choose another one."


def url(name: str, language: str = "en", **kwargs) -> str:
    """A member page's address; English by default, so assertions read the English text."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def newcomer(db):
    """Verified e-mail address, no pseudonym, nothing accepted yet."""
    return UserFactory(email="nieuw@example.org", pseudonym="")


def publish_new_version(document: ConsentDocument, summary_en: str = "") -> ConsentDocument:
    document.change_summary = "Nu ook over foto's."
    document.change_summary_en = summary_en
    document.save_revision().publish()
    document.refresh_from_db()
    return document


# --- the gate -------------------------------------------------------------------------


def test_newcomer_is_sent_to_onboarding_from_the_home_page_without_a_return_address(
    client, newcomer, consent_documents, home_page
):
    client.force_login(newcomer)

    response = client.get("/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("member_onboarding", "nl")


def test_newcomer_returns_to_the_page_they_asked_for_after_onboarding(
    client, newcomer, consent_documents, project_page
):
    client.force_login(newcomer)
    project_url = project_page.get_url()

    response = client.get(project_url)

    assert (
        response["Location"]
        == f"{url('member_onboarding', 'nl')}?{urlencode({'next': project_url})}"
    )


def test_login_sends_a_newcomer_straight_to_onboarding(client, newcomer, consent_documents):
    response = client.post(
        "/en/accounts/login/", {"login": newcomer.email, "password": TEST_PASSWORD}
    )

    assert response["Location"] == url("member_onboarding")


def test_gate_asks_for_a_pseudonym_even_when_no_terms_are_published(client, newcomer, home_page):
    client.force_login(newcomer)

    assert client.get("/")["Location"] == url("member_onboarding", "nl")


def test_onboarded_member_reaches_every_page(client, member, home_page, project_page):
    client.force_login(member)

    assert client.get("/").status_code == HTTPStatus.OK
    assert client.get(project_page.get_url()).status_code == HTTPStatus.OK


def test_visitors_and_staff_without_a_pseudonym_are_not_sent_to_onboarding(
    client, consent_documents, home_page
):
    assert client.get("/").status_code == HTTPStatus.OK
    researcher = UserFactory(pseudonym="", roles=[Role.RESEARCHER])
    client.force_login(researcher)

    assert client.get("/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/logout/",
        "/en/accounts/email/",
        "/accounts/password/change/",
        "/healthz",
        "/static/css/site.css",
    ],
)
def test_gate_leaves_account_pages_open(client, newcomer, consent_documents, path):
    client.force_login(newcomer)

    response = client.get(path)

    assert not response.get("Location", "").startswith(url("member_onboarding", "nl"))


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("member_onboarding", {}),
        ("consent_document", {"kind": "research_terms"}),
        ("consent_overview", {}),
        ("consent_withdraw", {}),
        ("personal_data", {}),
        ("personal_data_download", {}),
        ("account_delete", {}),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_gate_leaves_onboarding_consent_and_data_pages_open(
    client, newcomer, consent_documents, name, kwargs, language
):
    client.force_login(newcomer)

    response = client.get(url(name, language, **kwargs))

    assert not response.get("Location", "").startswith(url("member_onboarding", language))


def test_member_who_withdrew_may_browse_but_not_take_part(client, member, home_page):
    consent_withdraw(user=member)
    client.force_login(member)

    assert client.get("/").status_code == HTTPStatus.OK
    assert not member_can_take_part(User.objects.get(pk=member.pk))
    assert not User.objects.members().filter(pk=member.pk).exists()


def test_gate_costs_one_query_for_an_onboarded_member_and_none_for_a_visitor(
    member, django_assert_num_queries
):
    gate = MemberOnboardingMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/projecten/")
    request.user = User.objects.get(pk=member.pk)

    with django_assert_num_queries(1):
        assert gate(request).status_code == HTTPStatus.OK
    # Later questions in the same request reuse the answer.
    with django_assert_num_queries(0):
        assert not member_needs_onboarding(request.user)

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        gate(request)


def test_gate_adds_no_query_to_a_page_for_an_onboarded_member(
    member, home_page, settings, django_assert_num_queries
):
    def warm_client() -> Client:
        client = Client()  # a new client loads the middleware as the settings now say
        client.force_login(member)
        client.get("/")  # warm the site and navigation caches
        return client

    with_gate = settings.MIDDLEWARE
    settings.MIDDLEWARE = [name for name in with_gate if name != GATE]
    client = warm_client()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    without_gate = len(queries)  # now: the next request clears the query log
    settings.MIDDLEWARE = with_gate
    client = warm_client()

    # The request's user comes with its consent state (community.auth_backends).
    with django_assert_num_queries(without_gate):
        response = client.get("/")

    assert response.status_code == HTTPStatus.OK


def test_member_can_take_part_asks_the_database_once_per_request(member, django_assert_num_queries):
    user = User.objects.get(pk=member.pk)

    with django_assert_num_queries(2):  # consent state, then staff roles
        assert member_can_take_part(user)
    with django_assert_num_queries(0):
        assert member_can_take_part(user)


# --- the onboarding form --------------------------------------------------------------


def test_newcomer_chooses_a_pseudonym_accepts_and_lands_on_the_projects_open_to_them(
    client, newcomer, consent_documents
):
    client.force_login(newcomer)

    response = client.post(url("member_onboarding"), {"pseudonym": "  Mama   Beer ", **ACCEPT_ALL})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("member_dashboard")
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == "Mama Beer"
    records = ConsentRecord.objects.filter(user=newcomer)
    assert {(r.document.kind, r.version, r.action) for r in records} == {
        ("research_terms", 1, "accepted"),
        ("privacy_notice", 1, "accepted"),
    }
    for record in records:
        assert record.revision_id == record.document.live_revision_id
    assert User.objects.members().filter(pk=newcomer.pk).exists()


def test_onboarding_page_shows_one_box_per_document_with_a_link_to_read_it(
    client, newcomer, consent_documents
):
    client.force_login(newcomer)

    response = client.get(url("member_onboarding"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="pseudonym"' in html
    assert "I accept the research participation terms." in html
    assert "I accept the privacy notice." in html
    assert f'href="{url("consent_document", kind="research_terms")}"' in html
    assert html.index("accept_research_terms") < html.index("accept_privacy_notice")


def test_onboarding_page_is_in_dutch_at_the_dutch_address(client, newcomer, consent_documents):
    client.force_login(newcomer)

    response = client.get(url("member_onboarding", "nl"))

    assert response.status_code == HTTPStatus.OK
    assert '<html lang="nl">' in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Choose a pseudonym."),
        ("   ", "Choose a pseudonym."),
        ("ab", "Choose a pseudonym of 3 to 30 characters."),
        ("a" * 31, "Choose a pseudonym of 3 to 30 characters."),
        (
            "mama@example.org",
            "A pseudonym cannot look like an e-mail address: other parents would see it.",
        ),
        (
            "mama at gmail dot com",
            "A pseudonym cannot look like an e-mail address: other parents would see it.",
        ),
        ("www.mamablog.be", "A pseudonym cannot look like a web address."),
        ("https://mama", "A pseudonym cannot look like a web address."),
        ("Mama <3", "Use only letters, digits, spaces, “-” and “_” in your pseudonym."),
        ("Mama!", "Use only letters, digits, spaces, “-” and “_” in your pseudonym."),
    ],
)
def test_bad_pseudonym_is_refused_at_the_field_keeping_what_was_typed(
    client, newcomer, consent_documents, typed, message
):
    client.force_login(newcomer)

    response = client.post(url("member_onboarding"), {"pseudonym": typed, **ACCEPT_ALL})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"pseudonym": [message]}
    html = response.content.decode()
    assert "field--error" in html
    if typed.strip():
        assert 'value="{}"'.format(typed.replace("<", "&lt;")) in html
    assert html.count("checked") == 2
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("typed", ["mama beer", "MAMA BEER", "Mama  Beer"])
def test_pseudonym_taken_in_any_case_is_refused(client, newcomer, consent_documents, typed):
    UserFactory(pseudonym="Mama Beer")
    client.force_login(newcomer)

    response = client.post(url("member_onboarding"), {"pseudonym": typed, **ACCEPT_ALL})

    assert response.context["form"].errors == {"pseudonym": [TAKEN]}
    assert f'value="{typed}"' in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_terms_not_ticked_are_refused_and_nothing_is_saved(client, newcomer, consent_documents):
    client.force_login(newcomer)

    response = client.post(url("member_onboarding"), {"pseudonym": "Mama Beer"})

    assert response.context["form"].errors == {
        "accept_research_terms": ["To take part, accept the research participation terms."],
        "accept_privacy_notice": ["To take part, accept the privacy notice."],
    }
    assert 'value="Mama Beer"' in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""
    assert not ConsentRecord.objects.exists()


def test_onboarding_saves_nothing_when_a_document_disappears_meanwhile(newcomer, consent_documents):
    research_terms, privacy_notice = consent_documents
    privacy_notice.unpublish()

    with pytest.raises(ValidationError, match="niet meer in gebruik"):
        member_onboarding_complete(
            user=newcomer, pseudonym="Mama Beer", documents=[research_terms, privacy_notice]
        )

    assert newcomer.pseudonym == ""
    assert User.objects.get(pk=newcomer.pk).pseudonym == ""
    assert not ConsentRecord.objects.exists()


def test_onboarding_follows_a_safe_next_and_ignores_another_site(
    client, newcomer, consent_documents, project_page
):
    client.force_login(newcomer)
    data = {"pseudonym": "Mama Beer", **ACCEPT_ALL, "next": "https://elders.example/"}

    response = client.post(url("member_onboarding"), data)

    assert response["Location"] == url("member_dashboard")
    client.force_login(UserFactory(pseudonym=""))
    data = {"pseudonym": "Papa Beer", **ACCEPT_ALL, "next": project_page.get_url()}
    response = client.post(url("member_onboarding"), data)
    assert response["Location"] == project_page.get_url()


def test_onboarded_member_and_staff_are_sent_on_from_the_onboarding_page(
    client, member, researcher
):
    client.force_login(member)
    assert client.get(url("member_onboarding"))["Location"] == url("member_dashboard")

    client.force_login(researcher)
    assert client.get(url("member_onboarding"))["Location"] == url("member_dashboard")


def test_onboarding_page_asks_visitors_to_log_in(client):
    response = client.get(url("member_onboarding"))

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


# --- new versions ---------------------------------------------------------------------


def test_new_version_is_asked_at_the_next_visit_with_what_changed(
    client, member, consent_documents, home_page
):
    research_terms, _privacy_notice = consent_documents
    publish_new_version(research_terms, summary_en="We now also explain photos.")
    client.force_login(member)

    assert client.get("/")["Location"] == url("member_onboarding", "nl")
    assert not member_can_take_part(User.objects.get(pk=member.pk))

    page = client.get(url("member_onboarding"))
    html = page.content.decode()
    assert "We now also explain photos." in html
    assert 'name="pseudonym"' not in html
    assert "accept_research_terms" in html
    assert "accept_privacy_notice" not in html
    assert 'name="accept_research_terms" value="2"' in html

    response = client.post(url("member_onboarding"), {"accept_research_terms": "2"})

    assert response["Location"] == url("member_dashboard")
    assert client.get("/").status_code == HTTPStatus.OK
    latest = ConsentRecord.objects.filter(user=member, document=research_terms).latest_first()
    assert latest.first().version == 2
    assert User.objects.members().filter(pk=member.pk).exists()


def test_member_who_withdrew_can_join_again_through_onboarding(client, member):
    consent_withdraw(user=member)
    client.force_login(member)

    response = client.post(url("member_onboarding"), {"accept_research_terms": "1"})

    assert response["Location"] == url("member_dashboard")
    assert member_can_take_part(User.objects.get(pk=member.pk))


def test_a_version_published_while_reading_is_not_accepted_unseen(
    client, member, consent_documents
):
    research_terms, _privacy_notice = consent_documents
    client.force_login(member)
    consent_withdraw(user=member)
    read_version = str(research_terms.version)
    publish_new_version(research_terms)

    response = client.post(url("member_onboarding"), {"accept_research_terms": read_version})

    assert response.context["form"].errors == {
        "accept_research_terms": [
            "This text has changed since you opened the page. Read it, then accept it."
        ]
    }
    assert "checked" not in response.content.decode()
    assert not member_can_take_part(User.objects.get(pk=member.pk))


def test_demo_parents_skip_onboarding(client, home_page):
    call_command("seed_demo", stdout=StringIO())

    for email in ("ouder1@example.org", "ouder2@example.org"):
        parent = User.objects.get(email=email)
        assert parent.pseudonym
        assert User.objects.members().filter(pk=parent.pk).exists()
        client.force_login(parent)
        assert client.get("/").status_code == HTTPStatus.OK
    documents = ConsentDocument.objects.filter(live=True)
    assert {document.kind for document in documents} == {"research_terms", "privacy_notice"}
    for document in documents:
        assert document.version == 1
        assert document.title_en
        assert document.body_en


def test_newcomer_lands_on_the_open_projects_with_the_profile_as_an_invitation(
    client, newcomer, consent_documents, project_page
):
    client.force_login(newcomer)

    response = client.post(
        url("member_onboarding"), {"pseudonym": "Mama Beer", **ACCEPT_ALL}, follow=True
    )

    assert response.redirect_chain == [(url("member_dashboard"), HTTPStatus.FOUND)]
    html = response.content.decode()
    assert (
        "Welcome, \u2068Mama Beer\u2069! You can take part now. Your research profile can wait: "
        "fill it in later, when it suits you."
    ) in html
    assert html.index("Projects open to you") < html.index("Tell us a little more, if you like")
    assert "Sleeping" in html  # the project open to them, in the page's language
    assert "profile-form" not in html  # the long form is one click away, not in the way


def test_a_member_accepting_a_new_version_goes_back_to_the_dashboard(client, member):
    document = publish_new_version(ConsentDocument.objects.get(kind="research_terms"))
    client.force_login(member)

    response = client.post(url("member_onboarding"), {f"accept_{document.kind}": document.version})

    assert response["Location"] == url("member_dashboard")
