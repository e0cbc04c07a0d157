"""Members flag posts for the moderators: who may, what they must say, once per post."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from community.models import Segment
from projects.models import Audience, Flag, FlagReason, PostStatus, ResponseMode
from projects.services.moderation import flag_create
from tests.community.factories import consent_accept_all
from tests.conftest import ROLES
from tests.projects.factories import ModerationPostFactory, TopicPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _members(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def post(topic_page, other_parent):
    return ModerationPostFactory(topic=topic_page, author=other_parent, text="Een antwoord")


def flag_url(post) -> str:
    return reverse("post_flag", kwargs={"pk": post.pk})


# --- who may flag ---

FLAG_PAGE_STATUS = {
    "anonymous": HTTPStatus.FOUND,  # to the login page
    "parent": HTTPStatus.OK,
    "other_parent": HTTPStatus.FORBIDDEN,  # the author
    "moderator": HTTPStatus.OK,
    "researcher": HTTPStatus.OK,
    "admin": HTTPStatus.OK,
}


@pytest.mark.parametrize("role", ROLES)
def test_flag_page_permissions_by_role(client_for_role, role, post):
    client = client_for_role(role)
    response = client.get(flag_url(post))
    assert response.status_code == FLAG_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


FLAG_POST_CREATES = {
    "anonymous": False,
    "parent": True,
    "other_parent": False,
    "moderator": True,
    "researcher": True,
    "admin": True,
}


@pytest.mark.parametrize("role", ROLES)
def test_flag_submit_permissions_by_role(client_for_role, user_for_role, role, post):
    client = client_for_role(role)
    response = client.post(flag_url(post), {"reason": FlagReason.SPAM})
    assert Flag.objects.filter(post=post).exists() is FLAG_POST_CREATES[role]
    if FLAG_POST_CREATES[role]:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].endswith(f"#post-{post.pk}")
        assert Flag.objects.get().user == user_for_role(role)


def test_flag_page_shows_the_post_excerpt_and_the_reasons(client, parent, post):
    client.force_login(parent)
    response = client.get(flag_url(post))
    content = response.content.decode()
    assert "Een antwoord" in content
    assert post.author.pseudonym in content
    for label in FlagReason.labels:
        assert str(label) in content


def test_parent_flags_a_post_and_goes_back_to_the_topic_with_a_message(client, parent, post):
    client.force_login(parent)
    response = client.post(
        flag_url(post), {"reason": FlagReason.DISRESPECTFUL, "text": "Onbeleefd"}, follow=True
    )
    flag = Flag.objects.get()
    assert (flag.user, flag.post, flag.reason, flag.text) == (
        parent,
        post,
        FlagReason.DISRESPECTFUL,
        "Onbeleefd",
    )
    assert flag.resolved_at is None
    assert "moderator" in response.content.decode()


def test_a_reply_can_be_flagged(client, parent, post, third_parent):
    reply = ModerationPostFactory(parent=post, author=third_parent)
    client.force_login(parent)
    response = client.post(flag_url(reply), {"reason": FlagReason.SPAM})
    assert response.status_code == HTTPStatus.FOUND
    assert Flag.objects.get().post == reply


# --- bad input ---


def test_other_reason_needs_an_explanation_and_keeps_the_choice(client, parent, post):
    client.force_login(parent)
    response = client.post(flag_url(post), {"reason": FlagReason.OTHER, "text": "  "})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["text"]
    assert response.context["form"]["reason"].value() == FlagReason.OTHER
    assert not Flag.objects.exists()


def test_flag_without_a_reason_is_refused_with_a_message(client, parent, post):
    client.force_login(parent)
    response = client.post(flag_url(post), {"text": "Iets"})
    assert response.context["form"].errors["reason"]
    assert not Flag.objects.exists()


def test_flag_with_an_unknown_reason_is_refused(client, parent, post):
    client.force_login(parent)
    response = client.post(flag_url(post), {"reason": "boring"})
    assert response.context["form"].errors["reason"]
    assert not Flag.objects.exists()


def test_flag_explanation_has_a_length_limit(client, parent, post):
    client.force_login(parent)
    response = client.post(flag_url(post), {"reason": FlagReason.OTHER, "text": "x" * 1001})
    assert response.context["form"].errors["text"]
    assert not Flag.objects.exists()


# --- once per member ---


def test_second_flag_by_the_same_member_is_refused_with_a_message(client, parent, post):
    client.force_login(parent)
    client.post(flag_url(post), {"reason": FlagReason.SPAM})
    response = client.post(flag_url(post), {"reason": FlagReason.DISRESPECTFUL}, follow=True)
    assert Flag.objects.count() == 1
    assert Flag.objects.get().reason == FlagReason.SPAM
    messages = [str(message) for message in response.context["messages"]]
    assert messages[-1] == gettext("You already reported this post. A moderator will look at it.")


def test_flag_page_tells_a_member_who_already_flagged(client, parent, post):
    Flag.objects.create(post=post, user=parent, reason=FlagReason.SPAM)
    client.force_login(parent)
    response = client.get(flag_url(post))
    assert response.context["already_flagged"] is True
    assert gettext("Send report") not in response.content.decode()


def test_flag_create_refuses_a_different_second_flag(parent, post):
    flag_create(user=parent, post=post, reason=FlagReason.SPAM)
    with pytest.raises(ValidationError) as error:
        flag_create(user=parent, post=post, reason=FlagReason.DISRESPECTFUL)
    assert error.value.code == "already_flagged"
    assert Flag.objects.count() == 1


def test_flag_create_sent_again_returns_the_same_flag(parent, post):
    first = flag_create(user=parent, post=post, reason=FlagReason.OTHER, text="Klopt niet")
    again = flag_create(user=parent, post=post, reason=FlagReason.OTHER, text=" Klopt niet ")
    assert again.pk == first.pk
    assert Flag.objects.count() == 1


def test_two_members_can_each_flag_the_same_post(parent, third_parent, post):
    flag_create(user=parent, post=post, reason=FlagReason.SPAM)
    flag_create(user=third_parent, post=post, reason=FlagReason.OTHER, text="Reclame")
    assert Flag.objects.filter(post=post).count() == 2


# --- only posts the member can read ---


def test_member_cannot_flag_their_own_post(other_parent, post):
    with pytest.raises(PermissionDenied):
        flag_create(user=other_parent, post=post, reason=FlagReason.SPAM)


def test_other_reason_needs_text_in_the_service_too(parent, post):
    with pytest.raises(ValidationError) as error:
        flag_create(user=parent, post=post, reason=FlagReason.OTHER)
    assert "text" in error.value.message_dict


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.HIDDEN])
def test_posts_others_cannot_see_answer_404(client, parent, post, status):
    post.status = status
    post.save()
    client.force_login(parent)
    assert client.get(flag_url(post)).status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(PermissionDenied):
        flag_create(user=parent, post=post, reason=FlagReason.SPAM)


def test_answer_first_post_cannot_be_flagged_before_answering(
    client, parent, other_parent, project_page
):
    topic = TopicPageFactory(parent=project_page, response_mode=ResponseMode.ANSWER_FIRST)
    answer = ModerationPostFactory(topic=topic, author=other_parent)
    client.force_login(parent)
    assert client.get(flag_url(answer)).status_code == HTTPStatus.NOT_FOUND

    ModerationPostFactory(topic=topic, author=parent)
    assert client.get(flag_url(answer)).status_code == HTTPStatus.OK


def test_private_topic_post_cannot_be_flagged_by_another_parent(
    client, parent, other_parent, project_page
):
    topic = TopicPageFactory(parent=project_page, response_mode=ResponseMode.PRIVATE)
    diary = ModerationPostFactory(topic=topic, author=other_parent)
    client.force_login(parent)
    assert client.get(flag_url(diary)).status_code == HTTPStatus.NOT_FOUND


def test_post_in_a_project_outside_the_audience_answers_404(client, parent, post, project_page):
    project_page.audience = Audience.SEGMENTS
    project_page.save()
    project_page.segments.set([Segment.objects.create(name="Niemand")])
    client.force_login(parent)
    assert client.get(flag_url(post)).status_code == HTTPStatus.NOT_FOUND


def test_removed_post_cannot_be_flagged(client, parent, post):
    from django.utils import timezone

    post.removed_at = timezone.now()
    post.save()
    client.force_login(parent)
    assert client.get(flag_url(post)).status_code == HTTPStatus.FORBIDDEN


def test_unknown_post_answers_404(client, parent):
    client.force_login(parent)
    assert client.get(reverse("post_flag", kwargs={"pk": 999999})).status_code == 404


def test_flag_address_is_translated(post):
    from django.utils import translation

    assert reverse("post_flag", kwargs={"pk": post.pk}).startswith("/")
    with translation.override("en"):
        assert reverse("post_flag", kwargs={"pk": post.pk}).startswith("/en/")


# --- the predicate the topic page uses to show the "Report" link ---


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("parent", True),
        ("other_parent", False),  # the author
        ("moderator", True),
        ("researcher", True),
        ("admin", True),
    ],
)
def test_can_flag_by_role(user_for_role, role, expected, post):
    from projects.rules import can_flag

    assert can_flag(user_for_role(role), post) is expected


def test_can_flag_is_false_for_anonymous_and_for_posts_not_published(post, parent):
    from django.contrib.auth.models import AnonymousUser

    from projects.rules import can_flag

    assert can_flag(AnonymousUser(), post) is False
    post.status = PostStatus.HIDDEN
    assert can_flag(parent, post) is False
