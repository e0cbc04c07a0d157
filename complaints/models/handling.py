"""What happens around a complaint: letters as they were sent, the templates they are written
from, the conciliation log, attachments and the deadline warnings already given."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from complaints.models.choices import ConciliationKind, Deadline, LetterKind
from complaints.models.register import Complaint

LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]


class AnswerTemplate(models.Model):
    """An editable letter template. Placeholders in {braces}: {reference}, {name},
    {received_on}, {answer_due}, {refusal_ground}, {refusal_reason}, {outcome}, {handler}.
    An answer letter always ends with the ombudsman referral (services.letters), whether or
    not the template mentions it."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind of letter"), max_length=16, choices=LetterKind)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="nl")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10000)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind", "language", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class ComplaintLetter(models.Model):
    """A letter or mail to the complainant, kept exactly as it was sent."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="letters"
    )
    kind = models.CharField(_("kind of letter"), max_length=16, choices=LetterKind)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="nl")
    template = models.ForeignKey(
        AnswerTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_to = models.CharField(_("sent to"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # How it left: e-mailed to sent_to (emailed_at once the mail server took it; the claim
    # that makes the mail task send it once), or kept to print and post (no e-mail address).
    by_post = models.BooleanField(_("to print and post"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.get_kind_display()}"


class ConciliationEntry(models.Model):
    """A call, meeting, message or agreement with the parent."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="conciliation",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConciliationKind)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("what was said or agreed"), max_length=4000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("conciliation entry")
        verbose_name_plural = _("conciliation log")
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.get_kind_display()} · {self.happened_on}"


class _AttachmentStorage(LazyObject):
    """Files outside the web root (settings.COMPLAINTS_FILES_ROOT, never under MEDIA_ROOT or
    STATIC_ROOT), read only through the complaints staff's download view."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.COMPLAINTS_FILES_ROOT, base_url=None)


attachment_storage = _AttachmentStorage()


def _attachment_storage() -> _AttachmentStorage:
    """A callable, so migrations name this function instead of one machine's directory."""
    return attachment_storage


class Attachment(models.Model):
    """A file the parent sent: PDF, JPEG or PNG up to 10 MB, its type read from its content."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=_attachment_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DeadlineWarningLevel(models.TextChoices):
    SOON = "soon", _("Deadline in 5 days")
    MISSED = "missed", _("Deadline missed")


class DeadlineWarning(models.Model):
    """A warning given about one deadline of one complaint: the unique key makes the daily task
    warn once, however often it runs."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.CharField(_("deadline"), max_length=16, choices=Deadline)
    level = models.CharField(_("level"), max_length=8, choices=DeadlineWarningLevel)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline warning")
        verbose_name_plural = _("deadline warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "deadline", "level"], name="deadline_warning_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.deadline} · {self.level}"
