"""Exports as background jobs: the request only queues the job; the task streams the rows
into a private file, reports progress, survives a killed worker and a re-run; the person who
asked gets a notification and downloads through an expiring link; old files are pruned."""

import csv
import datetime
import io
import os
import time
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community.forms.notifications import NotificationPreferencesForm
from community.models import MemberProfile, Notification, NotificationKind, Province, Role
from community.models.profiles import Child, month_start, months_added
from insights.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from insights.services import exports as export_services
from insights.services.coded_export import CODED_COLUMNS, coded_excerpts, coded_rows
from insights.services.exports import (
    ExportSource,
    export_download_token,
    export_job_start,
    export_job_write,
    exports_prune,
)
from projects.services import export as post_export
from projects.services.export import EXPORT_COLUMNS, EXPORT_TIME_ZONE, export_row, export_rows
from tests.community.factories import UserFactory
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import post_write

pytestmark = pytest.mark.django_db

EXPORTS_URL = "/admin/insights/exports/"


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path) -> Path:
    """Every test writes its files in a folder of its own, never in var/exports."""
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


@pytest.fixture
def posts(topic_page):
    """Five published posts by two parents (one with a profile), a reply among them."""
    first, second = UserFactory(), UserFactory()
    profile = MemberProfile.objects.create(user=first, province=Province.LIMBURG)
    Child.objects.create(profile=profile, month=months_added(month_start(), -3))
    answer = post_write(topic_page, first, "=1+1 is geen formule")
    written = [answer, post_write(topic_page, second, "Herkenbaar.", parent=answer)]
    written += [post_write(topic_page, first, f"Antwoord {n}.") for n in range(3)]
    return written


def job_for(user, project, **fields) -> ExportJob:
    values = {"kind": ExportKind.POSTS, "file_format": ExportFormat.CSV, **fields}
    return ExportJob.objects.create(requested_by=user, project=project, **values)


def with_powers(user):
    """The user as the request has them once their second factor passed."""
    user.second_factor_passed = True
    return user


def file_rows(job: ExportJob) -> list[list]:
    job.refresh_from_db()
    if job.file_format == ExportFormat.CSV:
        text = job.file_path.read_text(encoding="utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:])))
    sheet = openpyxl.load_workbook(job.file_path).active
    return [["" if cell is None else cell for cell in row] for row in sheet.values]


def as_strings(rows) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in rows]


def small_chunks(monkeypatch, size: int = 2) -> None:
    monkeypatch.setattr(post_export, "EXPORT_CHUNK_SIZE", size)
    monkeypatch.setattr(export_services, "EXPORT_CHUNK_SIZE", size)
    monkeypatch.setattr("insights.services.coded_export.EXPORT_CHUNK_SIZE", size)


# --- streaming the rows ---


def test_streamed_post_rows_are_the_rows_of_the_whole_list(project_page, posts, monkeypatch):
    small_chunks(monkeypatch)
    today = datetime.datetime.now(EXPORT_TIME_ZONE).date()
    whole_list = [EXPORT_COLUMNS] + [
        export_row(post, today) for post in list(post_export.export_posts(project_page))
    ]

    streamed = list(export_rows(project=project_page))

    assert streamed == whole_list
    assert [row[0] for row in streamed[1:]] == [post.pk for post in posts]
    assert streamed[1][6] == "'=1+1 is geen formule"


def test_streamed_coded_rows_hold_every_excerpt_once(project_page, posts, moderator, monkeypatch):
    small_chunks(monkeypatch)
    code = CodeFactory()
    for post in posts:
        excerpt_of(post, moderator, code)

    streamed = list(coded_rows(project=project_page))

    assert streamed[0] == CODED_COLUMNS
    assert [row[0] for row in streamed[1:]] == [
        excerpt.pk for excerpt in coded_excerpts(project=project_page)
    ]


@pytest.mark.parametrize("file_format", [ExportFormat.CSV, ExportFormat.XLSX])
def test_the_file_holds_the_rows_and_the_job_its_count(
    project_page, posts, researcher, file_format, exports_root
):
    job = job_for(researcher, project_page, file_format=file_format)

    export_job_write(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.rows_written == job.rows_total == len(posts)
    assert job.expires_at == job.finished_at + datetime.timedelta(days=7)
    assert as_strings(file_rows(job)) == as_strings(export_rows(project=project_page))
    assert [path.name for path in exports_root.iterdir()] == [job.file_name]
    assert oct(job.file_path.stat().st_mode & 0o777) == "0o600"


def test_progress_is_reported_once_per_chunk(project_page, posts, researcher, monkeypatch):
    small_chunks(monkeypatch)
    reported = []
    progress = export_services._progress
    monkeypatch.setattr(
        export_services,
        "_progress",
        lambda job_id, attempt, **fields: (
            reported.append(fields) or progress(job_id, attempt, **fields)
        ),
    )
    job = job_for(researcher, project_page)

    export_job_write(job_id=job.pk)

    assert reported == [
        {"rows_total": 5},
        {"rows_written": 2},
        {"rows_written": 4},
        {"rows_written": 5},
    ]


def test_running_a_finished_job_again_changes_nothing(project_page, posts, researcher):
    job = job_for(researcher, project_page)
    export_job_write(job_id=job.pk)
    job.refresh_from_db()
    written = job.file_path.stat().st_mtime_ns

    again = export_job_write(job_id=job.pk)

    assert (again.status, again.attempt, again.file_name) == (
        ExportStatus.DONE,
        1,
        job.file_name,
    )
    assert job.file_path.stat().st_mtime_ns == written
    assert Notification.objects.filter(kind=NotificationKind.EXPORT_READY).count() == 1


def test_a_job_a_killed_worker_left_running_is_written_again_from_scratch(
    project_page, posts, researcher, exports_root
):
    job = job_for(researcher, project_page, status=ExportStatus.RUNNING, attempt=1)
    ExportJob.objects.filter(pk=job.pk).update(rows_written=4000, rows_total=9000)
    exports_root.mkdir(parents=True)
    left_over = exports_root / f".export-{job.pk}-dead.csv.part"
    left_over.write_text("half a fi")

    export_job_write(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempt, job.rows_written, job.rows_total) == (
        ExportStatus.DONE,
        2,
        5,
        5,
    )
    assert len(file_rows(job)) == 6
    assert left_over.exists()  # another run's name: pruning removes it once it is old


def test_a_run_that_a_newer_run_replaced_stops_and_leaves_no_file(
    project_page, posts, researcher, monkeypatch, exports_root
):
    job = job_for(researcher, project_page)

    def count_while_a_newer_run_claims_the_job(*, project) -> int:
        ExportJob.objects.filter(pk=job.pk).update(attempt=7)
        return 5

    monkeypatch.setitem(
        export_services.SOURCES,
        ExportKind.POSTS,
        ExportSource(rows=export_rows, count=count_while_a_newer_run_claims_the_job, sheet="p"),
    )

    export_job_write(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.file_name) == (ExportStatus.RUNNING, "")
    assert list(exports_root.iterdir()) == []
    assert not Notification.objects.exists()


def test_a_failing_export_is_marked_failed_and_leaves_no_file(
    project_page, researcher, monkeypatch, exports_root
):
    def broken_rows(*, project):
        yield EXPORT_COLUMNS
        raise RuntimeError("database went away")

    monkeypatch.setitem(
        export_services.SOURCES,
        ExportKind.POSTS,
        ExportSource(rows=broken_rows, count=lambda *, project: 1, sheet="posts"),
    )
    job = job_for(researcher, project_page, file_format=ExportFormat.XLSX)

    export_job_write(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert list(exports_root.iterdir()) == []
    assert not Notification.objects.exists()


def test_the_requester_is_notified_with_a_link_that_works_in_both_languages(
    client_for_role, project_page, posts, researcher
):
    job = job_for(researcher, project_page)

    export_job_write(job_id=job.pk)

    notification = Notification.objects.get(recipient=researcher)
    assert notification.kind == NotificationKind.EXPORT_READY
    assert notification.url == "/exports/"
    assert "Slapen" in notification.params["title"]["nl"]
    assert "Sleeping" in notification.params["title"]["en"]
    client = client_for_role("researcher")
    for path in (notification.url, notification.localized_url("en")):
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == EXPORTS_URL


# --- starting ---


def test_asking_twice_for_the_same_export_makes_one_job(project_page, researcher):
    researcher = with_powers(researcher)

    first, created = export_job_start(
        user=researcher, project=project_page, kind="posts", file_format="csv"
    )
    second, created_again = export_job_start(
        user=researcher, project=project_page, kind="posts", file_format="csv"
    )
    other_format, _ = export_job_start(
        user=researcher, project=project_page, kind="posts", file_format="xlsx"
    )

    assert (created, created_again) == (True, False)
    assert first == second != other_format
    assert ExportJob.objects.count() == 2


def test_a_running_job_that_stopped_moving_is_queued_again(
    project_page, posts, researcher, django_capture_on_commit_callbacks
):
    job = job_for(researcher, project_page, status=ExportStatus.RUNNING, attempt=1)
    stale = timezone.now() - datetime.timedelta(minutes=16)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=stale)

    with django_capture_on_commit_callbacks(execute=True):
        again, created = export_job_start(
            user=with_powers(researcher), project=project_page, kind="posts", file_format="csv"
        )

    assert (again, created) == (job, False)
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ExportStatus.DONE, 2)


def test_a_moderator_cannot_start_an_export(project_page, moderator):
    with pytest.raises(PermissionDenied):
        export_job_start(
            user=with_powers(moderator), project=project_page, kind="posts", file_format="csv"
        )


def test_starting_answers_at_once_with_a_redirect_to_my_exports(
    client_for_role, project_page, posts, django_capture_on_commit_callbacks
):
    client = client_for_role("researcher")

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/admin/projects/{project_page.pk}/export.xlsx")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == EXPORTS_URL
    job = ExportJob.objects.get()
    # The request wrote nothing: the file is the task's work, queued after the commit.
    assert (job.status, job.kind, job.file_format) == (ExportStatus.QUEUED, "posts", "xlsx")
    assert len(queued) == 1


def test_a_double_submit_makes_one_job(client_for_role, project_page, posts):
    client = client_for_role("researcher")
    url = f"/admin/projects/{project_page.pk}/export.csv"

    client.post(url)
    response = client.post(url, follow=True)

    assert ExportJob.objects.count() == 1
    assert "Deze export wordt al gemaakt." in response.content.decode()


def test_the_coded_export_page_starts_a_coded_excerpts_job(
    client_for_role, project_page, posts, moderator, django_capture_on_commit_callbacks
):
    excerpt_of(posts[0], moderator, CodeFactory())
    client = client_for_role("researcher")
    url = f"/admin/insights/projects/{project_page.pk}/coded.csv"

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert page.status_code == HTTPStatus.OK
    assert "Start de export" in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    job = ExportJob.objects.get()
    assert (job.kind, job.status) == (ExportKind.CODED_EXCERPTS, ExportStatus.DONE)
    assert file_rows(job)[0] == CODED_COLUMNS


# --- the list of my exports ---


def test_my_exports_show_progress_download_failure_and_expiry(
    client_for_role, project_page, researcher, other_parent
):
    now = timezone.now()
    job_for(researcher, project_page)
    job_for(researcher, project_page, kind=ExportKind.CODED_EXCERPTS, status="running")
    ExportJob.objects.filter(status="running").update(rows_written=2000, rows_total=5000)
    done = job_for(researcher, project_page, file_format="xlsx", status="done", rows_written=12)
    ExportJob.objects.filter(pk=done.pk).update(
        file_name="export-done.xlsx", finished_at=now, expires_at=now + datetime.timedelta(days=7)
    )
    job_for(researcher, project_page, file_format="xlsx", kind="coded_excerpts", status="failed")
    job_for(researcher, project_page, status="expired")
    someone_elses = job_for(UserFactory(), project_page)

    html = client_for_role("researcher").get(EXPORTS_URL).content.decode()

    assert "Wacht om te starten" in html
    assert "2000 van 5000 rijen geschreven" in html
    assert f"/admin/insights/exports/{done.pk}/download/?token=" in html
    assert "12 rijen, beschikbaar tot" in html
    assert "Er ging iets mis bij het maken van dit bestand" in html
    assert "Verlopen: het bestand is na 7 dagen verwijderd" in html
    assert f'data-export="{someone_elses.pk}"' not in html


@pytest.mark.parametrize("jobs", [2, 12])
def test_my_exports_cost_the_same_queries_for_2_and_12_jobs(
    client_for_role, project_page, researcher, django_assert_num_queries, jobs
):
    now = timezone.now()
    job_for(researcher, project_page, status="queued")
    job_for(researcher, project_page, status="running", file_format="xlsx", rows_total=9)
    for number in range(jobs - 2):
        job = job_for(researcher, project_page, status=["done", "failed", "expired"][number % 3])
        ExportJob.objects.filter(pk=job.pk).update(
            file_name=f"f{number}", rows_written=3, expires_at=now + datetime.timedelta(days=1)
        )
    client = client_for_role("researcher")
    client.get(EXPORTS_URL)

    with django_assert_num_queries(EXPORT_LIST_QUERIES):
        response = client.get(EXPORTS_URL)

    assert response.content.decode().count("data-export=") == jobs


# admin page overhead (2FA, roles, admin menu…) plus the person's jobs with their projects
EXPORT_LIST_QUERIES = 11


# --- downloading ---


@pytest.fixture
def finished(project_page, posts, researcher):
    job = job_for(researcher, project_page, file_format=ExportFormat.XLSX)
    export_job_write(job_id=job.pk)
    job.refresh_from_db()
    return job


def download_url(job, token: str | None = None) -> str:
    token = export_download_token(job=job) if token is None else token
    return f"/admin/insights/exports/{job.pk}/download/?token={token}"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.FORBIDDEN),
        ("other_parent", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.FOUND),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
    ],
)
def test_download_permission_matrix(client_for_role, finished, role, expected):
    response = client_for_role(role).get(download_url(finished))

    assert response.status_code == expected
    if expected == HTTPStatus.OK:
        assert "attachment" in response["Content-Disposition"]
        response.close()
    else:
        assert "attachment" not in response.get("Content-Disposition", "")


def test_another_researcher_cannot_download_my_export(client, finished):
    from tests.conftest import login_with_two_factor

    colleague = UserFactory(email="collega@example.org", roles=[Role.RESEARCHER])
    login_with_two_factor(client, colleague)

    response = client.get(download_url(finished))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize(
    ("kind", "rule", "expected"),
    [
        (ExportKind.POSTS, "can_export_posts", HTTPStatus.NOT_FOUND),
        (ExportKind.POSTS, "can_export_coded_data", HTTPStatus.OK),
        (ExportKind.CODED_EXCERPTS, "can_export_coded_data", HTTPStatus.NOT_FOUND),
        (ExportKind.CODED_EXCERPTS, "can_export_posts", HTTPStatus.OK),
    ],
)
def test_a_download_asks_the_permission_of_its_own_kind(
    client_for_role, project_page, posts, researcher, monkeypatch, kind, rule, expected
):
    """Should one kind of export be withdrawn from researchers, their files of that kind stop
    downloading and those of the other kind do not."""
    job = job_for(researcher, project_page, kind=kind)
    export_job_write(job_id=job.pk)
    client = client_for_role("researcher")
    monkeypatch.setattr(f"insights.rules.{rule}", lambda user: False)

    response = client.get(download_url(job))

    assert response.status_code == expected
    response.close()


def test_the_download_is_an_uncached_attachment_of_the_file(client_for_role, finished):
    response = client_for_role("researcher").get(download_url(finished))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="project-{finished.project_id}-posts-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == finished.file_path.read_bytes()


def test_a_link_older_than_a_day_is_refused_with_a_friendly_message(
    client_for_role, finished, monkeypatch
):
    yesterday = time.time() - 25 * 60 * 60
    monkeypatch.setattr(time, "time", lambda: yesterday)
    old_token = export_download_token(job=finished)
    monkeypatch.undo()

    response = client_for_role("researcher").get(download_url(finished, old_token))

    assert response.status_code == HTTPStatus.GONE
    assert "Deze downloadlink is verlopen" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


def test_an_expired_export_is_refused_with_a_friendly_message(client_for_role, finished):
    ExportJob.objects.filter(pk=finished.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client_for_role("researcher").get(download_url(finished))

    assert response.status_code == HTTPStatus.GONE
    assert "Deze downloadlink is verlopen" in response.content.decode()


@pytest.mark.parametrize("token", ["", "1:abc:def", "signed without the download salt"])
def test_a_forged_token_is_refused(client_for_role, finished, token):
    if token == "signed without the download salt":
        # Signed here, not in the parameters: the test ids must be the same in every worker.
        token = signing.TimestampSigner().sign("1")
    response = client_for_role("researcher").get(download_url(finished, token))

    assert response.status_code == HTTPStatus.GONE
    assert "attachment" not in response.get("Content-Disposition", "")


def test_an_unknown_export_is_404(client_for_role):
    response = client_for_role("researcher").get("/admin/insights/exports/999999/download/")

    assert response.status_code == HTTPStatus.NOT_FOUND


# --- pruning ---


def test_prune_deletes_only_expired_files_and_is_safe_to_run_twice(
    project_page, researcher, exports_root
):
    now = timezone.now()
    exports_root.mkdir(parents=True)
    old = job_for(researcher, project_page, status="done", file_name="old.csv")
    fresh = job_for(researcher, project_page, status="done", file_name="fresh.csv")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    ExportJob.objects.filter(pk=fresh.pk).update(expires_at=now + datetime.timedelta(days=1))
    for name in ("old.csv", "fresh.csv", "orphan.csv", ".export-1-dead.csv.part", "new.csv"):
        (exports_root / name).write_text("x")
    eight_days_ago = (now - datetime.timedelta(days=8)).timestamp()
    for name in ("orphan.csv", ".export-1-dead.csv.part"):
        os.utime(exports_root / name, (eight_days_ago, eight_days_ago))

    assert exports_prune() == 1
    assert exports_prune() == 0

    assert sorted(path.name for path in exports_root.iterdir()) == ["fresh.csv", "new.csv"]
    old.refresh_from_db()
    assert (old.status, old.file_name, old.is_expired) == (ExportStatus.EXPIRED, "", True)
    assert ExportJob.objects.get(pk=fresh.pk).status == ExportStatus.DONE


def test_the_prune_command_runs_without_an_exports_folder(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "never-made"
    output = io.StringIO()

    call_command("exports_prune", stdout=output)

    assert "Expired 0" in output.getvalue()


# --- the notification preference ---


def test_parents_never_see_the_exports_ready_preference(client, member, researcher):
    client.force_login(member)

    html = client.get(reverse("notification_preferences")).content.decode()

    assert "Exports klaar om te downloaden" not in html
    assert "export_ready" not in NotificationPreferencesForm(initial_frequencies={}).fields
    assert (
        "export_ready"
        not in NotificationPreferencesForm(initial_frequencies={}, user=member).fields
    )
    assert (
        "export_ready"
        in NotificationPreferencesForm(initial_frequencies={}, user=with_powers(researcher)).fields
    )
    assert (
        "export_ready"
        not in NotificationPreferencesForm(
            initial_frequencies={}, user=researcher.__class__.objects.get(pk=researcher.pk)
        ).fields
    )  # a researcher without their second factor is no researcher yet
