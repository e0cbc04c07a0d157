"""The task the worker runs in tests/config/sqlite_writers.py (imported after Django is set up)."""

from django_tasks import task


@task()
def record(number: int) -> int:
    return number
