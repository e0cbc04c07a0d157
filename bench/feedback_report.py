"""Benchmark of the monthly feedback report (issue 15), run by hand (it is not a test):

    .venv/bin/python bench/feedback_report.py generate --total 1000000
    .venv/bin/python bench/feedback_report.py measure
    .venv/bin/python bench/feedback_report.py generate --total 5000000
    .venv/bin/python bench/feedback_report.py measure

`generate` creates the PostgreSQL database when missing (it never drops one), migrates it and
adds an organisation (10 regions, 100 teams, 400 staff members), then responses with their
contacts and invitations, generated inside PostgreSQL (INSERT … SELECT over generate_series,
one statement per batch, so millions of rows take minutes). The first NEAR responses go to the
three months the report of REPORT_MONTH reads (70 % the month itself, 20 % the month before,
10 % the same month a year earlier); responses beyond that, up to --total, are spread over 36
other months. Every response of a consultation, home visit or e-mail has its invitation; low
scores of the near months get their follow-up item; one comment in fifty of the report month
is coded. A stage already done is skipped.

`measure` builds the report of REPORT_MONTH a few times, each inside a transaction that is
rolled back (so it can be repeated), and prints the median and the query plans of the two
grouped queries (to check they use the time indexes).
"""
# ruff: noqa: T201

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import DEFAULT_CACHE_URL, bench_environment, database_ensure  # noqa: E402

REPORT_MONTH = datetime.date(2026, 10, 1)
NEAR = 1_000_000
BATCH = 250_000
REGIONS = 10
TEAMS = 100
STAFF = 400
CODES = 10
STAFF_EMAIL = "bench-feedback-staff-{n}@example.org"


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def organisation_ensure() -> None:
    from community.models import User
    from feedback.models import Region, StaffMember, Team
    from feedback.services.surveys import survey_version_current
    from insights.models import Code

    if StaffMember.objects.filter(staff_number__startswith="BENCH").count() >= STAFF:
        return
    regions = [Region.objects.get_or_create(name=f"Bench regio {n}")[0] for n in range(REGIONS)]
    teams = [
        Team.objects.get_or_create(name=f"Bench team {n}", region=regions[n % REGIONS])[0]
        for n in range(TEAMS)
    ]
    for n in range(STAFF):
        user, _created = User.objects.get_or_create(
            email=STAFF_EMAIL.format(n=n), defaults={"pseudonym": ""}
        )
        StaffMember.objects.get_or_create(
            staff_number=f"BENCH{n:05d}",
            defaults={"user": user, "team": teams[n % TEAMS], "display_name": f"Bench {n}"},
        )
    for channel in ("consultation", "home_visit", "helpline", "email"):
        survey_version_current(channel)
    for n in range(CODES):
        Code.objects.get_or_create(name=f"Bench code {n}", project=None)
    print("organisation ready")


# One batch of contacts, their invitations and their responses, in one statement. %(first)s
# and %(last)s number the rows; each lands at a pseudo-random second of [start, start + span).
BATCH_SQL = """
WITH staff AS (
    SELECT row_number() OVER (ORDER BY s.id) - 1 AS idx, s.id, s.team_id, t.region_id
    FROM feedback_staffmember s JOIN feedback_team t ON t.id = s.team_id
    WHERE s.staff_number LIKE 'BENCH%%'
), versions AS (
    SELECT DISTINCT ON (channel) channel, id FROM feedback_surveyversion
    ORDER BY channel, version DESC
), contacts AS (
    INSERT INTO feedback_contact
        (channel, occurred_at, staff_id, external_reference, email, created_at)
    SELECT
        CASE WHEN g %% 10 < 5 THEN 'consultation' WHEN g %% 10 < 7 THEN 'home_visit'
             WHEN g %% 10 < 9 THEN 'helpline' ELSE 'email' END,
        %(start)s::timestamptz + ((g * 7919) %% %(span)s) * interval '1 second',
        staff.id, '', '', now()
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) g
    JOIN staff ON staff.idx = g %% %(staff)s
    RETURNING id, channel, staff_id, occurred_at
), invitations AS (
    INSERT INTO feedback_invitation
        (contact_id, token_hash, created_at, expires_at, mail_suppressed, address_hash,
         channel, staff_id, team_id, region_id)
    SELECT c.id, md5(c.id::text) || md5(c.id::text || 'bench'), c.occurred_at,
        c.occurred_at + interval '14 days', '', '', c.channel, c.staff_id, staff.team_id,
        staff.region_id
    FROM contacts c JOIN staff ON staff.id = c.staff_id WHERE c.channel <> 'helpline'
)
INSERT INTO feedback_response
    (contact_id, survey_version_id, channel, staff_id, team_id, region_id, score,
     question_answered, comment, may_contact, contact_detail, language, submitted_at)
SELECT c.id, versions.id, c.channel, c.staff_id, staff.team_id, staff.region_id,
    CASE WHEN (c.id * 31) %% 100 < 3 THEN 1 WHEN (c.id * 31) %% 100 < 7 THEN 2
         WHEN (c.id * 31) %% 100 < 18 THEN 3 WHEN (c.id * 31) %% 100 < 50 THEN 4 ELSE 5 END,
    CASE WHEN c.channel IN ('helpline', 'email')
         THEN (ARRAY['yes', 'yes', 'partly', 'no'])[1 + c.id %% 4] ELSE '' END,
    CASE WHEN c.id %% 10 = 0 THEN 'De wachttijd was lang, verder heel fijn.' ELSE '' END,
    false, '', 'nl', c.occurred_at + interval '1 hour'
FROM contacts c JOIN staff ON staff.id = c.staff_id JOIN versions ON versions.channel = c.channel
"""


def month_add(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _bounds(month: datetime.date, months: int = 1) -> tuple[datetime.datetime, int]:
    from feedback.services.aggregates import REPORT_TIME_ZONE

    start = datetime.datetime.combine(month, datetime.time(), REPORT_TIME_ZONE)
    end = datetime.datetime.combine(month_add(month, months), datetime.time(), REPORT_TIME_ZONE)
    # Stay clear of the month's end: submitted_at is an hour after the contact.
    return start, int((end - start).total_seconds()) - 7200


def _fill(label: str, start: datetime.datetime, span: int, count: int, offset: int) -> None:
    from django.db import connection, transaction

    from feedback.models import Response

    done = Response.objects.filter(
        submitted_at__gte=start, submitted_at__lt=start + datetime.timedelta(seconds=span + 7200)
    ).count()
    todo = count - done
    if todo <= 0:
        print(f"{label}: {done:,} responses, done already")
        return
    began = time.monotonic()
    first = offset + done
    while todo > 0:
        size = min(BATCH, todo)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                BATCH_SQL,
                {
                    "start": start,
                    "span": span,
                    "first": first,
                    "last": first + size - 1,
                    "staff": STAFF,
                },
            )
        first += size
        todo -= size
        print(f"{label}: {first - offset:,} of {count:,} ({time.monotonic() - began:.0f} s)")


def generate(arguments: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        # A batch takes longer than the web's statement limit (DATABASE_STATEMENT_TIMEOUT).
        cursor.execute("SET statement_timeout = 0")
    organisation_ensure()
    near = min(arguments.total, NEAR)
    month_start, month_span = _bounds(REPORT_MONTH)
    previous_start, previous_span = _bounds(month_add(REPORT_MONTH, -1))
    year_start, year_span = _bounds(month_add(REPORT_MONTH, -12))
    # Row numbers keep each stage's contacts apart (the numbers feed the pseudo-random parts).
    _fill("report month", month_start, month_span, near * 7 // 10, 0)
    _fill("previous month", previous_start, previous_span, near * 2 // 10, 10_000_000)
    _fill("a year earlier", year_start, year_span, near // 10, 20_000_000)
    others = arguments.total - near
    if others > 0:
        # 36 months the report does not read: 2022-01 to 2024-12.
        other_start, other_span = _bounds(datetime.date(2022, 1, 1), 36)
        _fill("other months", other_start, other_span, others, 30_000_000)
    end = datetime.datetime.combine(month_add(REPORT_MONTH, 1), datetime.time(), month_start.tzinfo)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO feedback_followup
                (response_id, team_id, reason, due_date, status, outcome, created_at)
            SELECT r.id, r.team_id, 'low_score', (r.submitted_at + interval '7 days')::date,
                CASE WHEN r.id %% 3 = 0 THEN 'open' ELSE 'closed' END, '', r.submitted_at
            FROM feedback_response r
            WHERE r.score <= 2 AND r.submitted_at >= %s AND r.submitted_at < %s
            ON CONFLICT DO NOTHING
            """,
            [previous_start, end],
        )
        cursor.execute(
            """
            INSERT INTO feedback_responsecoding (response_id, code_id, created_at)
            SELECT r.id, (SELECT id FROM insights_code WHERE name = 'Bench code ' || (r.id %% 10)),
                now()
            FROM feedback_response r
            WHERE r.comment <> '' AND r.id %% 50 = 0 AND r.submitted_at >= %s
                AND r.submitted_at < %s
            ON CONFLICT DO NOTHING
            """,
            [month_start, end],
        )
        cursor.execute("ANALYZE feedback_contact, feedback_invitation, feedback_response")
    print("follow-up items and codings ready")


class Rollback(Exception):
    pass


def measure(arguments: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from feedback.models import Invitation, MonthlyReport, Response
    from feedback.services.aggregates import month_bounds
    from feedback.services.reports import monthly_report_build

    start, end = month_bounds(month_add(REPORT_MONTH, -12), REPORT_MONTH)
    print(f"responses in the table: {Response.objects.count():,}")
    near = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    print(f"responses from {start:%Y-%m} to {REPORT_MONTH:%Y-%m}: {near.count():,}")
    print(f"invitations in the table: {Invitation.objects.count():,}")
    MonthlyReport.objects.filter(month=REPORT_MONTH).delete()
    times = []
    for _run in range(arguments.runs + 1):
        try:
            with transaction.atomic():
                began = time.perf_counter()
                with connection.execute_wrapper(_capture) as _:
                    report = monthly_report_build(month=REPORT_MONTH)
                times.append(time.perf_counter() - began)
                raise Rollback
        except Rollback:
            pass
    warm = times[1:]
    print(f"first (cold) build: {times[0] * 1000:.0f} ms")
    print(
        f"monthly_report_build, median of {len(warm)} warm runs: "
        f"{statistics.median(warm) * 1000:.0f} ms (min {min(warm) * 1000:.0f}, "
        f"max {max(warm) * 1000:.0f}); {len(CAPTURED) // len(times)} queries per build"
    )
    print(f"report total: {report.data['total']['now']}")
    per_build = len(CAPTURED) // len(times)
    print("slowest queries of the last build:")
    for sql, _params, seconds in sorted(CAPTURED[-per_build:], key=lambda q: -q[2])[:4]:
        print(f"  {seconds * 1000:6.0f} ms  {sql[:90]}")
    if arguments.explain:
        with connection.cursor() as cursor:
            for sql, params, _seconds in CAPTURED[: len(CAPTURED) // len(times)]:
                if "GROUP BY" not in sql:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()))
                print()


CAPTURED: list = []


def _capture(execute, sql, params, many, context):
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        CAPTURED.append((sql, params, time.perf_counter() - began))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["generate", "measure"])
    parser.add_argument("--database", default="mtp_feedback_bench", help="PostgreSQL database")
    parser.add_argument("--total", type=int, default=5_000_000, help="responses in the table")
    parser.add_argument("--runs", type=int, default=5, help="timed warm builds")
    parser.add_argument("--explain", action="store_true", help="print the grouped queries' plans")
    arguments = parser.parse_args()
    os.environ.update(bench_environment(database_url(arguments.database), DEFAULT_CACHE_URL))
    if arguments.action == "generate":
        database_ensure(database_url(arguments.database))
    import django

    django.setup()
    (generate if arguments.action == "generate" else measure)(arguments)


if __name__ == "__main__":
    main()
