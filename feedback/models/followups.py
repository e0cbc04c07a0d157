"""Follow-up items: a low score or a comment a staff member marks, for the team lead."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.organisation import Team
from feedback.models.surveys import Response

# A score at or below this opens a follow-up item by itself.
LOW_SCORE = 2
FOLLOW_UP_WORKING_DAYS = 5


class FollowUpReason(models.TextChoices):
    LOW_SCORE = "low_score", _("Low score")
    MARKED = "marked", _("Marked by the staff member")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class FollowUpQuerySet(models.QuerySet):
    def not_closed(self) -> "FollowUpQuerySet":
        return self.exclude(status=FollowUpStatus.CLOSED)

    def overdue(self, today=None) -> "FollowUpQuerySet":
        return self.not_closed().filter(due_date__lt=today or timezone.localdate())


class FollowUp(models.Model):
    """One response the team lead follows up; at most one per response."""

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="follow_up"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FollowUpReason)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus, default=FollowUpStatus.OPEN
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    outcome = models.TextField(_("what was done"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="follow_up_status_due")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.due_date}"


class FollowUpEvent(models.Model):
    """The audit trail of a follow-up item: who did what, when."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(_("what happened"), max_length=200)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.what
