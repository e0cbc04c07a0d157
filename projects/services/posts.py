"""Writing in a topic: answers, replies, follow-up questions (probes), edits, deletions and
"herkenbaar" reactions.

Every write checks the same predicates as the pages (projects.rules), renders the text once
with `post_text_render` (the one sanitizer path) and decides whether the post waits for a
moderator: always when it seems to hold an e-mail address or a phone number, and for parents
in pre-moderated projects.
"""

import datetime
import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from community.models import NotificationKind, Role, User
from community.services.notifications import notification_create
from projects import rules
from projects.models import (
    HoldReason,
    ModerationMode,
    Post,
    PostStatus,
    Reaction,
    TopicPage,
)
from projects.post_text import TEXT_MAX_LENGTH, TEXT_MIN_LENGTH, post_body_length, post_text_render
from projects.thread import thread_changed

NEW_MEMBER_PERIOD = datetime.timedelta(days=7)
NEW_MEMBER_POSTS_PER_DAY = 10
NEW_MEMBER_LINKS_PER_DAY = 3

# The badge shown next to staff posts: the first of these roles the author has.
_BADGE_ORDER = [
    Role.RESEARCHER,
    Role.MODERATOR,
    Role.TEAM_LEAD,
    Role.COMPLAINTS_OFFICER,
    Role.ADMIN,
]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# Digits with the separators people type in phone numbers ("+32 470 12 34 56",
# "0470/12.34.56", "(03) 123 45 67"); what counts as a number is decided by _is_phone_number.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d(?:[ ./\-()]{0,2}\d){6,16}(?!\w)")
_LINK = re.compile(r"<a\s", re.IGNORECASE)


def _is_phone_number(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) <= 15
    # Belgian numbers: 9 digits for a landline (03 123 45 67), 10 for a mobile (0470 …).
    # Dates such as 01/02/2024 have 8 and are left alone.
    return digits.startswith("0") and 9 <= len(digits) <= 10


def text_has_personal_data(text: str) -> bool:
    """True when the text seems to hold an e-mail address or a phone number."""
    if _EMAIL.search(text):
        return True
    return any(_is_phone_number(match.group()) for match in _PHONE_CANDIDATE.finditer(text))


def _text_clean(text: str) -> tuple[str, str]:
    """The typed text and its HTML, or a ValidationError at the text field."""
    text = (text or "").replace("\r\n", "\n").strip()
    body = post_text_render(text)
    length = post_body_length(body)
    if length < TEXT_MIN_LENGTH:
        raise ValidationError(
            {"text": _("Write at least %(min)d characters.") % {"min": TEXT_MIN_LENGTH}},
        )
    if length > TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _(
                    "Write at most %(max)d characters. Your text has %(length)d: "
                    "shorten it a little."
                )
                % {"max": TEXT_MAX_LENGTH, "length": length}
            },
        )
    return text, body


def _author_role(user: User) -> str:
    if not user.is_staff_member:
        return ""
    roles = set(user.roles)
    for role in _BADGE_ORDER:
        if role in roles:
            return role.value
    return Role.ADMIN.value  # a superuser without a group


def _new_member_limits_check(*, author: User, body: str) -> None:
    """Accounts younger than a week: at most 10 posts and 3 links a day (spam protection)."""
    now = timezone.now()
    if author.is_staff_member or author.date_joined <= now - NEW_MEMBER_PERIOD:
        return
    day_start = now - datetime.timedelta(days=1)
    bodies = list(
        Post.objects.filter(author=author, created_at__gte=day_start).values_list("body", flat=True)
    )
    if len(bodies) >= NEW_MEMBER_POSTS_PER_DAY:
        raise ValidationError(
            {
                "text": ngettext_lazy(
                    "In your first week you can post %(count)d time a day. Your text is kept: "
                    "post it tomorrow.",
                    "In your first week you can post %(count)d times a day. Your text is "
                    "kept: post it tomorrow.",
                    NEW_MEMBER_POSTS_PER_DAY,
                )
                % {"count": NEW_MEMBER_POSTS_PER_DAY}
            }
        )
    links = len(_LINK.findall(body))
    if links and sum(len(_LINK.findall(old)) for old in bodies) + links > NEW_MEMBER_LINKS_PER_DAY:
        raise ValidationError(
            {
                "text": ngettext_lazy(
                    "In your first week you can share %(count)d link a day. Remove a link, "
                    "or post it tomorrow.",
                    "In your first week you can share %(count)d links a day. Remove a link, "
                    "or post it tomorrow.",
                    NEW_MEMBER_LINKS_PER_DAY,
                )
                % {"count": NEW_MEMBER_LINKS_PER_DAY}
            }
        )


def _status_for(*, author: User, topic: TopicPage, text: str) -> tuple[str, str]:
    """(status, held_for) for a new or edited post."""
    if author.is_staff_member:
        return PostStatus.PUBLISHED, ""
    if text_has_personal_data(text):
        return PostStatus.PENDING, HoldReason.PERSONAL_DATA
    if topic.project.moderation_mode == ModerationMode.PRE:
        return PostStatus.PENDING, HoldReason.PRE_MODERATION
    return PostStatus.PUBLISHED, ""


def post_url(post: Post) -> str:
    """The Dutch path of the post on its topic page (notifications store Dutch paths)."""
    path = post.topic.dutch_path
    return f"{path}#post-{post.pk}" if path else ""


def post_published_notify(post: Post) -> None:
    """Tell the author of the parent post about a reply or probe that is now published.

    Called on create for posts published at once, and by moderation when a pending post is
    approved. Only when the parent's author may read the reply: never a leak through a
    notification (a staff author's reading is decided when they open it).
    """
    parent = post.parent
    if post.status != PostStatus.PUBLISHED or parent is None:
        return
    recipient = parent.author
    if recipient is None or recipient.pk == post.author_id or not recipient.is_active:
        return
    topic = post.topic
    # Staff hear of replies to what they wrote; their role counts (and shows them the reply)
    # once they open it in a session with their second factor.
    if not recipient.is_staff_member and not (
        rules.can_view_topic(recipient, topic)
        and Post.objects.visible_to(recipient).filter(pk=post.pk).exists()
    ):
        return
    notification_create(
        recipient=recipient,
        kind=NotificationKind.PROBE if post.is_probe else NotificationKind.REPLY,
        title={"nl": topic.title, "en": topic.title_en or topic.title},
        url=post_url(post),
        actor=post.author,
    )


def _post_of_submission(
    *, author: User, submission_key: uuid.UUID | None, topic: TopicPage, parent: Post | None
) -> Post | None:
    """The author's post that this form (its key) wrote before at this place, if any."""
    if submission_key is None:
        return None
    return Post.objects.filter(
        author=author, submission_key=submission_key, topic=topic, parent=parent
    ).first()


def _post_save_new(
    *,
    author: User,
    topic: TopicPage,
    text: str,
    parent: Post | None,
    is_probe: bool,
    submission_key: uuid.UUID | None,
) -> Post:
    if submission_key is not None:
        earlier = Post.objects.filter(author=author, submission_key=submission_key).first()
        if earlier is not None:
            if (earlier.topic_id, earlier.parent_id) == (topic.pk, parent.pk if parent else None):
                return earlier
            # The key wrote a post elsewhere: only a hand-made request does that. A new post,
            # without a key (the constraint allows any number of those).
            submission_key = None
    where = {"author": author, "topic": topic, "parent": parent}
    text, body = _text_clean(text)
    try:
        _new_member_limits_check(author=author, body=body)
    except ValidationError:
        # The twin request may have been counted against the limit a moment ago: its post is
        # the answer to this one too.
        earlier = _post_of_submission(submission_key=submission_key, **where)
        if earlier is not None:
            return earlier
        raise
    status, held_for = _status_for(author=author, topic=topic, text=text)
    post = Post(
        topic=topic,
        project=topic.project,
        author=author,
        parent=parent,
        text=text,
        body=body,
        status=status,
        held_for=held_for,
        author_role=_author_role(author),
        is_probe=is_probe,
        submission_key=submission_key,
    )
    # The key's uniqueness is the database's to decide (below): a check here would race.
    post.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        # The same form sent twice at once: the other request wrote first, and once it
        # committed its post is the answer to both. A savepoint, so this transaction goes on.
        earlier = _post_of_submission(submission_key=submission_key, **where)
        if earlier is None:
            raise
        return earlier
    post_published_notify(post)
    return post


@transaction.atomic
def post_create(
    *,
    author: User,
    topic: TopicPage,
    text: str,
    parent: Post | None = None,
    submission_key: uuid.UUID | None = None,
) -> Post:
    """Post an answer in a topic, or a reply to an answer (one level deep).

    Held for a moderator when the text seems to hold personal data (in every moderation
    mode) or, for parents, when the project is pre-moderated.

    With a submission key (projects.submission), the same form sent twice makes one post,
    also when both requests arrive at once: the second call returns the first's post as it
    is, and nothing happens a second time (no notification, no count against the new-member
    limits). The database's constraint on (author, key) decides. A key is the author's own:
    another member's post with the same key is neither found nor shown.
    """
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationError(_("A reply belongs in the topic of the post it answers."))
        if not rules.can_reply(author, parent):
            raise PermissionDenied("This post cannot be replied to by this user.")
    elif not rules.can_post(author, topic):
        raise PermissionDenied("This user cannot post in this topic.")
    return _post_save_new(
        author=author,
        topic=topic,
        text=text,
        parent=parent,
        is_probe=False,
        submission_key=submission_key,
    )


@transaction.atomic
def probe_create(
    *, author: User, post: Post, text: str, submission_key: uuid.UUID | None = None
) -> Post:
    """A member of staff asks the author of an answer a follow-up question; they are told.

    Sent twice with one submission key, it is asked once (as post_create).
    """
    if not rules.can_probe(author, post):
        raise PermissionDenied("Only staff ask follow-up questions, on a parent's answer.")
    return _post_save_new(
        author=author,
        topic=post.topic,
        text=text,
        parent=post,
        is_probe=True,
        submission_key=submission_key,
    )


@transaction.atomic
def post_edit(*, user: User, post: Post, text: str) -> Post:
    """Change one's own post within 30 minutes of posting; personal data holds it again."""
    if not rules.can_edit_post(user, post):
        raise PermissionDenied("Only the author edits a post, within the edit window.")
    text, body = _text_clean(text)
    was_published = post.status == PostStatus.PUBLISHED
    status, held_for = _status_for(author=user, topic=post.topic, text=text)
    if was_published and held_for == HoldReason.PRE_MODERATION:
        # Approved once in a pre-moderated project: an edit without personal data stays up.
        status, held_for = PostStatus.PUBLISHED, ""
    post.text, post.body = text, body
    post.status, post.held_for = status, held_for
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=["text", "body", "status", "held_for", "edited_at"])
    if not was_published and post.status == PostStatus.PUBLISHED:
        post_published_notify(post)
    return post


@transaction.atomic
def post_delete(*, user: User, post: Post) -> bool:
    """Delete one's own post. With replies it stays as "removed by the author", its text gone.

    Returns True when the post row was deleted, False when it was emptied.
    """
    if not rules.can_delete_post(user, post):
        raise PermissionDenied("Only the author deletes a post.")
    if not post.replies.exists():
        post.delete()
        return True
    post.text = ""
    post.body = ""
    post.removed_at = timezone.now()
    post.save(update_fields=["text", "body", "removed_at"])
    Reaction.objects.filter(post=post).delete()
    return False


@transaction.atomic
def reaction_set(*, user: User, post: Post, on: bool) -> bool:
    """Say "herkenbaar" to a post (`on`) or take it back; returns `on`.

    The request says which state the member asked for, so a double click, a second tab or
    twenty requests at once leave that state: one reaction or none, never an error. The
    database's constraint (`reaction_once_per_member`) decides, inside a savepoint.
    """
    if not rules.can_react(user, post):
        raise PermissionDenied("This user cannot react to this post.")
    thread_changed(topic_id=post.topic_id)
    if not on:
        Reaction.objects.filter(post=post, user=user).delete()
        return False
    # get_or_create inserts in a savepoint and reads the other request's row if it lost.
    Reaction.objects.get_or_create(post=post, user=user)
    return True


@transaction.atomic
def reaction_toggle(*, user: User, post: Post) -> bool:
    """Say "herkenbaar" to a post, or take it back; returns True when the reaction now exists.

    For forms that do not say the state they want (pages opened before they did). A member's
    toggles wait for each other (a lock on the member's row), so each one turns the state
    the previous one left: at any moment one reaction or none.
    """
    if not rules.can_react(user, post):
        raise PermissionDenied("This user cannot react to this post.")
    User.objects.select_for_update().filter(pk=user.pk).first()
    exists = Reaction.objects.filter(post=post, user=user).exists()
    return reaction_set(user=user, post=post, on=not exists)
