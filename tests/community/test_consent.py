"""Consent: accepting, withdrawing, new versions from the Wagtail admin, and the pages about it."""

import json
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from community.models import (
    ConsentDocument,
    ConsentRecord,
    Notification,
    NotificationKind,
    Role,
    User,
)
from community.services.consent import (
    ConsentState,
    consent_accept,
    consent_status,
    consent_withdraw,
    member_can_take_part,
)
from tests.community.factories import ConsentDocumentFactory, UserFactory, consent_accept_all
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

SNIPPET_LIST = "/admin/snippets/community/consentdocument/"


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def states(user: User) -> dict[str, ConsentState]:
    return {document.kind: state for document, state in consent_status(user=user).items()}


def publish_new_version(document: ConsentDocument) -> ConsentDocument:
    document.body = "<p>Nieuwe tekst.</p>"
    document.save_revision().publish()
    document.refresh_from_db()
    return document


# --- services -------------------------------------------------------------------------


def test_status_tells_never_accepted_outdated_and_withdrawn_apart(parent, consent_documents):
    research_terms, privacy_notice = consent_documents
    assert states(parent) == {
        "research_terms": ConsentState.NEVER,
        "privacy_notice": ConsentState.NEVER,
    }

    consent_accept_all(parent)
    assert set(states(parent).values()) == {ConsentState.ACCEPTED}

    publish_new_version(privacy_notice)
    consent_withdraw(user=parent)
    assert states(parent) == {
        "research_terms": ConsentState.WITHDRAWN,
        "privacy_notice": ConsentState.OUTDATED,
    }


def test_accepting_records_version_and_text_and_never_twice(parent, consent_documents):
    research_terms, _privacy_notice = consent_documents

    consent_accept(user=parent, documents=[research_terms])
    consent_accept(user=parent, documents=[research_terms])

    record = ConsentRecord.objects.get(user=parent)
    assert (record.document, record.version, record.action) == (research_terms, 1, "accepted")
    assert record.revision == research_terms.live_revision


def test_a_document_that_is_not_published_cannot_be_accepted(parent):
    draft = ConsentDocumentFactory(publish=False)

    with pytest.raises(ValidationError):
        consent_accept(user=parent, documents=[draft])
    assert not ConsentRecord.objects.exists()


def test_withdrawal_appends_a_record_and_stops_participation_at_once(member, consent_documents):
    research_terms, _privacy_notice = consent_documents
    assert member_can_take_part(User.objects.get(pk=member.pk))

    record = consent_withdraw(user=member)

    assert (record.document, record.version, record.action) == (research_terms, 1, "withdrawn")
    assert ConsentRecord.objects.filter(user=member).count() == 3  # the acceptances stay
    assert not member_can_take_part(User.objects.get(pk=member.pk))
    assert not User.objects.members().filter(pk=member.pk).exists()
    assert states(member)["privacy_notice"] == ConsentState.ACCEPTED


def test_withdrawing_without_research_consent_is_refused(parent, consent_documents):
    with pytest.raises(ValidationError, match="niets om in te trekken"):
        consent_withdraw(user=parent)
    assert not ConsentRecord.objects.exists()


def test_staff_do_not_take_part_as_parents(consent_documents):
    researcher = UserFactory(pseudonym="Onderzoeker", roles=[Role.RESEARCHER])
    consent_accept_all(researcher)

    assert not member_can_take_part(User.objects.get(pk=researcher.pk))


# --- versions ---------------------------------------------------------------------------


def test_each_publication_is_a_new_version_and_a_draft_is_not(consent_documents):
    research_terms, _privacy_notice = consent_documents
    assert research_terms.version == 1

    research_terms.body = "<p>Concept.</p>"
    research_terms.save_revision()
    research_terms.refresh_from_db()
    assert research_terms.version == 1

    publish_new_version(research_terms)
    assert research_terms.version == 2


def test_publishing_an_old_revision_again_still_counts_up(consent_documents):
    research_terms, _privacy_notice = consent_documents
    first = research_terms.live_revision
    publish_new_version(research_terms)

    first.publish()

    research_terms.refresh_from_db()
    assert research_terms.version == 3


def test_members_who_accepted_an_earlier_version_are_told_about_the_new_one(
    member, other_parent, consent_documents
):
    research_terms, _privacy_notice = consent_documents
    quitter = UserFactory()
    consent_accept_all(quitter)
    consent_withdraw(user=quitter)
    assert not Notification.objects.exists()

    publish_new_version(research_terms)

    notification = Notification.objects.get()
    assert notification.recipient == member
    assert notification.kind == NotificationKind.CONSENT_UPDATE
    assert notification.params["title"] == {
        "nl": research_terms.title,
        "en": research_terms.title_en,
    }
    assert notification.url == url("consent_document", "nl", kind="research_terms")


# --- pages ------------------------------------------------------------------------------


def test_document_page_shows_the_published_version_in_each_language(client, consent_documents):
    research_terms, _privacy_notice = consent_documents
    research_terms.body = "<p>Nog niet gepubliceerd.</p>"
    research_terms.save_revision()

    dutch = client.get(url("consent_document", "nl", kind="research_terms")).content.decode()
    english = client.get(url("consent_document", kind="research_terms")).content.decode()

    assert "Onderzoeksvoorwaarden" in dutch
    assert "Wat meedoen betekent." in dutch
    assert "Nog niet gepubliceerd." not in dutch
    assert "Research terms" in english
    assert "What taking part means." in english
    assert "Version 1" in english
    assert research_terms.last_published_at.strftime("%Y") in english


@pytest.mark.parametrize("kind", ["unknown", "research_terms"])
def test_document_page_is_not_found_for_an_unknown_or_unpublished_text(client, kind):
    ConsentDocumentFactory(kind="research_terms", publish=False)

    response = client.get(url("consent_document", kind=kind))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_overview_shows_what_was_accepted_when_and_the_history(client, member, consent_documents):
    publish_new_version(consent_documents[1])
    client.force_login(member)

    response = client.get(url("consent_overview"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Research terms" in html
    assert "Accepted" in html
    assert "A new version is waiting for you" in html
    assert "Privacy notice, version 1: accepted" in html
    assert f'href="{url("consent_withdraw")}"' in html


def test_overview_offers_to_join_again_after_withdrawal(client, member):
    consent_withdraw(user=member)
    client.force_login(member)

    html = client.get(url("consent_overview")).content.decode()

    assert "You withdrew your research consent." in html
    assert f'href="{url("member_onboarding")}"' in html
    assert f'href="{url("consent_withdraw")}"' not in html
    assert "Research terms, version 1: withdrawn" in html


def test_withdraw_page_explains_what_happens_before_anything_changes(client, member):
    client.force_login(member)

    response = client.get(url("consent_withdraw"))

    html = response.content.decode()
    assert "You stop taking part at once." in html
    assert "stays in the research data, under your pseudonym" in html
    assert f'href="{url("account_delete")}"' in html
    assert "join again" in html
    assert member_can_take_part(User.objects.get(pk=member.pk))


def test_withdrawing_stops_participation_and_a_second_try_changes_nothing(client, member):
    client.force_login(member)

    response = client.post(url("consent_withdraw"), follow=True)

    assert response.redirect_chain == [(url("consent_overview"), HTTPStatus.FOUND)]
    assert "You have withdrawn your consent." in response.content.decode()
    assert not User.objects.members().filter(pk=member.pk).exists()

    again = client.post(url("consent_withdraw"), follow=True)
    assert "You are not taking part in the research at the moment." in again.content.decode()
    assert ConsentRecord.objects.filter(user=member, action="withdrawn").count() == 1


# --- permission matrices ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_read_the_terms(client_for_role, consent_documents, role):
    client = client_for_role(role)

    response = client.get(url("consent_document", kind="privacy_notice"))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", ROLES)
def test_consent_overview_matrix(client_for_role, consent_documents, role):
    client = client_for_role(role)

    response = client.get(url("consent_overview"))

    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("parent", "confirm"),
        ("other_parent", "confirm"),
        ("moderator", "nothing to withdraw"),
        ("researcher", "nothing to withdraw"),
        ("admin", "nothing to withdraw"),
    ],
)
def test_consent_withdraw_matrix(client_for_role, user_for_role, consent_documents, role, expected):
    user = user_for_role(role)
    if user is not None and not user.is_staff_member:
        consent_accept_all(user)
    client = client_for_role(role)

    response = client.get(url("consent_withdraw"))

    if expected == "confirm":
        assert response.status_code == HTTPStatus.OK
    elif expected == "login":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response["Location"] == url("consent_overview")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("parent", False),
        ("other_parent", False),
        ("moderator", False),
        ("researcher", False),
        ("admin", True),
    ],
)
def test_only_administrators_edit_and_publish_the_terms_in_the_admin(
    client_for_role, consent_documents, role, allowed
):
    research_terms, _privacy_notice = consent_documents
    client = client_for_role(role)
    edit_url = f"{SNIPPET_LIST}edit/{research_terms.pk}/"

    listing = client.get(SNIPPET_LIST)
    response = client.post(edit_url, snippet_form_data(research_terms, "Nieuwe tekst."))

    research_terms.refresh_from_db()
    if allowed:
        assert listing.status_code == HTTPStatus.OK
        assert client.get(edit_url).status_code == HTTPStatus.OK
        assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
        assert research_terms.version == 2
        assert "Nieuwe tekst." in research_terms.body
    else:
        assert listing.status_code != HTTPStatus.OK
        assert research_terms.version == 1
        assert "Nieuwe tekst." not in research_terms.body


def snippet_form_data(document: ConsentDocument, text: str) -> dict:
    """What the admin's edit form posts when an administrator presses Publish."""

    def rich_text(value: str) -> str:
        block = {
            "key": "a1b2c",
            "type": "unstyled",
            "text": value,
            "depth": 0,
            "inlineStyleRanges": [],
            "entityRanges": [],
        }
        return json.dumps({"blocks": [block], "entityMap": {}})

    return {
        "kind": document.kind,
        "title": document.title,
        "body": rich_text(text),
        "title_en": document.title_en,
        "body_en": rich_text("New text."),
        "change_summary": "Nieuwe tekst.",
        "change_summary_en": "New text.",
        "action-publish": "action-publish",
    }


def test_a_text_members_accepted_cannot_be_deleted_in_the_admin(
    client_for_role, member, consent_documents
):
    research_terms, privacy_notice = consent_documents
    ConsentRecord.objects.filter(document=privacy_notice).delete()
    client = client_for_role("admin")

    refused = client.post(f"{SNIPPET_LIST}delete/{research_terms.pk}/", follow=True)
    deleted = client.post(f"{SNIPPET_LIST}delete/{privacy_notice.pk}/")

    assert refused.redirect_chain[-1][0] == SNIPPET_LIST
    assert "bewijs van toestemming en kan niet" in refused.content.decode()
    assert ConsentDocument.objects.filter(pk=research_terms.pk).exists()
    assert deleted.status_code == HTTPStatus.FOUND
    assert not ConsentDocument.objects.filter(pk=privacy_notice.pk).exists()
