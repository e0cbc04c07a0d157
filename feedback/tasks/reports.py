"""The monthly report: built on the first day of the month (a daily run builds it when it is
missing) and announced to team leads and administrators once."""

from django_tasks import task

from feedback.services.reports import monthly_report_run


@task()
def monthly_report_task() -> str:
    """Build last month's report if missing and announce it once; returns its month.
    Running it twice (a retry, two workers) builds and mails one report."""
    report = monthly_report_run()
    return f"{report.month:%Y-%m}"
