"""Health check, error pages and the content security policy."""

from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings

from projects.models import HomePage

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_503_when_database_does_not_answer(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}


def test_healthz_reports_a_lost_cache_as_degraded_but_healthy(client):
    unreachable = {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    with override_settings(CACHES={"default": unreachable}):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


def test_page_shows_styled_503_without_traceback_when_database_fails(client, home_page):
    client.raise_request_exception = False
    with mock.patch.object(HomePage, "get_context", side_effect=OperationalError("gone")):
        response = client.get("/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in body
    assert "/static/css/site.css" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert response["Retry-After"] == "60"


def test_database_error_in_a_later_middleware_shows_styled_503(client, home_page):
    client.raise_request_exception = False
    with mock.patch(
        "community.middleware.MemberOnboardingMiddleware.__call__",
        side_effect=OperationalError("canceling statement due to statement timeout"),
    ):
        response = client.get("/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


def test_unexpected_error_shows_styled_500_page(client, home_page):
    client.raise_request_exception = False
    with mock.patch.object(HomePage, "get_context", side_effect=RuntimeError("bug")):
        response = client.get("/en/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "RuntimeError" not in body


@pytest.mark.parametrize(
    ("path", "text"),
    [("/bestaat-niet/", "Pagina niet gevonden"), ("/en/does-not-exist/", "Page not found")],
)
def test_unknown_address_shows_styled_404_in_the_readers_language(client, home_page, path, text):
    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert text in response.content.decode()


def test_403_page_is_styled(client, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("nl"):
        response = permission_denied(request, PermissionDenied())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Geen toegang" in response.content.decode()


def test_public_pages_send_a_strict_content_security_policy(client, home_page):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_only_the_staff_admin_allows_inline_code(client, researcher):
    client.force_login(researcher)

    policy = client.get("/admin/")["Content-Security-Policy"]

    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy
