"""Public updates: "Jullie zeiden, wij deden" — what parents told us and what we do about it."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insights.models.insights import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH

# Any count of people shown outside the moderator team needs at least this many.
PRIVACY_THRESHOLD = 5


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublicUpdateQuerySet(models.QuerySet):
    def published(self) -> "PublicUpdateQuerySet":
        return self.filter(status=UpdateStatus.PUBLISHED)


class PublicUpdate(models.Model):
    """A public update written from an accepted insight. Never shows a pseudonym; quotes
    only those a moderator picked; the number of parents only from PRIVACY_THRESHOLD on."""

    insight = models.ForeignKey(
        "insights.Insight",
        verbose_name=_("insight"),
        on_delete=models.PROTECT,
        related_name="updates",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    title_en = models.CharField(_("title in English"), max_length=TITLE_MAX_LENGTH, blank=True)
    parents_said = models.TextField(_("what parents told us"), max_length=TEXT_MAX_LENGTH)
    parents_said_en = models.TextField(
        _("what parents told us, in English"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    we_do = models.TextField(_("what we do"), max_length=TEXT_MAX_LENGTH)
    we_do_en = models.TextField(_("what we do, in English"), max_length=TEXT_MAX_LENGTH, blank=True)
    by_when = models.DateField(_("by when"), null=True, blank=True)
    quotes = models.ManyToManyField(
        "insights.Excerpt",
        verbose_name=_("quotes to publish"),
        blank=True,
        related_name="public_updates",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=UpdateStatus, default=UpdateStatus.DRAFT
    )
    # Distinct parents whose words are evidence for the insight, counted when published.
    parent_count = models.PositiveIntegerField(_("parents"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublicUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("public update")
        verbose_name_plural = _("public updates")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def _localized(self, name: str) -> str:
        english = getattr(self, f"{name}_en")
        return english if get_language() == "en" and english else getattr(self, name)

    @property
    def localized_title(self) -> str:
        return self._localized("title")

    @property
    def localized_parents_said(self) -> str:
        return self._localized("parents_said")

    @property
    def localized_we_do(self) -> str:
        return self._localized("we_do")

    @property
    def parent_count_shown(self) -> int | None:
        """The number of parents to show, or None when it is below the threshold."""
        return self.parent_count if self.parent_count >= PRIVACY_THRESHOLD else None
