"""Download my data: every model that can hold a member's data is exported or excluded."""

import io
import json
import zipfile
from collections import defaultdict
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from community.models import (
    ConsentDocument,
    ConsentKind,
    ConsentRecord,
    MemberProfile,
    Notification,
    NotificationPreference,
    Segment,
)
from community.models.profiles import month_start, months_added
from community.personal_data import EXCLUDED, SOURCES
from community.services.personal_data import personal_data_export
from tests.community.factories import UserFactory, totp_activate
from tests.projects.factories import PostFactory, ReactionFactory

pytestmark = pytest.mark.django_db


def relations_to_user() -> dict[str, list[str]]:
    """Every model whose rows can point at a user: "app_label.Model" → how.

    Foreign keys and one-to-ones, many-to-many relations (as their through model, e.g.
    community.Segment_invited_members and community.User_groups), and generic relations
    (a content type plus an object id, as in Wagtail's and Django's log entries).
    """
    user_model = get_user_model()
    found: dict[str, list[str]] = defaultdict(list)
    for model in apps.get_models(include_auto_created=True):
        options = model._meta
        if options.proxy:
            continue
        for field in options.local_fields:
            if field.is_relation and field.related_model is user_model:
                found[options.label].append(field.name)
        for field in options.local_many_to_many:
            if field.related_model is user_model:
                through = field.remote_field.through._meta.label
                found[through].append(f"{options.label}.{field.name}")
        points_at_any_model = any(
            field.is_relation and field.related_model is ContentType
            for field in options.local_fields
        )
        object_ids = [
            field.name
            for field in options.local_fields
            if field.name == "object_id" or field.name.endswith("_object_id")
        ]
        generic = [
            field.name for field in options.private_fields if isinstance(field, GenericForeignKey)
        ]
        if generic or (points_at_any_model and object_ids):
            found[options.label].append(f"generic: {', '.join(generic or object_ids)}")
    return dict(found)


def covered_models() -> set[str]:
    return {label for source in SOURCES.values() for label in source.models}


def test_the_walk_finds_foreign_keys_many_to_many_and_generic_relations():
    found = relations_to_user()
    assert "author" in found["projects.Post"]
    assert "community.Segment.invited_members" in found["community.Segment_invited_members"]
    assert "user" in found["community.User_groups"]
    assert "user" in found["community.User_user_permissions"]
    assert any(how.startswith("generic") for how in found["wagtailcore.ModelLogEntry"])
    assert any(how.startswith("generic") for how in found["admin.LogEntry"])


def test_every_model_related_to_the_user_is_exported_or_excluded_with_a_reason():
    covered = covered_models()
    missing = {
        label: how
        for label, how in relations_to_user().items()
        if label not in covered and label not in EXCLUDED
    }
    assert not missing, (
        "Register these in a personal-data source (community/personal_data.py) or exclude "
        f"them with a reason: {missing}"
    )


def test_registered_and_excluded_models_exist_and_do_not_overlap():
    covered = covered_models()
    for label in covered | set(EXCLUDED):
        apps.get_model(label)  # raises LookupError for a stale or misspelt entry
    assert not covered & set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert "community.User" in covered


def test_projects_registers_its_own_sources():
    assert SOURCES["posts"].models == ("projects.Post",)
    assert SOURCES["posts"].erase is not None
    assert SOURCES["reactions"].models == ("projects.Reaction",)


@pytest.fixture
def member(db):
    return UserFactory(
        email="lid@example.org", pseudonym="Zonnebloem", first_name="An", last_name="Peeters"
    )


@pytest.fixture
def full_member(member, topic_page, other_parent):
    """A member with a row in every source."""
    terms = ConsentDocument.objects.create(
        kind=ConsentKind.RESEARCH_TERMS, title="Voorwaarden", body="<p>x</p>", live=True, version=1
    )
    ConsentRecord.objects.create(user=member, document=terms, version=1, action="accepted")
    profile = MemberProfile.objects.create(user=member, province="antwerpen")
    profile.children.create(month=months_added(month_start(), -5))
    profile.children.create(month=months_added(month_start(), 2))
    profile.home_languages.create(language="ar")
    Notification.objects.create(
        recipient=member,
        actor=other_parent,
        kind="reply",
        params={"title": {"nl": "Eerste nacht", "en": "First night"}},
        url="/projecten/slapen/",
    )
    NotificationPreference.objects.create(user=member, kind="reply", frequency="never")
    segment = Segment.objects.create(name="Proefgroep slapen")
    segment.invited_members.add(member)
    segment.save()  # a ParentalManyToManyField writes its rows on save
    member.totp_secret = totp_activate(member)
    UserSession.objects.create(
        user=member, ip="192.0.2.7", user_agent="Testbrowser/1.0", session_key="sleutel-1"
    )
    answer = PostFactory(
        topic=topic_page, author=member, body="<p>Tom &amp; Jerry &lt;script&gt;</p>"
    )
    ReactionFactory(post=PostFactory(topic=topic_page, author=other_parent), user=member)
    PostFactory(parent=answer, author=other_parent, body="<p>Herkenbaar!</p>")
    return member


def unzip(archive: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        assert sorted(files.namelist()) == ["data.json", "index.html"]
        return json.loads(files.read("data.json")), files.read("index.html").decode()


def test_export_holds_every_section_of_a_member(full_member):
    data, page = unzip(personal_data_export(user=full_member))

    assert set(SOURCES) <= set(data)
    account = data["account"][0]
    assert account["email"] == "lid@example.org"
    assert account["pseudonym"] == "Zonnebloem"
    assert account["language"]["code"] == "nl"
    assert account["date_joined"]
    profile = data["profile"][0]
    assert [child["expecting"] for child in profile["children"]] == [False, True]
    assert profile["children"][0]["age_band"]["code"] == "0-1"
    assert [band["code"] for band in profile["age_bands"]] == ["expecting", "0-1"]
    assert profile["province"]["code"] == "antwerpen"
    assert profile["languages"][0]["code"] == "ar"
    assert data["consent"][0]["action"]["code"] == "accepted"
    assert data["notifications"][0]["text"]
    assert data["notification_preferences"][0]["frequency"]["code"] == "never"
    assert data["segments"] == [{"segment": "Proefgroep slapen"}]
    assert data["email_addresses"][0] == {
        "email": "lid@example.org",
        "primary": True,
        "verified": True,
    }
    assert {row["type"]["code"] for row in data["two_factor"]} == {"totp", "recovery_codes"}
    assert data["sessions"][0]["ip"] == "192.0.2.7"
    assert data["sessions"][0]["user_agent"] == "Testbrowser/1.0"
    assert [post["text"] for post in data["posts"]] == ["Tom & Jerry <script>"]
    assert len(data["reactions"]) == 1

    assert "Zonnebloem" in page
    assert "lid@example.org" in page


def test_export_never_holds_two_factor_secrets(full_member):
    archive = personal_data_export(user=full_member)
    data, page = unzip(archive)
    assert full_member.totp_secret not in json.dumps(data)
    assert full_member.totp_secret not in page
    for authenticator in Authenticator.objects.filter(user=full_member):
        for value in authenticator.data.values():
            if isinstance(value, str) and len(value) > 8:
                assert value not in json.dumps(data)
                assert value not in page


def test_export_holds_nothing_of_other_members(full_member, other_parent):
    data, page = unzip(personal_data_export(user=full_member))
    assert "Herkenbaar!" not in json.dumps(data, ensure_ascii=False)
    assert other_parent.email not in page
    assert other_parent.email not in json.dumps(data)


def test_readable_page_escapes_what_members_wrote_and_loads_nothing_from_elsewhere(full_member):
    _data, page = unzip(personal_data_export(user=full_member))
    assert "Tom &amp; Jerry &lt;script&gt;" in page
    assert "<script" not in page
    for external in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert external not in page
    assert page.startswith("<!DOCTYPE html>")


def test_readable_page_is_in_the_members_language(full_member):
    with translation.override("en"):
        _data, page = unzip(personal_data_export(user=full_member))
    assert '<html lang="en">' in page
    assert "Research profile" in page


def test_export_of_a_new_account_has_empty_sections(member):
    data, page = unzip(personal_data_export(user=member))
    assert data["profile"] == []
    assert data["posts"] == []
    assert data["format_version"] == 1
    assert page.count("<h2>") == len(SOURCES)


def test_data_page_explains_what_is_in_the_download(client, member):
    client.force_login(member)
    response = client.get(reverse("personal_data"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'action="{reverse("personal_data_download")}"' in html
    assert 'method="post"' in html
    for source in SOURCES.values():
        assert str(source.title()) in html


def test_download_returns_a_zip_attachment_not_kept_in_caches(client, full_member):
    client.force_login(full_member)
    response = client.post(reverse("personal_data_download"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    expected = f'attachment; filename="meet-the-parents-{timezone.localdate():%Y-%m-%d}.zip"'
    assert response["Content-Disposition"] == expected
    assert "no-store" in response["Cache-Control"]
    data, _page = unzip(response.content)
    assert data["account"][0]["email"] == full_member.email


def test_download_needs_a_post(client, member):
    client.force_login(member)
    assert client.get(reverse("personal_data_download")).status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED
    )


def test_download_needs_a_login(client):
    response = client.post(reverse("personal_data_download"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_download_needs_the_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("personal_data_download")).status_code == HTTPStatus.FORBIDDEN
