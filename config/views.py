"""Operational endpoints that belong to no app."""

import threading
import uuid
from http import HTTPStatus

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# One key per process (and thread), overwritten by each check: an outage of any length leaves
# this process one key to forget, not one per check.
_HEALTH_KEY = f"healthz:{uuid.uuid4().hex}"


def database_reachable() -> bool:
    """Whether this process can run a query on its database now."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_reachable() -> bool:
    """Whether the cache keeps what it is given: a value written is read back.

    The cache backend turns an unreachable Redis into misses (config.cache), so a read that
    finds nothing is the only sign of one.
    """
    key = f"{_HEALTH_KEY}:{threading.get_ident()}"
    value = uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=60)
        kept = cache.get(key) == value
    except Exception:  # any other cache backend may raise on its outage
        return False
    return kept


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database and the cache separately.

    200 `ok` when both answer, 200 `degraded` when only the cache is gone (the site serves
    every page without it, more slowly), 503 `unavailable` when the database is gone: that is
    when a load balancer should stop sending this process requests.
    """
    database = database_reachable()
    cache_ok = cache_reachable()
    body = {
        "status": "ok" if database and cache_ok else "degraded" if database else "unavailable",
        "database": "ok" if database else "unreachable",
        "cache": "ok" if cache_ok else "unreachable",
    }
    return JsonResponse(body, status=HTTPStatus.OK if database else HTTPStatus.SERVICE_UNAVAILABLE)
