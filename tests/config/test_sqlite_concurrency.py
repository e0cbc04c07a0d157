"""The embedded default loses nothing when the web process and the worker write at once."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

ROUNDS = 150
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="about SQLite, the embedded default"
)


def _start(role: str, database: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.config.sqlite_writers", role, str(ROUNDS)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return stdout


def test_web_and_worker_writing_at_once_lose_nothing(tmp_path):
    database = tmp_path / "db.sqlite3"
    _finish(_start("setup", database))

    worker = _start("worker", database)
    web = _start("web", database)
    lost = json.loads(_finish(web))["lost"]
    if lost:
        worker.kill()  # it waits for tasks that were never enqueued
    assert lost == []
    _finish(worker)
    with closing(sqlite3.connect(database)) as check:
        statuses = check.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
    assert statuses == [("SUCCESSFUL", ROUNDS)]
