"""What the organisation does with feedback: comments coded with the shared codebook,
feedback cited by actions, and the frozen monthly report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from feedback.models.surveys import Response


class ResponseCoding(models.Model):
    """A code of the insights codebook applied to a response's comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(
        "insights.Code", verbose_name=_("code"), on_delete=models.PROTECT, related_name="+"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("coded"), auto_now_add=True)

    class Meta:
        verbose_name = _("coded comment")
        verbose_name_plural = _("coded comments")
        constraints = [
            models.UniqueConstraint(fields=["response", "code"], name="response_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.code_id}"


class ActionFeedbackEvidence(models.Model):
    """A feedback comment an action of the insights app cites as evidence."""

    action = models.ForeignKey(
        "insights.Action", on_delete=models.CASCADE, related_name="feedback_evidence"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback evidence")
        verbose_name_plural = _("feedback evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "response"], name="action_feedback_evidence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} · {self.response_id}"


class MonthlyReport(models.Model):
    """The report of one month, built once on the first day of the next and then frozen:
    its figures are stored as they were computed (`data`), so a late change to a team or a
    response never rewrites a report that was sent."""

    month = models.DateField(_("month"), unique=True, help_text=_("The month's first day."))
    data = models.JSONField(_("figures"), default=dict)
    built_at = models.DateTimeField(_("built"), auto_now_add=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReportAdjustment(models.Model):
    """An adjustment decided from a monthly report, recorded as an insights action; the next
    month's report lists it with its status."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="adjustments")
    action = models.OneToOneField(
        "insights.Action", on_delete=models.CASCADE, related_name="report_adjustment"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.action_id}"
