"""Moderation: members flag posts; moderators approve, hide, restore and take notes.

Every decision is a ModerationDecision row (who, what, when, why) and a Wagtail audit log
entry. The author hears about decisions that change what others see of their post, never
who flagged it. A note is for the moderator team only and reaches nobody else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from community.models import NotificationKind, User
from community.services.notifications import notification_create
from projects import rules
from projects.models import (
    Flag,
    FlagReason,
    ModerationAction,
    ModerationDecision,
    Post,
    PostStatus,
)
from projects.services.posts import post_published_notify, post_url

MODERATE_PERMISSION = "projects.moderate_post"
FLAG_TEXT_MAX_LENGTH = 1000
DECISION_TEXT_MAX_LENGTH = 2000

# The Wagtail audit log action for each decision (registered in projects/wagtail_hooks.py).
LOG_ACTIONS = {
    ModerationAction.APPROVE: "projects.post_approved",
    ModerationAction.HIDE: "projects.post_hidden",
    ModerationAction.RESTORE: "projects.post_restored",
    ModerationAction.NOTE: "projects.post_noted",
}

# Which post states each action applies to. Approving a published post keeps it and closes
# its flags ("nothing wrong here"); hiding a pending post rejects it.
ACTION_FROM_STATUSES = {
    ModerationAction.APPROVE: {PostStatus.PENDING, PostStatus.PUBLISHED},
    ModerationAction.HIDE: {PostStatus.PENDING, PostStatus.PUBLISHED},
    ModerationAction.RESTORE: {PostStatus.HIDDEN},
    ModerationAction.NOTE: {PostStatus.PENDING, PostStatus.PUBLISHED, PostStatus.HIDDEN},
}


def user_can_moderate(user: User) -> bool:
    """Moderators and administrators hold the permission (migration 0005)."""
    return user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


def _flag_again(flag: Flag, *, reason: str, text: str) -> Flag:
    """The member's flag when they sent the same report again, else the refusal."""
    if (flag.reason, flag.text) == (reason, text):
        return flag
    raise ValidationError(
        _("You already reported this post. A moderator will look at it."),
        code="already_flagged",
    )


@transaction.atomic
def flag_create(*, user: User, post: Post, reason: str, text: str = "") -> Flag:
    """Record a member's report that a post needs a moderator's eye.

    One flag per member per post; "something else" needs an explanation; a member cannot
    flag their own post, nor one they cannot read. The same report sent again (a double
    click; two requests at once, where the database's constraint decides) returns the flag
    already made, so the member gets the same answer; a different second report is refused
    with the ValidationError coded "already_flagged".
    """
    if not rules.can_flag(user, post):
        raise PermissionDenied("Only a post someone else wrote, that this user reads, is flagged.")
    text = text.strip()
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Choose why this post needs a moderator.")})
    if reason == FlagReason.OTHER and not text:
        raise ValidationError(
            {"text": _("Tell the moderators what is wrong with this post.")}, code="text_missing"
        )
    if len(text) > FLAG_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Keep your explanation under %(max)d characters.")
                % {"max": FLAG_TEXT_MAX_LENGTH}
            }
        )
    earlier = Flag.objects.filter(post=post, user=user).first()
    if earlier is not None:
        return _flag_again(earlier, reason=reason, text=text)
    try:
        # A savepoint: when the twin request wrote first, this transaction goes on to read it.
        with transaction.atomic():
            return Flag.objects.create(post=post, user=user, reason=reason, text=text)
    except IntegrityError:
        earlier = Flag.objects.filter(post=post, user=user).first()
        if earlier is None:
            raise
        return _flag_again(earlier, reason=reason, text=text)


def _author_notify(*, post: Post) -> None:
    if post.author_id is None or not post.author.is_active:
        return
    topic = post.topic
    # No actor: the author learns what was decided, not which moderator or member was involved.
    notification_create(
        recipient=post.author,
        kind=NotificationKind.MODERATION,
        title={"nl": topic.title, "en": topic.title_en or topic.title},
        url=post_url(post),
    )


@transaction.atomic
def moderation_decide(
    *, moderator: User, post: Post, action: str, reason: str = "", note: str = ""
) -> ModerationDecision:
    """Approve, hide or restore a post, or add a note about it for the moderator team.

    Only moderators and administrators decide. Hiding needs a reason, shown to the author;
    a note needs text. Approve, hide and restore close the post's open flags and tell the
    author (a note does neither). A post that was held and is released now also sends the
    notifications it held back.
    """
    if not user_can_moderate(moderator):
        raise PermissionDenied("Only moderators decide about posts.")
    if action not in ModerationAction.values:
        raise ValidationError({"action": _("Choose a decision.")}, code="action_unknown")
    action = ModerationAction(action)
    reason, note = reason.strip(), note.strip()
    if action == ModerationAction.HIDE and not reason:
        raise ValidationError(
            {"reason": _("Tell the author why their post is hidden.")}, code="reason_missing"
        )
    if action == ModerationAction.NOTE and not note:
        raise ValidationError({"note": _("Write the note.")}, code="note_missing")
    for field, value in (("reason", reason), ("note", note)):
        if len(value) > DECISION_TEXT_MAX_LENGTH:
            raise ValidationError(
                {
                    field: _("Keep this under %(max)d characters.")
                    % {"max": DECISION_TEXT_MAX_LENGTH}
                }
            )

    # Lock the row: two moderators working the same post decide one after the other.
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic", "author")
        .get(pk=post.pk)
    )
    if post.removed_at is not None and action != ModerationAction.NOTE:
        raise ValidationError(
            _("The author removed this post; there is nothing to decide."), code="post_removed"
        )
    if post.status not in ACTION_FROM_STATUSES[action]:
        raise ValidationError(
            _("This post is “%(status)s” now; someone may have decided already.")
            % {"status": post.get_status_display()},
            code="status_changed",
        )

    was_held = bool(post.held_for)
    was_status = post.status
    if action == ModerationAction.APPROVE:
        post.status, post.held_for = PostStatus.PUBLISHED, ""
        post.save(update_fields=["status", "held_for"])
    elif action == ModerationAction.HIDE:
        # held_for stays: a rejected post that is restored later is released then.
        post.status, post.hidden_reason = PostStatus.HIDDEN, reason
        post.save(update_fields=["status", "hidden_reason"])
    elif action == ModerationAction.RESTORE:
        post.status, post.hidden_reason, post.held_for = PostStatus.PUBLISHED, "", ""
        post.save(update_fields=["status", "hidden_reason", "held_for"])

    decision = ModerationDecision.objects.create(
        post=post,
        moderator=moderator,
        action=action,
        reason=reason if action == ModerationAction.HIDE else "",
        note=note,
    )
    if action != ModerationAction.NOTE:
        post.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    log(
        instance=post,
        action=LOG_ACTIONS[action],
        user=moderator,
        title=f"{post.topic.title} #{post.pk}",
        data={"decision": decision.pk, "status_before": was_status, "status": post.status},
    )

    # Approving a post that was never held changes nothing the author sees: no message.
    affects_author = action in (ModerationAction.HIDE, ModerationAction.RESTORE) or (
        action == ModerationAction.APPROVE and was_status == PostStatus.PENDING
    )
    if affects_author:
        _author_notify(post=post)
    if post.status == PostStatus.PUBLISHED and was_held:
        post_published_notify(post)
    return decision
