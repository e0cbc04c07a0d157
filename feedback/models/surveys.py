"""Contacts (one service moment each), the survey a parent answers about one, the invitation
that carries its one-time token, and the response."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.organisation import Region, StaffMember, Team

COMMENT_MAX_LENGTH = 2000
CONTACT_DETAIL_MAX_LENGTH = 254
INVITATION_VALID_FOR = datetime.timedelta(days=14)


class Channel(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HOME_VISIT = "home_visit", _("Home visit")
    HELPLINE = "helpline", _("Helpline call")
    EMAIL = "email", _("E-mail answer")


# Channels where the parent is asked whether their question was answered.
QUESTION_CHANNELS = (Channel.HELPLINE, Channel.EMAIL)


class Contact(models.Model):
    """One service moment. It never holds the parent's name. An e-mail answer holds the
    address only as long as a mail may still go to it: until the follow-up mail is suppressed,
    or after it was sent until the one reminder is sent or skipped, the invitation is answered
    or it expires (feedback.services.email_followup; `email` is then emptied)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    occurred_at = models.DateTimeField(_("time of the contact"), default=timezone.now)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    external_reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The appointment, call or ticket id in the system it comes from."),
    )
    email = models.EmailField(_("e-mail address for the follow-up"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            # A call or ticket registered twice (a retried API call) is one contact.
            models.UniqueConstraint(
                fields=["channel", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="contact_reference_unique_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"


class SurveyVersion(models.Model):
    """The wording of one channel's survey. Administrators never change a version that was
    answered: saving their edit adds the next version, and each response keeps its own."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    version = models.PositiveIntegerField(_("version"))
    satisfaction_question = models.CharField(_("satisfaction question (Dutch)"), max_length=200)
    satisfaction_question_en = models.CharField(
        _("satisfaction question (English)"), max_length=200
    )
    answered_question = models.CharField(
        _("“question answered?” (Dutch)"),
        max_length=200,
        blank=True,
        help_text=_("Leave both empty to not ask it."),
    )
    answered_question_en = models.CharField(
        _("“question answered?” (English)"), max_length=200, blank=True
    )
    improvement_question = models.CharField(_("improvement question (Dutch)"), max_length=200)
    improvement_question_en = models.CharField(_("improvement question (English)"), max_length=200)
    contact_question = models.CharField(_("contact question (Dutch)"), max_length=200)
    contact_question_en = models.CharField(_("contact question (English)"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["channel", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "version"], name="survey_version_unique_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} v{self.version}"

    @property
    def asks_question_answered(self) -> bool:
        return bool(self.answered_question)


class MailSuppression(models.TextChoices):
    """Why an e-mail answer's follow-up mail was not sent."""

    OPTED_OUT = "opted_out", _("The address opted out")
    RECENTLY_SURVEYED = "recently_surveyed", _("A survey went to the address in the last 7 days")
    EXPIRED = "expired", _("The invitation expired or was answered")
    NO_ADDRESS = "no_address", _("No address")
    REFUSED = "refused", _("The mail server refused the address")


class Invitation(models.Model):
    """The invitation to answer about one contact. Its token is shown once (QR code, short
    link, mail) and kept only as a SHA-256 hash; it is valid 14 days and answered once (the
    response's one-to-one contact is the database's guarantee).

    An e-mail answer's invitation keeps the keyed hash of the address (`address_hash`, never
    the address) for its whole life, so the opt-out link works after the address is forgotten.

    Channel, staff member, team and region are copied from the contact when the invitation is
    made, as on Response: the response rate counts invitations by the team the staff member was
    in at the time, in one grouped query on this table.
    """

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="invitation"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    # The e-mail channel: when the mail goes out, when it went, and the one reminder.
    mail_due_at = models.DateTimeField(_("mail due"), null=True, blank=True, db_index=True)
    mail_sent_at = models.DateTimeField(_("mail sent"), null=True, blank=True)
    mail_suppressed = models.CharField(
        _("mail not sent because"), max_length=40, choices=MailSuppression, blank=True
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    address_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["created_at"], name="invitation_created_at"),
            models.Index(fields=["team", "created_at"], name="invitation_team_time"),
        ]

    def __str__(self) -> str:
        return str(self.contact)

    def save(self, *args, **kwargs) -> None:
        if self.expires_at is None:
            self.expires_at = self.created_at + INVITATION_VALID_FOR
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class QuestionAnswered(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class ResponseQuerySet(models.QuerySet):
    def for_staff_member(self, staff: StaffMember) -> "ResponseQuerySet":
        return self.filter(staff=staff)


class Response(models.Model):
    """A parent's answer about one contact. Channel, staff member, team and region are copied
    from the contact when it arrives, so a later move to another team does not move old
    feedback, and every aggregate is a grouped query on this one table."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="response"
    )
    survey_version = models.ForeignKey(
        SurveyVersion, verbose_name=_("survey version"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    # No index of their own for staff and team: response_staff_time and response_team_time
    # start with them (one index less to write per answer).
    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="responses"
    )
    score = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    question_answered = models.CharField(
        _("question answered"), max_length=8, choices=QuestionAnswered, blank=True
    )
    comment = models.TextField(
        _("what could we do better"), max_length=COMMENT_MAX_LENGTH, blank=True
    )
    may_contact = models.BooleanField(_("may be contacted"), default=False)
    contact_detail = models.CharField(
        _("phone or e-mail to contact"), max_length=CONTACT_DETAIL_MAX_LENGTH, blank=True
    )
    language = models.CharField(_("language"), max_length=8, default="nl")
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    taken_up_at = models.DateTimeField(_("taken up"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["submitted_at"], name="response_submitted_at"),
            models.Index(fields=["staff", "submitted_at"], name="response_staff_time"),
            models.Index(fields=["team", "submitted_at"], name="response_team_time"),
            models.Index(fields=["channel", "submitted_at"], name="response_channel_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="response_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.score}/5"


class WebhookMessage(models.Model):
    """A post-call message from the contact centre, by its `webhook-id`: a message sent
    again is recognised and answered as the first time, without a second response."""

    webhook_id = models.CharField(max_length=255, unique=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")

    def __str__(self) -> str:
        return self.webhook_id


class SurveyMailRecord(models.Model):
    """That a survey mail went to an address, by a keyed hash of it (never the address):
    no address gets a second survey within 7 days, whatever the channel."""

    address_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey mail sent")
        verbose_name_plural = _("survey mails sent")
        indexes = [models.Index(fields=["address_hash", "sent_at"], name="survey_mail_address")]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]}… · {self.sent_at:%Y-%m-%d}"


class SurveyOptOut(models.Model):
    """An address (as a keyed hash) that asked for no more survey mails."""

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return f"{self.address_hash[:8]}…"
