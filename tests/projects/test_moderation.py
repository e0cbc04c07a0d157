"""The moderation queue and decisions: who may moderate, what each decision does, who hears."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from wagtail.models import ModelLogEntry

from community.models import Notification, NotificationKind, Role
from projects.models import (
    Flag,
    FlagReason,
    HoldReason,
    ModerationAction,
    ModerationDecision,
    Post,
    PostStatus,
)
from projects.moderation_admin import moderation_queue_posts
from projects.services.moderation import flag_create, moderation_decide
from tests.community.factories import UserFactory, consent_accept_all
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import ModerationPostFactory, TopicPageFactory

pytestmark = pytest.mark.django_db

QUEUE_URL = "/admin/moderation/"


@pytest.fixture(autouse=True)
def _members(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def flagged_post(topic_page, other_parent, parent):
    post = ModerationPostFactory(topic=topic_page, author=other_parent, text="Een grof antwoord")
    flag_create(user=parent, post=post, reason=FlagReason.DISRESPECTFUL, text="Scheldwoorden")
    return post


@pytest.fixture
def pending_post(topic_page, other_parent):
    return ModerationPostFactory(
        topic=topic_page,
        author=other_parent,
        text="Bel me op 0470 12 34 56",
        status=PostStatus.PENDING,
        held_for=HoldReason.PERSONAL_DATA,
    )


def moderation_notifications():
    # Publishing a topic notifies its audience too; these tests look at decisions only.
    return Notification.objects.filter(kind=NotificationKind.MODERATION)


def decide(client, post, action, **fields):
    return client.post(QUEUE_URL, {"post": post.pk, "action": action, **fields})


# --- permissions ---


def test_moderators_and_administrators_hold_the_moderation_permission(
    moderator, admin_user, researcher, team_lead, complaints_officer, parent
):
    assert (
        Group.objects.get(name=Role.MODERATOR).permissions.filter(codename="moderate_post").exists()
    )
    assert moderator.has_perm("projects.moderate_post")
    assert admin_user.has_perm("projects.moderate_post")
    for user in (researcher, team_lead, complaints_officer, parent):
        assert not user.has_perm("projects.moderate_post")


QUEUE_ALLOWED = {"moderator", "admin"}


@pytest.mark.parametrize("role", [*ROLES, "team_lead", "complaints_officer"])
def test_queue_is_for_moderators_and_administrators_only(client_for_role, role, flagged_post):
    response = client_for_role(role).get(QUEUE_URL)
    if role in QUEUE_ALLOWED:
        assert response.status_code == HTTPStatus.OK
        assert "Een grof antwoord" in response.content.decode()
    else:
        # Wagtail answers a refusal by sending the user away (login, or the admin home).
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert b"Een grof antwoord" not in response.content


@pytest.mark.parametrize("role", [*ROLES, "team_lead", "complaints_officer"])
@pytest.mark.parametrize(
    ("action", "fields"),
    [
        (ModerationAction.APPROVE, {}),
        (ModerationAction.HIDE, {"reason": "Niet respectvol"}),
        (ModerationAction.NOTE, {"note": "Houden we in het oog"}),
    ],
)
def test_only_moderators_and_administrators_decide(
    client_for_role, role, action, fields, flagged_post
):
    response = decide(client_for_role(role), flagged_post, action, **fields)
    decided = ModerationDecision.objects.filter(post=flagged_post, action=action).exists()
    assert decided is (role in QUEUE_ALLOWED)
    if role in QUEUE_ALLOWED:
        assert response.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize("role", ["parent", "researcher", "team_lead"])
def test_restore_is_refused_to_others(client_for_role, role, flagged_post, moderator):
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Grof")
    decide(client_for_role(role), flagged_post, ModerationAction.RESTORE)
    flagged_post.refresh_from_db()
    assert flagged_post.status == PostStatus.HIDDEN


@pytest.mark.parametrize("user_fixture", ["researcher", "parent", "team_lead"])
def test_moderation_decide_refuses_users_without_the_permission(
    request, user_fixture, flagged_post
):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(PermissionDenied):
        moderation_decide(moderator=user, post=flagged_post, action="hide", reason="Weg")
    assert not ModerationDecision.objects.exists()


def test_menu_shows_moderation_to_moderators_only(client_for_role):
    assert QUEUE_URL in client_for_role("moderator").get("/admin/").content.decode()


def test_menu_hides_moderation_from_researchers(client_for_role):
    assert QUEUE_URL not in client_for_role("researcher").get("/admin/").content.decode()


# --- the queue ---


def test_queue_lists_pending_and_flagged_posts_oldest_first_with_their_context(
    client_for_role, topic_page, project_page, parent, other_parent, third_parent
):
    answer = ModerationPostFactory(topic=topic_page, author=other_parent, text="Eerste antwoord")
    reply = ModerationPostFactory(parent=answer, author=third_parent, text="Een reactie")
    held = ModerationPostFactory(
        topic=topic_page,
        author=parent,
        text="Wachtend",
        status=PostStatus.PENDING,
        held_for=HoldReason.PRE_MODERATION,
    )
    ModerationPostFactory(topic=topic_page, author=parent, text="Niets aan de hand")
    flag_create(user=parent, post=reply, reason=FlagReason.OTHER, text="Klopt niet")
    flag_create(user=other_parent, post=reply, reason=FlagReason.SPAM)

    assert list(moderation_queue_posts()) == [held, reply]

    response = client_for_role("moderator").get(QUEUE_URL)
    content = response.content.decode()
    assert "Niets aan de hand" not in content
    assert content.index("Wachtend") < content.index("Een reactie")
    for expected in (
        topic_page.title,
        project_page.title,
        "Eerste antwoord",  # the parent post of the reply
        third_parent.pseudonym,
        "Klopt niet",
        str(FlagReason.SPAM.label),
        str(HoldReason.PRE_MODERATION.label),
    ):
        assert expected in content


def test_queue_shows_earlier_decisions_and_notes(client_for_role, flagged_post, moderator):
    moderation_decide(
        moderator=moderator, post=flagged_post, action="note", note="Tweede keer deze week"
    )
    content = client_for_role("moderator").get(QUEUE_URL).content.decode()
    assert "Tweede keer deze week" in content


def test_queue_orders_flagged_posts_by_their_first_open_flag(
    topic_page, parent, other_parent, third_parent
):
    older = ModerationPostFactory(topic=topic_page, author=other_parent)
    newer = ModerationPostFactory(topic=topic_page, author=third_parent)
    flag_create(user=parent, post=newer, reason=FlagReason.SPAM)
    flag_create(user=parent, post=older, reason=FlagReason.SPAM)
    assert list(moderation_queue_posts()) == [newer, older]


def test_queue_leaves_out_posts_removed_by_their_author(flagged_post):
    from django.utils import timezone

    Post.objects.filter(pk=flagged_post.pk).update(removed_at=timezone.now())
    assert list(moderation_queue_posts()) == []


def test_hidden_tab_lists_hidden_posts_to_restore(client_for_role, flagged_post, moderator):
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Grof")
    client = client_for_role("moderator")
    assert "Een grof antwoord" not in client.get(QUEUE_URL).content.decode()
    content = client.get(f"{QUEUE_URL}?show=hidden").content.decode()
    assert "Een grof antwoord" in content
    assert "Grof" in content


@pytest.mark.parametrize("tab", ["", "?show=hidden"])
def test_queue_runs_the_same_number_of_queries_for_5_and_50_posts(
    client_for_role, django_assert_num_queries, topic_page, parent, moderator, tab
):
    client = client_for_role("moderator")
    client.get(QUEUE_URL + tab)  # warm the session and Wagtail's caches

    def fill(count: int) -> None:
        authors = [UserFactory() for _ in range(3)]
        for number in range(count):
            answer = ModerationPostFactory(topic=topic_page, author=authors[number % 3])
            post = ModerationPostFactory(parent=answer, author=authors[(number + 1) % 3])
            flag_create(user=parent, post=post, reason=FlagReason.OTHER, text=f"Reden {number}")
            moderation_decide(moderator=moderator, post=post, action="note", note="Opgevolgd")
            if tab:
                moderation_decide(moderator=moderator, post=post, action="hide", reason="Weg")

    fill(5)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE_URL + tab)
    assert len(response.context["page"].object_list) == 5

    fill(45)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE_URL + tab)
    assert len(response.context["page"].object_list) == 20  # one page of the 50


QUEUE_QUERIES = 13  # 4 for the queue itself; the rest is the admin's permissions and menu


def test_queue_paginates(client_for_role, topic_page, parent, other_parent):
    for _number in range(25):
        post = ModerationPostFactory(topic=topic_page, author=other_parent)
        flag_create(user=parent, post=post, reason=FlagReason.SPAM)
    client = client_for_role("moderator")
    assert len(client.get(QUEUE_URL).context["page"].object_list) == 20
    assert len(client.get(f"{QUEUE_URL}?p=2").context["page"].object_list) == 5


# --- flows ---


def test_flag_then_hide_tells_the_author_why_and_hides_the_post_from_others(
    client, client_for_role, flagged_post, parent, other_parent, third_parent, topic_page
):
    moderator_client = client_for_role("moderator")
    response = decide(
        moderator_client,
        flagged_post,
        ModerationAction.HIDE,
        reason="Scheldwoorden horen hier niet",
    )
    assert response.status_code == HTTPStatus.FOUND

    flagged_post.refresh_from_db()
    assert flagged_post.status == PostStatus.HIDDEN
    assert flagged_post.hidden_reason == "Scheldwoorden horen hier niet"
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()

    notification = moderation_notifications().get(recipient=other_parent)
    assert notification.url == f"{dutch_url(topic_page)}#post-{flagged_post.pk}"
    assert notification.actor is None  # neither the moderator nor the flagger is named
    assert not moderation_notifications().exclude(recipient=other_parent).exists()

    for member in (parent, third_parent):
        assert not Post.objects.visible_to(member).filter(pk=flagged_post.pk).exists()
    assert Post.objects.visible_to(other_parent).filter(pk=flagged_post.pk).exists()


def test_author_sees_the_reason_on_their_hidden_post(flagged_post, moderator, other_parent):
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Geen reclame")
    flagged_post.refresh_from_db()
    html = status_render(flagged_post, other_parent)
    assert "Geen reclame" in html
    assert status_render(flagged_post, UserFactory()).strip() == ""


def test_topic_page_shows_the_author_their_hidden_post_with_the_reason(
    client, flagged_post, moderator, other_parent, parent, topic_page
):
    moderation_decide(
        moderator=moderator, post=flagged_post, action="hide", reason="Geen scheldwoorden"
    )
    client.force_login(other_parent)
    content = client.get(dutch_url(topic_page)).content.decode()
    assert "Een grof antwoord" in content
    assert "Geen scheldwoorden" in content

    client.force_login(parent)
    content = client.get(dutch_url(topic_page)).content.decode()
    assert "Een grof antwoord" not in content
    assert "Geen scheldwoorden" not in content


def test_pending_post_approved_becomes_visible_and_the_author_is_told(
    client_for_role, pending_post, parent, other_parent
):
    assert not Post.objects.visible_to(parent).filter(pk=pending_post.pk).exists()
    response = decide(client_for_role("moderator"), pending_post, ModerationAction.APPROVE)
    assert response.status_code == HTTPStatus.FOUND

    pending_post.refresh_from_db()
    assert (pending_post.status, pending_post.held_for) == (PostStatus.PUBLISHED, "")
    assert Post.objects.visible_to(parent).filter(pk=pending_post.pk).exists()
    assert moderation_notifications().filter(recipient=other_parent).count() == 1


def test_approving_a_held_post_sends_the_notifications_it_held_back(
    monkeypatch, pending_post, moderator
):
    import projects.services.moderation as moderation_services

    released = []
    monkeypatch.setattr(moderation_services, "post_published_notify", released.append)
    moderation_decide(moderator=moderator, post=pending_post, action="approve")
    assert [post.pk for post in released] == [pending_post.pk]


def test_approving_a_held_reply_tells_the_parent_author_about_the_reply(
    topic_page, parent, other_parent, moderator
):
    answer = ModerationPostFactory(topic=topic_page, author=parent)
    reply = ModerationPostFactory(
        parent=answer,
        author=other_parent,
        status=PostStatus.PENDING,
        held_for=HoldReason.PRE_MODERATION,
    )
    replies = Notification.objects.filter(kind=NotificationKind.REPLY, recipient=parent)
    assert not replies.exists()
    moderation_decide(moderator=moderator, post=reply, action="approve")
    assert replies.count() == 1


def test_keeping_a_flagged_post_closes_its_flags_without_telling_the_author(
    flagged_post, moderator, other_parent
):
    moderation_decide(moderator=moderator, post=flagged_post, action="approve")
    flagged_post.refresh_from_db()
    assert flagged_post.status == PostStatus.PUBLISHED
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert not moderation_notifications().filter(recipient=other_parent).exists()
    assert list(moderation_queue_posts()) == []


def test_hide_then_restore_makes_the_post_visible_again(
    client_for_role, flagged_post, parent, other_parent
):
    client = client_for_role("moderator")
    decide(client, flagged_post, ModerationAction.HIDE, reason="Te grof")
    response = decide(client, flagged_post, ModerationAction.RESTORE)
    assert response.status_code == HTTPStatus.FOUND

    flagged_post.refresh_from_db()
    assert (flagged_post.status, flagged_post.hidden_reason) == (PostStatus.PUBLISHED, "")
    assert Post.objects.visible_to(parent).filter(pk=flagged_post.pk).exists()
    assert moderation_notifications().filter(recipient=other_parent).count() == 2
    assert list(
        ModerationDecision.objects.filter(post=flagged_post).values_list("action", flat=True)
    ) == [ModerationAction.RESTORE, ModerationAction.HIDE]


def test_hiding_a_pending_post_rejects_it(pending_post, moderator, parent):
    moderation_decide(moderator=moderator, post=pending_post, action="hide", reason="Privé")
    pending_post.refresh_from_db()
    assert pending_post.status == PostStatus.HIDDEN
    assert not Post.objects.visible_to(parent).filter(pk=pending_post.pk).exists()


def test_note_stays_private_to_the_moderators(
    client_for_role, flagged_post, moderator, other_parent
):
    moderation_decide(
        moderator=moderator,
        post=flagged_post,
        action="hide",
        reason="Respect voor elkaar",
        note="Derde keer, in het oog houden",
    )
    moderation_decide(moderator=moderator, post=flagged_post, action="note", note="Geheim")

    notification = moderation_notifications().get(recipient=other_parent)
    for language in ("nl", "en"):
        from django.utils import translation

        with translation.override(language):
            text = f"{notification.text} {notification.title} {notification.url}"
        assert "Derde keer" not in text
        assert "Geheim" not in text

    flagged_post.refresh_from_db()
    html = status_render(flagged_post, other_parent)
    assert "Respect voor elkaar" in html
    assert "Derde keer" not in html and "Geheim" not in html

    assert "Geheim" in client_for_role("moderator").get(f"{QUEUE_URL}?show=hidden").content.decode()


def test_note_changes_nothing_for_the_post_or_its_flags(flagged_post, moderator, other_parent):
    moderation_decide(moderator=moderator, post=flagged_post, action="note", note="Bekijken")
    flagged_post.refresh_from_db()
    assert flagged_post.status == PostStatus.PUBLISHED
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1
    assert not moderation_notifications().exists()


def test_every_decision_is_audited(flagged_post, moderator):
    moderation_decide(moderator=moderator, post=flagged_post, action="note", note="Kijken")
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Grof")
    moderation_decide(moderator=moderator, post=flagged_post, action="restore")

    decisions = list(
        ModerationDecision.objects.filter(post=flagged_post).order_by("created_at", "pk")
    )
    assert [(d.moderator, d.action, d.reason, d.note) for d in decisions] == [
        (moderator, ModerationAction.NOTE, "", "Kijken"),
        (moderator, ModerationAction.HIDE, "Grof", ""),
        (moderator, ModerationAction.RESTORE, "", ""),
    ]
    assert all(decision.created_at for decision in decisions)

    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_id=str(flagged_post.pk)
    ).order_by("timestamp", "pk")
    assert [(entry.action, entry.user_id) for entry in entries] == [
        ("projects.post_noted", moderator.pk),
        ("projects.post_hidden", moderator.pk),
        ("projects.post_restored", moderator.pk),
    ]


def test_author_of_an_erased_account_gets_no_notification(flagged_post, moderator):
    flagged_post.author.delete()
    flagged_post.refresh_from_db()
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Grof")
    assert not moderation_notifications().exists()


# --- bad input ---


def test_hide_without_a_reason_is_refused_and_the_note_is_kept(client_for_role, flagged_post):
    response = decide(
        client_for_role("moderator"),
        flagged_post,
        ModerationAction.HIDE,
        reason="   ",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["failed_form"].errors["reason"]
    flagged_post.refresh_from_db()
    assert flagged_post.status == PostStatus.PUBLISHED
    assert not ModerationDecision.objects.exists()


def test_an_empty_hide_reason_gets_our_own_dutch_message_not_the_browsers(
    client_for_role, flagged_post
):
    """The browser's "Please fill out this field" bubble speaks the browser's language: the
    queue's forms leave the check to the server, which answers in Dutch next to the field."""
    client = client_for_role("moderator")
    html = client.get(QUEUE_URL).content.decode()
    hide_reason = html.split(f'id="hide-reason-{flagged_post.pk}"', 1)[1].split(">", 1)[0]
    assert " required" not in hide_reason and 'aria-required="true"' in hide_reason
    assert html.count('<form method="post" novalidate>') == html.count('<form method="post"')

    response = decide(client, flagged_post, ModerationAction.HIDE, reason="")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    message = "Vertel de schrijver waarom de bijdrage verborgen is."
    assert f'<p class="error-message" id="hide-error-{flagged_post.pk}">{message}</p>' in html
    assert f'aria-describedby="hide-error-{flagged_post.pk}"' in html


def test_empty_note_is_refused(client_for_role, flagged_post):
    response = decide(client_for_role("moderator"), flagged_post, ModerationAction.NOTE)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ModerationDecision.objects.exists()


def test_hide_reason_typed_is_kept_when_the_decision_fails(
    client_for_role, flagged_post, moderator
):
    moderation_decide(moderator=moderator, post=flagged_post, action="hide", reason="Eerst")
    # A second moderator, with an old page, hides the same post again.
    response = decide(
        client_for_role("admin"), flagged_post, ModerationAction.HIDE, reason="Mijn reden"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (
        "Mijn reden" in response.content.decode()
        or response.context["failed_form"].data["reason"] == "Mijn reden"
    )
    assert ModerationDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PostStatus.PUBLISHED, "restore"),
        (PostStatus.HIDDEN, "approve"),
        (PostStatus.HIDDEN, "hide"),
    ],
)
def test_decisions_that_do_not_fit_the_post_status_are_refused(
    topic_page, other_parent, moderator, status, action
):
    post = ModerationPostFactory(topic=topic_page, author=other_parent, status=status)
    with pytest.raises(ValidationError) as error:
        moderation_decide(moderator=moderator, post=post, action=action, reason="x")
    assert error.value.code == "status_changed"


def test_unknown_action_and_unknown_post_are_refused(client_for_role, flagged_post):
    client = client_for_role("moderator")
    assert decide(client, flagged_post, "delete").status_code == HTTPStatus.BAD_REQUEST
    response = client.post(QUEUE_URL, {"post": 999999, "action": "approve"})
    assert response.status_code == HTTPStatus.FOUND
    assert not ModerationDecision.objects.exists()


def test_pending_post_tells_its_author_why_it_waits(pending_post, other_parent, parent):
    html = status_render(pending_post, other_parent)
    assert "e-mail" in html or "telefoon" in html
    assert status_render(pending_post, parent).strip() == ""


def test_pre_moderated_post_tells_its_author_a_moderator_reads_first(topic_page, other_parent):
    post = ModerationPostFactory(
        topic=topic_page,
        author=other_parent,
        status=PostStatus.PENDING,
        held_for=HoldReason.PRE_MODERATION,
    )
    assert "moderator" in status_render(post, other_parent)


def status_render(post: Post, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("projects/includes/post_status.html", {"post": post}, request)


def test_topic_in_another_project_is_named_in_the_queue(
    client_for_role, project_page, parent, other_parent
):
    topic = TopicPageFactory(parent=project_page, title="Tweede onderwerp")
    post = ModerationPostFactory(topic=topic, author=other_parent)
    flag_create(user=parent, post=post, reason=FlagReason.SPAM)
    assert "Tweede onderwerp" in client_for_role("moderator").get(QUEUE_URL).content.decode()
