"""Coding: excerpts of what parents wrote, the codes applied to them, and blind double coding."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MEMO_MAX_LENGTH = 2000


class CodingRound(models.Model):
    """Blind double coding of one topic: each coder codes it on their own, and nobody sees
    the others' codings in this round until every coder has marked it done."""

    topic = models.ForeignKey(
        "projects.TopicPage",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="coding_rounds",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("blind coding round")
        verbose_name_plural = _("blind coding rounds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.created_at:%Y-%m-%d})"


class CodingRoundCoder(models.Model):
    """One of the coders of a blind round, and when they marked their coding done."""

    coding_round = models.ForeignKey(
        CodingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="coders"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coder"),
        on_delete=models.CASCADE,
        related_name="coding_rounds",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("coder of a round")
        verbose_name_plural = _("coders of a round")
        constraints = [
            models.UniqueConstraint(fields=["coding_round", "coder"], name="round_coder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coder} · {self.coding_round}"


class ExcerptQuerySet(models.QuerySet):
    def parent_count(self) -> int:
        """Distinct parents behind these excerpts (by their pseudonymous key, which survives
        the erasure of their account)."""
        return self.exclude(author_key="").values("author_key").distinct().order_by().count()


def excerpt_author_key(author) -> str:
    """What an excerpt of this author's post counts parents by: their research id, or
    nothing for staff and for posts without an author (staff are never counted as parents)."""
    return author.research_id if author is not None and not author.is_staff_member else ""


class Excerpt(models.Model):
    """A passage of a post, quoted as plain text (projects.post_text.post_plain_text) with
    its offsets in that text, and who coded it when.

    The quote is kept when the author edits the post (the excerpt then says so), when a
    moderator hides it (staff still see it, marked) and when the author's account is
    erased ("former member"); it is blanked when the author asks for their posts to be
    removed: the codings stay, so counts stay right, but the words are gone.
    """

    post = models.ForeignKey(
        "projects.Post",
        verbose_name=_("post"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="excerpts",
    )
    topic = models.ForeignKey(
        "projects.TopicPage",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="excerpts",
    )
    project = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="excerpts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author of the post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="excerpts_of_own_posts",
    )
    # The author's research id at coding time: distinct parents are counted by it, and it
    # outlives their account (it is a random token that nothing links to a person then).
    author_key = models.CharField(_("parent key"), max_length=32, blank=True, db_index=True)
    quote = models.TextField(_("quote"), blank=True)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    memo = models.TextField(_("memo"), max_length=MEMO_MAX_LENGTH, blank=True)
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coder"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="excerpts_coded",
    )
    coding_round = models.ForeignKey(
        CodingRound,
        verbose_name=_("blind coding round"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="excerpts",
    )
    codes = models.ManyToManyField(
        "insights.Code", through="insights.Coding", related_name="excerpts", verbose_name=_("codes")
    )
    created_at = models.DateTimeField(_("coded"), auto_now_add=True, db_index=True)
    quote_removed_at = models.DateTimeField(_("quote removed"), null=True, blank=True)

    objects = ExcerptQuerySet.as_manager()

    class Meta:
        verbose_name = _("excerpt")
        verbose_name_plural = _("excerpts")
        ordering = ["post_id", "start", "pk"]
        indexes = [
            # The analysis of a project (insights.services.analysis): its excerpts newest
            # first, and its distinct parents, without reading every excerpt row.
            models.Index(fields=["project", "-created_at"], name="excerpt_project_created"),
            models.Index(fields=["project", "author_key"], name="excerpt_project_parent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="excerpt_not_empty"
            ),
            # One excerpt per passage and coder (and round): applying a code twice to the
            # same passage adds a coding to it, not a second excerpt.
            models.UniqueConstraint(
                fields=["post", "start", "end", "coder"],
                condition=models.Q(coding_round__isnull=True),
                name="excerpt_passage_unique",
            ),
            models.UniqueConstraint(
                fields=["post", "start", "end", "coder", "coding_round"],
                condition=models.Q(coding_round__isnull=False),
                name="excerpt_round_passage_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.quote[:60] or str(_("(quote removed)"))

    @property
    def post_edited_since(self) -> bool:
        """The author changed the post after this passage was coded."""
        post = self.post
        return bool(post and post.edited_at and post.edited_at > self.created_at)


class Coding(models.Model):
    """One code applied to one excerpt."""

    excerpt = models.ForeignKey(
        Excerpt, verbose_name=_("excerpt"), on_delete=models.CASCADE, related_name="codings"
    )
    code = models.ForeignKey(
        "insights.Code", verbose_name=_("code"), on_delete=models.PROTECT, related_name="codings"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coder"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("coded"), auto_now_add=True)

    class Meta:
        verbose_name = _("coding")
        verbose_name_plural = _("codings")
        constraints = [models.UniqueConstraint(fields=["excerpt", "code"], name="coding_unique")]

    def __str__(self) -> str:
        return f"{self.code} · {self.excerpt}"
