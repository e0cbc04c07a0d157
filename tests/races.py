"""What the race tests share: work run in threads let go at the same moment, and the marks of
a test that races on PostgreSQL."""

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

# A race needs PostgreSQL (SQLite runs one writer at a time); the threads' commits need a
# transactional test, and serialized_rollback then leaves the database as the next test on
# this worker expects it (a plain flush re-creates the content types); `races` runs them after
# the others.
ON_POSTGRESQL = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="races are tested on PostgreSQL; SQLite runs one writer at a time",
)
RACE_MARKS = [
    ON_POSTGRESQL,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.races,
]


def at_once(
    count: int, work: Callable[[Any], Any], prepare: Callable[[int], Any] | None = None
) -> list:
    """`work` in `count` threads, each with its own database connection, let go at the same
    moment; their results in thread order. Each thread first runs `prepare(index)` (a client,
    a login) and hands its result to `work`; without `prepare`, `work` gets the index. A
    failure in any thread fails the test.

    On SQLite the threads take turns: the tests' in-memory database is shared between
    connections with table locks that fail at once instead of waiting (the site's own SQLite
    waits: tests/config/test_sqlite_concurrency.py)."""
    start = threading.Barrier(count)
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    results: list = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with turns:
                prepared = index if prepare is None else prepare(index)
            start.wait(timeout=60)
            with turns:
                results[index] = work(prepared)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return results
