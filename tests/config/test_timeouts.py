"""A database that does not answer costs a request seconds and shows the 503 page."""

import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.postgresql.base import DatabaseWrapper

from projects.models import HomePage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-1234567890-abcdefghijkl",
    "ALLOWED_HOSTS": "meettheparents.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "DATABASE_URL": "postgres://meettheparents@127.0.0.1:5432/meettheparents",
}


def database_options(**env: str) -> dict:
    """settings.DATABASES["default"]["OPTIONS"] under the production settings and `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        ],
        cwd=BASE_DIR,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307 - our own settings, printed by our own process


def test_postgresql_gets_connect_and_statement_timeouts_by_default():
    options = database_options()

    assert options["connect_timeout"] == 5
    assert options["options"] == "-c statement_timeout=30000"


def test_timeouts_come_from_the_environment_and_keep_other_server_options():
    options = database_options(
        DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"] + "?options=-c%20search_path%3Dpublic",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT="10",
    )

    assert options["connect_timeout"] == 2
    assert options["tcp_user_timeout"] == 2000
    assert options["options"] == "-c search_path=public -c statement_timeout=10000"


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers, like a hung PostgreSQL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_connecting_to_a_hung_database_gives_up_after_the_connect_timeout(
    silent_server, django_db_blocker
):
    hung = DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "meettheparents",
            "USER": "meettheparents",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": silent_server,
            "OPTIONS": {"connect_timeout": 1},
        },
        alias="hung",
    )

    started = time.perf_counter()
    with django_db_blocker.unblock(), pytest.raises(OperationalError):
        hung.ensure_connection()

    assert time.perf_counter() - started < 3


@pytest.mark.django_db
def test_statement_past_the_timeout_shows_the_503_page(client, home_page):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")

    def slow_context(*args, **kwargs):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    client.raise_request_exception = False
    started = time.perf_counter()
    with mock.patch.object(HomePage, "get_context", side_effect=slow_context):
        response = client.get("/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "Tijdelijk niet beschikbaar" in response.content.decode()
    assert time.perf_counter() - started < 1.5
