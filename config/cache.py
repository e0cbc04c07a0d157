"""A Redis cache the site survives: when Redis is down or hangs, reads are misses and writes
are dropped, so every page is built from the database instead of answering 500.

Everything this site keeps in the cache can be rebuilt (docs/caching.md), so a miss is always
correct; only slower. What this backend guarantees:

- No cache call raises a Redis error. A failing read returns the default (a miss), a failing
  write or delete does nothing; `add` reports success, so a lock built on it (allauth's rate
  limits, its used-TOTP-code marker) lets the request through instead of failing it: the
  rate limits fail open while the cache is down (README, "Deploying").
- A dead Redis costs milliseconds: connecting and reading time out after a fraction of a
  second, and after a failure this process leaves Redis alone for `RETRY_AFTER` seconds
  (every call is then a miss or a no-op without touching the network).
- One warning when the cache becomes unreachable, one a minute while it stays so, one when it
  is back: never a traceback per request.
- Nothing written during an outage leaves a stale value behind: the keys whose write or delete
  failed are deleted as soon as Redis answers again (a dropped `version_renew` would otherwise
  keep serving what the renewal was meant to retire, if Redis kept its data).
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
DEGRADING_BACKEND = "config.cache.DegradingRedisCache"

# Redis on the same network answers in well under a millisecond; a rendering of a long thread
# (about 125 KB) in a few. Anything slower than this is an outage, not a slow answer.
SOCKET_CONNECT_TIMEOUT = 0.25
SOCKET_TIMEOUT = 0.5


def degrading(config: dict[str, Any]) -> dict[str, Any]:
    """A CACHES entry with Django's Redis backend swapped for DegradingRedisCache; any other
    backend (locmem, dbcache, dummy) is returned as it is."""
    if config.get("BACKEND") != REDIS_BACKEND:
        return config
    return {**config, "BACKEND": DEGRADING_BACKEND}


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, with failures turned into misses and no-ops (module docstring).

    OPTIONS takes redis-py's connection options as Django's backend does; `socket_timeout` and
    `socket_connect_timeout` default to fractions of a second, and `RETRY_AFTER` (seconds,
    default 5) is how long a process leaves Redis alone after a failure.
    """

    # Keys whose write failed, remembered to delete on recovery; past this many, the whole
    # cache is emptied instead (it only holds what can be rebuilt).
    PENDING_KEYS_KEPT = 10_000
    LOG_EVERY = 60.0

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5.0))
        options.setdefault("socket_connect_timeout", SOCKET_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._logged_at = 0.0
        self._failures = 0
        self._pending_keys: set[str] = set()
        self._pending_clear = False

    # --- the outage state of this process ---

    def _available(self) -> bool:
        """Whether to talk to Redis now. Once `retry_after` has passed since the last failure,
        the keys that failed to be written are deleted first; if that fails too, the outage
        goes on."""
        if self._down_since is None:
            return True
        if time.monotonic() < self._retry_at:
            self._failures += 1
            return False
        try:
            if self._pending_clear:
                self._cache.clear()
            elif self._pending_keys:
                self._cache.delete_many(list(self._pending_keys))
        except RedisError as error:
            self._failed(error)
            return False
        self._pending_keys.clear()
        self._pending_clear = False
        return True

    def _answered(self) -> None:
        if self._down_since is None:
            return
        logger.warning(
            "Cache reachable again after %.0f s; %d calls were served without it.",
            time.monotonic() - self._down_since,
            self._failures,
        )
        self._down_since = None
        self._failures = 0

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        self._failures += 1
        self._retry_at = now + self.retry_after
        if self._down_since is None:
            self._down_since = now
            self._logged_at = now
            logger.warning("Cache unreachable, serving without it: %s", error)
        elif now - self._logged_at >= self.LOG_EVERY:
            self._logged_at = now
            logger.warning(
                "Cache still unreachable after %.0f s (%d calls served without it): %s",
                now - self._down_since,
                self._failures,
                error,
            )

    def _remember_unwritten(self, keys: Iterable[str], version: int | None) -> None:
        if self._pending_clear:
            return
        self._pending_keys.update(self.make_key(key, version=version) for key in keys)
        if len(self._pending_keys) > self.PENDING_KEYS_KEPT:
            self._pending_keys.clear()
            self._pending_clear = True

    def _read(self, call: Callable[[], T], missing: T) -> T:
        if not self._available():
            return missing
        try:
            value = call()
        except RedisError as error:
            self._failed(error)
            return missing
        self._answered()
        return value

    def _write(
        self, call: Callable[[], T], keys: Iterable[str], version: int | None, failed: T
    ) -> T:
        if self._available():
            try:
                value = call()
            except RedisError as error:
                self._failed(error)
            else:
                self._answered()
                return value
        self._remember_unwritten(keys, version)
        return failed

    # --- Django's cache API ---

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._read(lambda: RedisCache.get(self, key, default, version), default)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._read(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._read(lambda: RedisCache.has_key(self, key, version), False)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._write(
            lambda: RedisCache.set(self, key, value, timeout, version),
            [key],
            version,
            None,
        )

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        # True: a lock taken with add() lets the request through while the cache is down.
        return self._write(
            lambda: RedisCache.add(self, key, value, timeout, version),
            [key],
            version,
            True,
        )

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        return self._write(
            lambda: RedisCache.set_many(self, data, timeout, version),
            data.keys(),
            version,
            list(data),
        )

    def touch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._write(
            lambda: RedisCache.touch(self, key, timeout, version), [key], version, False
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._write(lambda: RedisCache.delete(self, key, version), [key], version, False)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self._write(lambda: RedisCache.delete_many(self, keys, version), keys, version, None)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        result = self._write(
            lambda: RedisCache.incr(self, key, delta, version), [key], version, None
        )
        return missing() if result is None else result

    def clear(self) -> bool:
        if self._available():
            try:
                cleared = RedisCache.clear(self)
            except RedisError as error:
                self._failed(error)
            else:
                self._answered()
                return cleared
        self._pending_clear = True
        self._pending_keys.clear()
        return False
