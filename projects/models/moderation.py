"""Reports of posts (flags) and moderators' decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.posts import Post


class FlagReason(models.TextChoices):
    DISRESPECTFUL = "disrespectful", _("Disrespectful")
    PERSONAL_DATA = "personal_data", _("Shares personal data")
    SPAM = "spam", _("Spam or advertising")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A member's report that a post needs a moderator's eye: one per member per post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="flags",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=FlagReason)
    text = models.TextField(_("explanation"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.post_id}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    HIDE = "hide", _("Hidden")
    RESTORE = "restore", _("Restored")
    NOTE = "note", _("Note for the moderators")


class ModerationDecision(models.Model):
    """The audit trail of moderation: who did what to which post, when and why."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="decisions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    action = models.CharField(_("decision"), max_length=16, choices=ModerationAction)
    reason = models.TextField(_("reason shown to the author"), blank=True)
    note = models.TextField(_("note for the moderator team"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-pk"]
        # Granted to the Moderators and Administrators groups (migration 0005).
        permissions = [("moderate_post", _("Can moderate posts"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.post_id}"
