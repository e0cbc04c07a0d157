"""A site that survives its cache: with Redis gone, pages are built from the database."""

import logging
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from config.cache import DegradingRedisCache, degrading
from tests.community.factories import TEST_PASSWORD
from tests.conftest import dutch_url

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_cache():
    with override_settings(
        CACHES={"default": {"BACKEND": "config.cache.DegradingRedisCache", "LOCATION": CLOSED_PORT}}
    ):
        yield cache


def test_home_page_answers_when_the_cache_is_unreachable(client, home_page, unreachable_cache):
    started = time.perf_counter()
    response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    assert time.perf_counter() - started < 5


def test_project_page_answers_a_member_when_the_cache_is_unreachable(
    client, member, project_page, unreachable_cache
):
    client.force_login(member)

    response = client.get(dutch_url(project_page))

    assert response.status_code == HTTPStatus.OK


def test_member_page_answers_when_the_cache_is_unreachable(client, member, unreachable_cache):
    client.force_login(member)

    response = client.get(reverse("profile_edit"))

    assert response.status_code == HTTPStatus.OK


def test_login_works_when_the_cache_is_unreachable(client, member, home_page, unreachable_cache):
    assert client.get("/accounts/login/").status_code == HTTPStatus.OK

    # allauth's rate limits lock and count in the cache: with it gone they let the login through
    # (fail open) instead of answering 500 or 429.
    response = client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("profile_edit")).status_code == HTTPStatus.OK


def test_member_stays_logged_in_when_the_cache_goes_away(client, member):
    client.force_login(member)
    assert client.get(reverse("profile_edit")).status_code == HTTPStatus.OK

    with override_settings(
        CACHES={"default": {"BACKEND": "config.cache.DegradingRedisCache", "LOCATION": CLOSED_PORT}}
    ):
        response = client.get(reverse("profile_edit"))

    assert response.status_code == HTTPStatus.OK


def test_failing_reads_are_misses_and_failing_writes_do_nothing():
    backend = DegradingRedisCache(CLOSED_PORT, {})

    backend.set("key", "value")
    assert backend.get("key", "default") == "default"
    assert backend.get_many(["key", "other"]) == {}
    assert backend.has_key("key") is False
    assert backend.set_many({"key": 1, "other": 2}) == ["key", "other"]
    assert backend.delete("key") is False
    assert backend.add("lock", True) is True  # a lock lets the request through
    assert backend.get_or_set("key", "built") == "built"
    with pytest.raises(ValueError):
        backend.incr("counter")


def test_an_unreachable_cache_is_logged_once_not_per_call(caplog):
    backend = DegradingRedisCache(CLOSED_PORT, {})

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(100):
            backend.get("key")

    assert len(caplog.records) == 1
    assert "unreachable" in caplog.records[0].getMessage()
    assert caplog.records[0].exc_info is None


def test_after_a_failure_the_cache_is_left_alone_for_a_while():
    backend = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"RETRY_AFTER": 60}})
    backend.get("key")

    with mock.patch.object(backend._cache, "get") as get:
        assert backend.get("key") is None

    get.assert_not_called()


def test_keys_that_failed_to_be_written_are_deleted_when_the_cache_is_back():
    backend = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"RETRY_AFTER": 0}})
    with mock.patch.object(backend._cache, "set", side_effect=RedisConnectionError("down")):
        backend.set("token", "new")

    with (
        mock.patch.object(backend._cache, "delete_many") as delete_many,
        mock.patch.object(backend._cache, "get", return_value=None),
    ):
        backend.get("token")

    delete_many.assert_called_once_with([backend.make_key("token")])


def test_a_dead_redis_costs_milliseconds_not_seconds():
    backend = DegradingRedisCache(CLOSED_PORT, {"OPTIONS": {"RETRY_AFTER": 0}})

    started = time.perf_counter()
    for _ in range(20):
        backend.get("key")

    assert time.perf_counter() - started < 1


def test_only_redis_urls_get_the_degrading_backend():
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}

    assert degrading(redis)["BACKEND"] == "config.cache.DegradingRedisCache"
    assert degrading(database) == database
