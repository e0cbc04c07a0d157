"""Insights with their evidence, and the actions the agency takes on them."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000


class InsightStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Insight(models.Model):
    """A finding backed by what parents wrote (excerpts as evidence), with the action it
    recommends. Saved with a version number: a save based on an older version is refused
    (insights.services.insights), never a silent overwrite."""

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    finding = models.TextField(_("finding"), max_length=TEXT_MAX_LENGTH)
    recommended_action = models.TextField(
        _("recommended action"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    owner_team = models.CharField(_("owner team"), max_length=120, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InsightStatus, default=InsightStatus.DRAFT
    )
    projects = models.ManyToManyField(
        "projects.ProjectPage", verbose_name=_("projects"), related_name="insights"
    )
    evidence = models.ManyToManyField(
        "insights.Excerpt",
        verbose_name=_("evidence"),
        through="insights.InsightEvidence",
        related_name="insights",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("insight")
        verbose_name_plural = _("insights")
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title


class InsightEvidence(models.Model):
    """An excerpt that supports an insight."""

    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="evidence_links")
    excerpt = models.ForeignKey(
        "insights.Excerpt", on_delete=models.CASCADE, related_name="evidence_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(fields=["insight", "excerpt"], name="evidence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.insight} · {self.excerpt}"


class InsightStatusChange(models.Model):
    """Who moved an insight from one status to another, when, and why."""

    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=InsightStatus)
    to_status = models.CharField(_("to"), max_length=12, choices=InsightStatus)
    comment = models.TextField(_("comment"), max_length=TEXT_MAX_LENGTH, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.insight}: {self.from_status} → {self.to_status}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """What the agency will change because of an accepted insight, or an adjustment decided
    elsewhere without one (the monthly feedback report links its own through the feedback
    app; the insights pages list only actions of an insight)."""

    insight = models.ForeignKey(
        Insight,
        verbose_name=_("insight"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    title = models.CharField(_("what we change"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    owner = models.CharField(_("owner"), max_length=120)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus, default=ActionStatus.PLANNED
    )
    drop_reason = models.TextField(_("why dropped"), max_length=TEXT_MAX_LENGTH, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="action_progress_max"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Due before today and neither done nor dropped."""
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.status not in (ActionStatus.DONE, ActionStatus.DROPPED)
        )


class ActionEntry(models.Model):
    """A dated line on an action's timeline (a status change or a note)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"
