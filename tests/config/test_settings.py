"""Settings guards: production refuses to start without its secrets and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-1234567890-abcdefghijkl",
    "ALLOWED_HOSTS": "meettheparents.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    ignored = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_printed(code: str, env: dict[str, str]) -> str:
    """What `code` prints with Django set up under `env`, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = run_manage("check", env=env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert missing in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("cache_url", ["locmemcache://", "dummycache://"])
def test_production_refuses_a_cache_of_its_own_per_process(cache_url):
    result = run_manage("check", env={**PRODUCTION_ENV, "CACHE_URL": cache_url})

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "CACHE_URL" in lines[0]


def test_production_passes_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_dev_settings_default_to_sqlite_in_var_and_mail_files():
    code = (
        "from django.conf import settings;"
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'],"
        " settings.DATABASES['default']['NAME'], settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {*PRODUCTION_ENV, "DEBUG", "EMAIL_URL"}
    }
    printed = settings_printed(code, {**clean, "DJANGO_SETTINGS_MODULE": "config.settings.dev"})

    debug, engine, name, backend, mail_path = printed.split()
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(BASE_DIR / "var" / "db.sqlite3")
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert mail_path == str(BASE_DIR / "var" / "mail")


def test_production_settings_are_hardened(settings):
    env = {**os.environ, **PRODUCTION_ENV}
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.STORAGES['staticfiles']['BACKEND'])"
    )
    printed = settings_printed(code, env)

    assert printed.split() == [
        "False",
        "True",
        "True",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


@pytest.mark.parametrize(
    ("database_url", "prepared", "expected"),
    [
        ("postgres://u@127.0.0.1/db", None, "True 5"),
        ("postgres://u@127.0.0.1/db", "false", "None None"),
        ("sqlite:///:memory:", None, "None None"),
    ],
)
def test_postgresql_prepares_frequent_queries_unless_switched_off(database_url, prepared, expected):
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url}
    env.pop("DATABASE_PREPARED_STATEMENTS", None)
    if prepared is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = prepared
    code = (
        "from django.conf import settings as s; o = s.DATABASES['default'].get('OPTIONS', {});"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    assert settings_printed(code, env).strip() == expected


def test_production_login_sets_the_session_cookie_secure_and_http_only(tmp_path):
    """A real login under production settings, looking at the Set-Cookie attributes the
    browser gets, not only at the settings that should produce them."""
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "testserver",
        "CACHE_URL": f"filecache://{tmp_path}",
    }
    code = "\n".join(
        [
            "from django.test.utils import setup_test_environment",
            "from django.db import connection",
            "from django.test import Client",
            "from tests.community.factories import TEST_PASSWORD, UserFactory",
            "setup_test_environment()",
            # The tables as the models describe them, without running every migration.
            "connection.settings_dict['TEST']['MIGRATE'] = False",
            "connection.creation.create_test_db(verbosity=0)",
            "user = UserFactory(email='ouder@example.org')",
            "response = Client().post('/en/accounts/login/',"
            " {'login': user.email, 'password': TEST_PASSWORD}, secure=True)",
            "cookie = response.cookies['sessionid']",
            "print(response.status_code, bool(cookie['secure']), bool(cookie['httponly']),"
            " bool(response.cookies['csrftoken']['secure']))",
        ]
    )

    printed = settings_printed(code, env)

    assert printed.split() == ["302", "True", "True", "True"]
