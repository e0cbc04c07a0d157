"""Background work for insights: writing export files.

Tasks take ids only (task arguments are stored in the queue) and are idempotent.
"""

from django_tasks import task

from insights.services.exports import export_job_write, exports_prune


@task()
def export_job_run(job_id: int) -> str:
    """Write one export job's file (insights.services.exports.export_job_write); returns
    the job's status. Running it again for a finished job does nothing."""
    job = export_job_write(job_id=job_id)
    return job.status if job is not None else "missing"


@task()
def exports_prune_run() -> int:
    """Delete expired export files; returns how many jobs expired. Safe to run twice."""
    return exports_prune()
