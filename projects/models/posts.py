"""What parents write in topics: posts and replies, who may read them, and reactions."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from config.queries import sql_compiled_once
from projects.models.projects import ProjectPage, ResponseMode, TopicPage


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for a moderator")
    HIDDEN = "hidden", _("Hidden by a moderator")


class HoldReason(models.TextChoices):
    PRE_MODERATION = "pre_moderation", _("The project is pre-moderated")
    PERSONAL_DATA = "personal_data", _("It seems to hold an e-mail address or phone number")


_REACTED = "reacted"  # not a PostStatus


@dataclass
class TopicStanding:
    """A member in one topic: have they answered (as PostQuerySet.answered_by), are all their
    posts there published (none waiting for a moderator or hidden), and which posts there
    they said "herkenbaar" to."""

    answered: bool = False
    all_published: bool = True
    reacted: set[int] = field(default_factory=set)


class PostQuerySet(models.QuerySet):
    def visible_to(
        self, user, topic: "TopicPage | None" = None, answered: bool | None = None
    ) -> "PostQuerySet":
        """The posts this user may read, by the topic's response mode; one SQL filter, so it
        holds for pages, search, exports and notifications alike.

        Community staff (User.is_community_staff: researchers, moderators and administrators
        whose session passed the second factor) read everything. Anyone else reads their own
        posts and published posts of others: in open topics and polls always; in answer-first
        topics once they posted a published or pending answer of their own there; in private
        topics never. Published replies to their own posts they always read (in private
        topics, the staff's answers to them).
        Audience (who may see the project at all) is checked separately.

        With `topic`: the same rule for that topic's posts only, its response mode decided in
        Python, which leaves the database a plain filter (the topic page). `answered` says
        whether the member answered there, when the caller knows; otherwise it is asked.
        """
        if user.is_authenticated and user.is_community_staff:
            return self if topic is None else self.filter(topic_id=topic.pk)
        if not user.is_authenticated:
            return self.none()
        # By id: a filter on the request's lazy user object costs far more to build.
        own = models.Q(author_id=user.pk)
        # Replies to one's own posts: in private topics the staff's answers to a parent.
        replies_to_me = models.Q(status=PostStatus.PUBLISHED, parent__author_id=user.pk)
        if topic is not None:
            return self.filter(topic_id=topic.pk).filter(
                own | replies_to_me | self._others_visible_in(user, topic, answered)
            )
        answered_here = Post.objects.filter(
            topic=models.OuterRef("topic"),
            author_id=user.pk,
            parent__isnull=True,
            removed_at__isnull=True,
        ).exclude(status=PostStatus.HIDDEN)
        others_visible = models.Q(status=PostStatus.PUBLISHED) & (
            models.Q(topic__response_mode__in=[ResponseMode.OPEN, ResponseMode.POLL])
            | models.Q(models.Exists(answered_here), topic__response_mode=ResponseMode.ANSWER_FIRST)
        )
        return self.filter(own | others_visible | replies_to_me)

    @staticmethod
    def _others_visible_in(user, topic: "TopicPage", answered: bool | None) -> models.Q:
        published = models.Q(status=PostStatus.PUBLISHED)
        if topic.response_mode in (ResponseMode.OPEN, ResponseMode.POLL):
            return published
        if topic.response_mode == ResponseMode.ANSWER_FIRST:
            if answered is None:
                answered = Post.objects.answered_by(user, topic)
            return published if answered else models.Q(pk__in=[])
        return models.Q(pk__in=[])

    def standing_of(self, user, topic: "TopicPage") -> "TopicStanding":
        """Where a member stands in one topic, in one query: their own posts there and the
        posts they said "herkenbaar" to."""
        sql, params = sql_compiled_once(
            "topic-standing", self._standing_query, self.db, user_id=user.pk, topic_id=topic.pk
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        standing = TopicStanding()
        for status, parent_or_reacted_id, removed_at in rows:
            if status == _REACTED:
                standing.reacted.add(parent_or_reacted_id)
                continue
            is_answer = parent_or_reacted_id is None
            standing.answered = standing.answered or (
                is_answer and removed_at is None and status != PostStatus.HIDDEN
            )
            standing.all_published = standing.all_published and status == PostStatus.PUBLISHED
        return standing

    @staticmethod
    def _standing_query(user_id: int, topic_id: int) -> models.QuerySet:
        own = (
            Post.objects.filter(topic_id=topic_id, author_id=user_id)
            .order_by()
            .values_list("status", "parent_id", "removed_at")
        )
        # Reactions ride along as rows marked _REACTED, the post's id in the second column.
        reacted = (
            Reaction.objects.filter(user_id=user_id, post__topic_id=topic_id)
            .order_by()
            .values_list(
                models.Value(_REACTED),
                "post_id",
                models.Value(None, output_field=models.DateTimeField()),
            )
        )
        return own.union(reacted, all=True)

    def answered_by(self, user, topic: "TopicPage") -> bool:
        """Has the member answered in this topic (an answer of their own, not removed and not
        hidden; a pending one counts)? What opens an answer-first topic to them."""
        return (
            self.filter(
                topic_id=topic.pk, author_id=user.pk, parent__isnull=True, removed_at__isnull=True
            )
            .exclude(status=PostStatus.HIDDEN)
            .exists()
        )


class Post(index.Indexed, models.Model):
    """What a member writes in a topic: an answer, or a reply to an answer (one level deep).

    `text` is what the author typed; `body` the HTML made from it, sanitized once, on write.
    An erased account leaves its posts with no author: they read as written by "a former
    member".
    """

    topic = models.ForeignKey(
        TopicPage, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    project = models.ForeignKey(
        ProjectPage,
        verbose_name=_("project"),
        null=True,
        on_delete=models.CASCADE,
        related_name="posts",
        editable=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    text = models.TextField(_("text as typed"), blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus, default=PostStatus.PUBLISHED
    )
    held_for = models.CharField(_("held because"), max_length=32, choices=HoldReason, blank=True)
    hidden_reason = models.TextField(_("reason shown to the author"), blank=True)
    author_role = models.CharField(
        _("role badge"), max_length=32, blank=True, help_text=_("Staff role when posting.")
    )
    is_probe = models.BooleanField(_("follow-up question"), default=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the author"), null=True, blank=True)
    # The one-time key of the form that wrote it: the same form sent twice makes one post.
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, editable=False)

    search_fields = [
        index.SearchField("text"),
        index.FilterField("topic_id"),
        index.FilterField("project_id"),
        index.FilterField("author_id"),
        index.FilterField("status"),
        index.FilterField("created_at"),
        index.FilterField("parent_id"),
    ]

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["topic", "created_at", "id"]),
            models.Index(fields=["status", "created_at"]),
            # The id as Wagtail's search index entries name it (object_id, text): lets search
            # go from a matching entry to its post (projects.services.search).
            models.Index(
                Cast("id", output_field=models.CharField(max_length=50)),
                name="post_id_as_index_object_id",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="post_once_per_submission_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.pk}"

    @property
    def author_name(self) -> str:
        """The name next to the post: the author's pseudonym. Staff, who take no part as
        parents and have none, by their first name (their role badge says who they are);
        "" for an erased account (templates say "former member")."""
        if self.author is None:
            return ""
        if self.author_role and not self.author.pseudonym:
            return self.author.first_name or str(_("Kind en Gezin"))
        return self.author.display_name


class Reaction(models.Model):
    """A "herkenbaar" (I recognise this): at most one per member per post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="reaction_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"
