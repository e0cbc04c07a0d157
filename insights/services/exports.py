"""Exports as background jobs: starting one, writing its file, the download link and pruning.

A request only records the job and queues a task (insights.tasks.export_job_run): writing
100,000 posts takes longer than a request may. The task reads the rows in chunks and writes
CSV line by line and XLSX with openpyxl's write-only workbook, so memory stays flat. The rows
themselves (research ids, formula-safe cells, Brussels time) come from
projects.services.export and insights.services.coded_export.
"""

import datetime
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.models import NotificationKind, User
from community.services.notifications import notification_create
from insights.models.exports import (
    ACTIVE_STATUSES,
    EXPORT_KEEP,
    ExportFormat,
    ExportJob,
    ExportKind,
    ExportStatus,
)
from insights.rules import can_start_export
from insights.services.coded_export import coded_excerpt_count, coded_rows
from projects.models import ProjectPage
from projects.services.export import (
    EXPORT_CHUNK_SIZE,
    export_csv_write,
    export_post_count,
    export_rows,
    export_xlsx_write,
)

logger = logging.getLogger(__name__)

# A running job whose progress has not moved for this long was left by a worker that died:
# asking for the same export again queues it once more.
EXPORT_STALE_AFTER = datetime.timedelta(minutes=15)
# A download link works this long (and never after the file expired).
DOWNLOAD_LINK_MAX_AGE = datetime.timedelta(hours=24)
_DOWNLOAD_SALT = "insights.export-download"
# Files being written start with this, so that pruning can tell them from finished ones.
_PARTIAL_PREFIX = "."


@dataclass(frozen=True)
class ExportSource:
    rows: Callable[..., Iterator[list[object]]]
    count: Callable[..., int]
    sheet: str


SOURCES = {
    ExportKind.POSTS: ExportSource(rows=export_rows, count=export_post_count, sheet="posts"),
    ExportKind.CODED_EXCERPTS: ExportSource(
        rows=coded_rows, count=coded_excerpt_count, sheet="excerpts"
    ),
}


def _run_enqueue(job_id: int) -> None:
    from insights.tasks import export_job_run

    export_job_run.enqueue(job_id)


def export_job_start(
    *, user: User, project: ProjectPage, kind: ExportKind, file_format: ExportFormat
) -> tuple[ExportJob, bool]:
    """Ask for an export; returns the job and whether it is new.

    Only for whom `can_start_export` allows (PermissionDenied otherwise). At most one job per
    person, project, kind and format is queued or running (a database constraint): asking
    again — a double click, a second tab — returns that job. A running job that stopped
    moving (its worker died) is queued once more. The task is queued after the transaction
    commits, never for a job that was rolled back.
    """
    kind, file_format = ExportKind(kind), ExportFormat(file_format)
    if not can_start_export(user, kind):
        raise PermissionDenied
    same = ExportJob.objects.filter(
        requested_by=user, project=project, kind=kind, file_format=file_format
    )
    for _attempt in range(3):
        active = same.filter(status__in=ACTIVE_STATUSES).first()
        if active is not None:
            if (
                active.status == ExportStatus.RUNNING
                and active.updated_at < timezone.now() - EXPORT_STALE_AFTER
            ):
                transaction.on_commit(partial(_run_enqueue, active.pk), robust=True)
            return active, False
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    requested_by=user, project=project, kind=kind, file_format=file_format
                )
        except IntegrityError:
            # A request at the same moment created it: read it on the next turn.
            continue
        transaction.on_commit(partial(_run_enqueue, job.pk), robust=True)
        return job, True
    raise RuntimeError("Could not start or find the export job.")


class _Superseded(Exception):
    """A newer run of the same job took over: this one stops."""


def _progress(job_id: int, attempt: int, **fields: object) -> None:
    # Filtered on the attempt: an older run never overwrites a newer one's progress.
    if not ExportJob.objects.filter(pk=job_id, attempt=attempt).update(
        updated_at=timezone.now(), **fields
    ):
        raise _Superseded


def _counted(
    rows: Iterator[list[object]], job_id: int, attempt: int, written: list[int]
) -> Iterator[list[object]]:
    """The rows as they are, reporting progress once per chunk read; `written` ends up
    holding the number of data rows."""
    count = -1  # the header is no data row
    for row in rows:
        yield row
        count += 1
        if count and count % EXPORT_CHUNK_SIZE == 0:
            _progress(job_id, attempt, rows_written=count)
    written.append(max(count, 0))
    _progress(job_id, attempt, rows_written=written[0])


def _exports_root() -> Path:
    root = Path(settings.EXPORTS_ROOT)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def export_job_write(*, job_id: int) -> ExportJob | None:
    """Write the job's file, then notify the person who asked; returns the job.

    Idempotent: a job that is done, failed or expired is left as it is. A job left running
    (its worker was killed) is written again from the start: every run writes to a
    temporary name of its own and renames it when complete, so the final name only ever
    holds a whole file, and a run that a newer one replaced stops at its next chunk. A
    failure marks the job failed (the error goes to the log, not to the user).
    """
    job = ExportJob.objects.select_related("project", "requested_by").filter(pk=job_id).first()
    if job is None or job.status not in ACTIVE_STATUSES:
        return job
    attempt = job.attempt + 1
    claimed = ExportJob.objects.filter(
        pk=job.pk, attempt=job.attempt, status__in=ACTIVE_STATUSES
    ).update(
        status=ExportStatus.RUNNING,
        attempt=attempt,
        rows_written=0,
        rows_total=None,
        updated_at=timezone.now(),
    )
    if not claimed:
        return ExportJob.objects.get(pk=job.pk)
    source = SOURCES[ExportKind(job.kind)]
    root = _exports_root()
    file_name = f"export-{job.pk}-{secrets.token_hex(8)}.{job.file_format}"
    partial_path = root / f"{_PARTIAL_PREFIX}{file_name}.part"
    try:
        _progress(job.pk, attempt, rows_total=source.count(project=job.project))
        written: list[int] = []
        rows = _counted(source.rows(project=job.project), job.pk, attempt, written)
        if job.file_format == ExportFormat.CSV:
            with partial_path.open("w", encoding="utf-8", newline="") as file:
                export_csv_write(rows, file)
        else:
            export_xlsx_write(rows, partial_path, sheet=source.sheet)
        partial_path.chmod(0o600)
        os.replace(partial_path, root / file_name)
    except _Superseded:
        partial_path.unlink(missing_ok=True)
        return ExportJob.objects.get(pk=job.pk)
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        partial_path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk, attempt=attempt).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job.pk)
    return _export_job_finish(job=job, attempt=attempt, file_name=file_name, written=written[0])


@transaction.atomic
def _export_job_finish(*, job: ExportJob, attempt: int, file_name: str, written: int) -> ExportJob:
    finished = timezone.now()
    fields = {
        "status": ExportStatus.DONE,
        "file_name": file_name,
        # Posts may come or go while the file is written: the total is what the file holds.
        "rows_written": written,
        "rows_total": written,
        "finished_at": finished,
        "expires_at": finished + EXPORT_KEEP,
        "updated_at": finished,
    }
    done = ExportJob.objects.filter(pk=job.pk, attempt=attempt, status=ExportStatus.RUNNING).update(
        **fields
    )
    if not done:
        (Path(settings.EXPORTS_ROOT) / file_name).unlink(missing_ok=True)
        return ExportJob.objects.get(pk=job.pk)
    notification_create(
        recipient=job.requested_by,
        kind=NotificationKind.EXPORT_READY,
        title=_ready_titles(job),
        url=reverse("insights_exports_redirect"),
    )
    for name, value in {**fields, "attempt": attempt}.items():
        setattr(job, name, value)
    return job


def _ready_titles(job: ExportJob) -> dict[str, str]:
    """The notification's sentence in both languages (it is stored, then shown in either)."""
    titles = {}
    for language in ("nl", "en"):
        with translation.override(language):
            project_title = getattr(job.project, f"title_{language}", "") or job.project.title
            titles[language] = gettext(
                "Your export of “%(project)s” (%(what)s, %(format)s) is ready to download."
            ) % {
                "project": project_title,
                "what": ExportKind(job.kind).label,
                "format": ExportFormat(job.file_format).label,
            }
    return titles


def export_download_token(*, job: ExportJob) -> str:
    """An opaque signed token for the job's download link, valid DOWNLOAD_LINK_MAX_AGE."""
    return signing.TimestampSigner(salt=_DOWNLOAD_SALT).sign(str(job.pk))


def export_download_token_check(*, job: ExportJob, token: str) -> bool:
    """True when the token was made for this job and is younger than DOWNLOAD_LINK_MAX_AGE."""
    try:
        value = signing.TimestampSigner(salt=_DOWNLOAD_SALT).unsign(
            token, max_age=DOWNLOAD_LINK_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == str(job.pk)


def exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of finished exports past `expires_at` and mark the jobs expired;
    returns how many jobs expired. Also removes files no job refers to any more (their job
    was deleted with its requester or project, or a killed run left a partial file) once they
    are older than EXPORT_KEEP. Safe to run twice: a second run finds nothing to do."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).only(
        "pk", "file_name"
    ):
        if job.file_name:
            (Path(settings.EXPORTS_ROOT) / job.file_name).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name="", updated_at=now
        )
    root = Path(settings.EXPORTS_ROOT)
    if root.is_dir():
        kept = set(ExportJob.objects.exclude(file_name="").values_list("file_name", flat=True))
        cutoff = (now - EXPORT_KEEP).timestamp()
        for path in root.iterdir():
            if path.is_file() and path.name not in kept and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
    return expired
