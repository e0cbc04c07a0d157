from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from community.bidi import isolate


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("Replies to what I wrote")
    PROBE = "probe", _("Follow-up questions from researchers")
    NEW_TOPIC = "new_topic", _("New topics in my projects")
    PROJECT_INVITATION = "project_invitation", _("Invitations to new projects")
    MODERATION = "moderation", _("Decisions about my posts")
    CONSENT_UPDATE = "consent_update", _("Changes to the terms or privacy notice")
    RESULTS = "results", _("What happened with what I said")
    EXPORT_READY = "export_ready", _("Exports ready to download")
    FEEDBACK_FOLLOW_UP = "feedback_follow_up", _("Feedback that needs a follow-up")
    FEEDBACK_REPORT = "feedback_report", _("The monthly feedback report")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaints assigned to me")
    COMPLAINT_DEADLINE = "complaint_deadline", _("Complaint deadlines")
    COMPLAINT_SAFEGUARDING = "complaint_safeguarding", _("Safeguarding concerns in complaints")


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


DEFAULT_EMAIL_FREQUENCY = {
    NotificationKind.REPLY: EmailFrequency.DAILY,
    NotificationKind.PROBE: EmailFrequency.IMMEDIATELY,
    NotificationKind.NEW_TOPIC: EmailFrequency.WEEKLY,
    NotificationKind.PROJECT_INVITATION: EmailFrequency.IMMEDIATELY,
    NotificationKind.MODERATION: EmailFrequency.IMMEDIATELY,
    NotificationKind.CONSENT_UPDATE: EmailFrequency.IMMEDIATELY,
    NotificationKind.RESULTS: EmailFrequency.IMMEDIATELY,
    NotificationKind.EXPORT_READY: EmailFrequency.IMMEDIATELY,
    NotificationKind.FEEDBACK_FOLLOW_UP: EmailFrequency.IMMEDIATELY,
    NotificationKind.FEEDBACK_REPORT: EmailFrequency.IMMEDIATELY,
    NotificationKind.COMPLAINT_ASSIGNED: EmailFrequency.IMMEDIATELY,
    NotificationKind.COMPLAINT_DEADLINE: EmailFrequency.IMMEDIATELY,
    NotificationKind.COMPLAINT_SAFEGUARDING: EmailFrequency.IMMEDIATELY,
}

# What the member reads; %(title)s is the page the notification is about, %(actor)s who acted.
NOTIFICATION_TEXTS = {
    NotificationKind.REPLY: _("%(actor)s replied to your post in “%(title)s”."),
    NotificationKind.PROBE: _("A researcher asked you a follow-up question in “%(title)s”."),
    NotificationKind.NEW_TOPIC: _("New topic in your project: “%(title)s”."),
    NotificationKind.PROJECT_INVITATION: _("You are invited to a new project: “%(title)s”."),
    NotificationKind.MODERATION: _("A moderator made a decision about your post in “%(title)s”."),
    NotificationKind.CONSENT_UPDATE: _("“%(title)s” has changed. Please read and accept it."),
    NotificationKind.RESULTS: _("News about what you told us: “%(title)s”."),
    NotificationKind.FEEDBACK_FOLLOW_UP: _("Feedback needs a follow-up: “%(title)s”."),
    NotificationKind.FEEDBACK_REPORT: _("The monthly feedback report is ready: “%(title)s”."),
    NotificationKind.COMPLAINT_ASSIGNED: _("A complaint was assigned to you: %(title)s."),
    NotificationKind.COMPLAINT_DEADLINE: _("A complaint's deadline is near or passed: %(title)s."),
    NotificationKind.COMPLAINT_SAFEGUARDING: _(
        "A complaint raises a concern about a child's safety: %(title)s."
    ),
}


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a member should know about, shown in the site and e-mailed as they prefer.

    Titles are stored in both languages (`params`), so the text reads right in the language of
    the page or e-mail; the actor is a link, so an erased account leaves no name behind.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications_caused",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path on this site, in Dutch.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # Set when the notification went to a whole audience: once per member per broadcast.
    broadcast = models.ForeignKey(
        "community.Broadcast",
        verbose_name=_("broadcast"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["emailed_at", "created_at"]),
        ]
        constraints = [
            # A re-run or a duplicate of a broadcast's batch inserts nothing a second time.
            models.UniqueConstraint(
                fields=["broadcast", "recipient"], name="notification_once_per_broadcast"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def title(self) -> str:
        titles = self.params.get("title") or {}
        if isinstance(titles, str):
            return titles
        return titles.get(get_language() or "nl") or titles.get("nl", "")

    @property
    def text(self) -> str:
        """The sentence in the active language (select_related("actor") avoids a query)."""
        # Isolated: an Arabic or Hebrew pseudonym must not reorder the sentence (pages, mails).
        actor = isolate(self.actor.display_name) if self.actor_id else _("A former member")
        template = NOTIFICATION_TEXTS.get(self.kind, "%(title)s")
        return str(template) % {"title": self.title, "actor": actor}

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def localized_url(self, language: str | None = None) -> str:
        """The link in the reader's language: English pages live under /en/."""
        language = language or get_language()
        if self.url.startswith("/") and language and language != settings.LANGUAGE_CODE:
            return f"/{language}{self.url}"
        return self.url


class NotificationPreference(models.Model):
    """How often a member wants e-mail about one kind of notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    frequency = models.CharField(_("e-mail"), max_length=16, choices=EmailFrequency)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_frequency_display()}"


class BroadcastStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being sent")
    DONE = "done", _("Sent")
    FAILED = "failed", _("Failed")


class Broadcast(models.Model):
    """One notification for a whole audience (a project's invitation, a new topic, results),
    worked through by background tasks in batches of members, with its progress.

    `audience` names the function that lists the members (community.services.broadcasts);
    `target_id` is the object it is about (the project, the topic, the update).
    """

    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    title = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broadcasts",
    )
    audience = models.CharField(_("audience"), max_length=200)
    target_id = models.PositiveBigIntegerField(_("about"), null=True, blank=True)
    description = models.CharField(_("audience description"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BroadcastStatus, default=BroadcastStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("members in the audience"), null=True, blank=True)
    notified = models.PositiveIntegerField(_("notified"), default=0)
    # Every member in the audience has a notification; only e-mail batches may still run.
    all_notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["audience", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def titles(self) -> dict[str, str]:
        return {"nl": self.title, "en": self.title_en or self.title}

    @property
    def is_active(self) -> bool:
        return self.status in (BroadcastStatus.QUEUED, BroadcastStatus.RUNNING)


class BroadcastBatch(models.Model):
    """One batch of a broadcast: the members with ids in (after, upto]. Created with its
    notifications, once (the unique constraint stops a duplicate run); `mailed_at` is set
    once its e-mail task has gone through every notification in it."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="batches")
    after = models.PositiveBigIntegerField()
    upto = models.PositiveBigIntegerField()
    notified = models.PositiveIntegerField(default=0)
    mailed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "after"], name="broadcast_batch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}: ({self.after}, {self.upto}]"
