"""Exports as background jobs: a researcher asks for a project's posts or coded excerpts as
CSV or XLSX; a task writes the file under EXPORTS_ROOT (private: outside the web root and
MEDIA_ROOT) and the requester downloads it through an expiring link."""

import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a finished file is kept before `exports_prune` deletes it.
EXPORT_KEEP = datetime.timedelta(days=7)


class ExportKind(models.TextChoices):
    POSTS = "posts", _("Posts")
    CODED_EXCERPTS = "coded_excerpts", _("Coded excerpts")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


# At most one of these per person, project, kind and format: a double click starts one job.
ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportJob(models.Model):
    """One export asked for by one person. `attempt` grows with every run, so a run that a
    newer one replaced (a worker killed and the job started again) stops writing."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    project = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("what"), max_length=20, choices=ExportKind)
    file_format = models.CharField(_("format"), max_length=8, choices=ExportFormat)
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus, default=ExportStatus.QUEUED
    )
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    # A name inside EXPORTS_ROOT, never a path chosen by a request.
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # Touched with every chunk written: a running job that stops moving was left by a worker
    # that died (see insights.services.exports.EXPORT_STALE_AFTER).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester")]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "project", "kind", "file_format"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="export_one_active_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_file_format_display()} · {self.project_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_downloadable(self) -> bool:
        """Done, and not past its expiry (even before `exports_prune` has run)."""
        return (
            self.status == ExportStatus.DONE
            and bool(self.file_name)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def is_expired(self) -> bool:
        return self.status == ExportStatus.EXPIRED or (
            self.status == ExportStatus.DONE
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def file_path(self) -> Path | None:
        return Path(settings.EXPORTS_ROOT) / self.file_name if self.file_name else None

    @property
    def download_name(self) -> str:
        """What the browser saves it as: project, kind and the day it was written."""
        day = timezone.localdate(self.finished_at or self.created_at)
        kind = "posts" if self.kind == ExportKind.POSTS else "coded"
        return f"project-{self.project_id}-{kind}-{day.isoformat()}.{self.file_format}"
