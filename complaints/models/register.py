"""The complaint register: one row per complaint (or message that turned out not to be one),
its audit trail and the parent's status link.

Personal data of the complainant lives in the marked fields of Complaint
(PERSONAL_FIELDS), in the letters' addresses and texts, the conciliation log and the
attachments; anonymising a complaint (retention, services.retention) empties those and keeps
every field the statistics and the annual report read.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models.choices import (
    NEXT_STAGES,
    OPEN_STAGES,
    ComplaintChannel,
    Kind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
    Stage,
    acknowledge_due,
    answer_due,
)

WHAT_HAPPENED_MAX_LENGTH = 5000
WISH_MAX_LENGTH = 2000

# What anonymising empties (services.retention); everything else stays for the statistics.
PERSONAL_FIELDS = (
    "name",
    "email",
    "phone",
    "postal_address",
    "what_happened",
    "desired_solution",
    "summary",
    "safeguarding_note",
)


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> "ComplaintQuerySet":
        return self.filter(stage__in=OPEN_STAGES)


class Complaint(models.Model):
    """One complaint. The reference (K-…) is shown to the parent and in every letter: random,
    not guessable, no personal data. The parent's status link carries a separate token, stored
    only as a hash (status_token_hash); it keeps working until the complaint is anonymised."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.COMPLAINT)
    channel = models.CharField(_("received by"), max_length=16, choices=ComplaintChannel)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # Deadlines in calendar days from the date of receipt (choices.acknowledge_due/answer_due),
    # fixed when the complaint is registered.
    acknowledge_due = models.DateField(_("acknowledge or refuse by"), editable=False)
    answer_due = models.DateField(_("answer by"), editable=False)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage, default=Stage.RECEIVED)

    # What the parent tells (personal data: PERSONAL_FIELDS).
    what_happened = models.TextField(_("what happened"), max_length=WHAT_HAPPENED_MAX_LENGTH)
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    service = models.CharField(_("service"), max_length=16, choices=Service, blank=True)
    desired_solution = models.TextField(
        _("what the parent would like as a solution"), max_length=WISH_MAX_LENGTH, blank=True
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account of the complainant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_made",
    )
    # A short neutral summary by the handler, shown in lists (personal data: may be emptied).
    summary = models.CharField(_("summary"), max_length=200, blank=True)

    # Who handles it, and what (and whom) it is about, set by the complaints staff.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_handled",
    )
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member the complaint is about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_about",
    )
    team = models.ForeignKey(
        "feedback.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        "feedback.Contact",
        verbose_name=_("feedback contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actions = models.ManyToManyField(
        "insights.Action",
        verbose_name=_("improvements that followed"),
        blank=True,
        related_name="+",
    )
    codes = models.ManyToManyField(
        "insights.Code", verbose_name=_("analysis codes"), blank=True, related_name="+"
    )
    # Shared with the staff member it is about, by the handler, once there is an outcome.
    outcome_shared_at = models.DateTimeField(
        _("outcome shared with the staff member"), null=True, blank=True
    )

    # Each stage's moment; the audit trail (ComplaintEvent) says who.
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("refusal ground"), max_length=24, choices=RefusalGround, blank=True
    )
    refusal_reason = models.TextField(_("reason for the refusal"), max_length=2000, blank=True)
    handling_started_at = models.DateTimeField(_("handling started"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    solved_at = models.DateTimeField(
        _("solved to the parent's satisfaction"), null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    norms = models.JSONField(_("ombudsman norms at stake"), default=list, blank=True)

    # A child at risk: flagged to the safeguarding officers at once, outside the normal flow.
    safeguarding_flagged_at = models.DateTimeField(
        _("safeguarding concern flagged"), null=True, blank=True
    )
    safeguarding_flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    safeguarding_note = models.TextField(_("safeguarding concern"), max_length=2000, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The one-time key of the form that sent it (projects.submission): a double click or a
    # resubmit of the same form makes one complaint (services.intake).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["stage", "answer_due"], name="complaint_stage_due"),
            models.Index(fields=["received_at"], name="complaint_received_at"),
            models.Index(fields=["closed_at"], name="complaint_closed_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage=Stage.REFUSED) | ~models.Q(refusal_ground=""),
                name="complaint_refused_has_ground",
            ),
            models.CheckConstraint(
                condition=models.Q(handler__isnull=True)
                | models.Q(about_user__isnull=True)
                | ~models.Q(handler=models.F("about_user")),
                name="complaint_handler_not_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        received_on = timezone.localdate(self.received_at)
        self.acknowledge_due = acknowledge_due(received_on)
        self.answer_due = answer_due(received_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.handler_id and self.handler_id == self.about_user_id:
            raise ValidationError(
                {"handler": _("The handler cannot be the person the complaint is about.")}
            )
        unknown = set(self.norms or []) - set(OmbudsNorm.values)
        if unknown:
            raise ValidationError({"norms": _("Choose norms from the list.")})

    @property
    def received_on(self):
        return timezone.localdate(self.received_at)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def can_move_to(self, stage: str) -> bool:
        return stage in NEXT_STAGES[Stage(self.stage)]

    def next_deadline(self):
        """(which, date) of the deadline still ahead of an open complaint, or None."""
        if not self.is_open or self.kind != Kind.COMPLAINT:
            return None
        if self.stage == Stage.RECEIVED:
            return ("acknowledge", self.acknowledge_due)
        return ("answer", self.answer_due)

    def days_left(self, today=None) -> int | None:
        """Calendar days to the next deadline (negative when it passed), None when closed."""
        deadline = self.next_deadline()
        if deadline is None:
            return None
        return (deadline[1] - (today or timezone.localdate())).days

    @property
    def answered_in_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return timezone.localdate(self.answered_at) <= self.answer_due

    @property
    def days_to_answer(self) -> int | None:
        if self.answered_at is None:
            return None
        return (timezone.localdate(self.answered_at) - self.received_on).days

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""


class EventAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered by staff")
    ASSIGNED = "assigned", _("Handler assigned")
    STAGE = "stage", _("Stage changed")
    SOLVED = "solved", _("Solved to the parent's satisfaction")
    LETTER = "letter", _("Letter sent")
    CONCILIATION = "conciliation", _("Conciliation log")
    OUTCOME = "outcome", _("Outcome recorded")
    DETAILS = "details", _("Details changed")
    LINKED = "linked", _("Linked")
    ATTACHMENT = "attachment", _("Attachment added")
    SAFEGUARDING = "safeguarding", _("Safeguarding concern flagged")
    OUTCOME_SHARED = "outcome_shared", _("Outcome shared with the staff member")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning")
    ANONYMISED = "anonymised", _("Anonymised")


class ComplaintEvent(models.Model):
    """The audit trail: every step, who took it (None: the parent or the system), when, and
    what changed, in words kept as they were written. Never edited or deleted by the app."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=24, choices=EventAction)
    stage_before = models.CharField(_("stage before"), max_length=16, choices=Stage, blank=True)
    stage_after = models.CharField(_("stage after"), max_length=16, choices=Stage, blank=True)
    detail = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.get_action_display()}"
