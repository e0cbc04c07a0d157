"""What members wrote in projects, in their data download and on account erasure.

Imported from ProjectsConfig.ready(): `community` keeps the registry and never imports us.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.personal_data import PersonalDataSource, choice, exclude, register, timestamp
from projects.models import Flag, PollVote, Post, Reaction
from projects.post_text import post_plain_text
from projects.thread import thread_authors_changed


def posts_export(user) -> list[dict]:
    posts = Post.objects.filter(author=user).select_related("topic").order_by("created_at", "pk")
    return [
        {
            "id": post.pk,
            "topic": post.topic.localized_title,
            "reply_to": post.parent_id,
            "text": post_plain_text(post.body),
            "html": post.body,
            "created_at": timestamp(post.created_at),
            "edited_at": timestamp(post.edited_at),
        }
        for post in posts
    ]


def posts_erase(user, remove_contributions: bool) -> None:
    """Posts stay, without author, as research data; removed when the member asks for it.

    Removing: the member's replies go, and so do their answers that nobody replied to. An
    answer others replied to stays as an empty placeholder without author (no text,
    `removed_at` set: "removed by its author"), so other people's replies keep their place
    and meaning.
    Moving those replies up to top-level answers would make a "me too" read as an answer to the
    topic and change the research data; deleting them would erase other members' words.
    Without the choice, deleting the user sets `author` to NULL (on_delete=SET_NULL).
    """
    if not remove_contributions:
        return
    own = Post.objects.filter(author=user)
    own.filter(parent__isnull=False).delete()
    replied_to = Exists(Post.objects.filter(parent=OuterRef("pk")))
    own.filter(replied_to).update(body="", text="", author=None, removed_at=timezone.now())
    own.delete()
    thread_authors_changed()  # the update above sends no signal


def reactions_export(user) -> list[dict]:
    reactions = Reaction.objects.filter(user=user).select_related("post__topic")
    return [
        {
            "post": reaction.post_id,
            "topic": reaction.post.topic.localized_title,
            "created_at": timestamp(reaction.created_at),
        }
        for reaction in reactions.order_by("created_at", "pk")
    ]


register(
    PersonalDataSource(
        key="posts",
        title=lambda: _("What you wrote"),
        models=("projects.Post",),
        export=posts_export,
        erase=posts_erase,
    )
)
register(
    PersonalDataSource(
        key="reactions",
        title=lambda: _("Posts you recognised (“herkenbaar”)"),
        # Deleting the account deletes them (on_delete=CASCADE): a reaction without a member
        # means nothing.
        models=("projects.Reaction",),
        export=reactions_export,
    )
)


def poll_votes_export(user) -> list[dict]:
    votes = PollVote.objects.filter(user=user).select_related("option__topic")
    return [
        {
            "topic": vote.option.topic.localized_title,
            "option": vote.option.localized_label,
            "created_at": timestamp(vote.created_at),
        }
        for vote in votes.order_by("created_at", "pk")
    ]


def flags_export(user) -> list[dict]:
    flags = Flag.objects.filter(user=user).select_related("post__topic")
    return [
        {
            "post": flag.post_id,
            "topic": flag.post.topic.localized_title,
            "reason": choice(flag.reason, flag.get_reason_display()),
            "explanation": flag.text,
            "created_at": timestamp(flag.created_at),
        }
        for flag in flags.order_by("created_at", "pk")
    ]


register(
    PersonalDataSource(
        key="poll_votes",
        title=lambda: _("Your votes in polls"),
        # Deleted with the account (CASCADE); poll results then count one vote less.
        models=("projects.PollVote",),
        export=poll_votes_export,
    )
)
register(
    PersonalDataSource(
        key="flags",
        title=lambda: _("Posts you reported to the moderators"),
        models=("projects.Flag",),
        export=flags_export,
    )
)
exclude(
    "projects.ModerationDecision",
    "The moderator's own work record (audit trail of moderation), not data about a parent; "
    "an erased moderator's decisions keep no link to them (SET_NULL).",
)
