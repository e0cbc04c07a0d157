"""SQL that the ORM compiles once per process and database, for queries run on every request
whose compiling (nested subqueries, unions) costs more than running them."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

_COMPILED: dict[tuple[str, str], tuple[str, tuple]] = {}


def sql_compiled_once(
    name: str, build: Callable[..., QuerySet], using: str, **values: Any
) -> tuple[str, list]:
    """The SQL of `build(**stand_ins)` and its parameters with `values` in place.

    The first call compiles the queryset with a stand-in per value: a negative number that no
    other parameter of the query equals, so that each later call only swaps parameters. The
    values must therefore be ids (integers); the query's shape must not depend on them.
    """
    stand_ins = {key: -918_273_645 - number for number, key in enumerate(values)}
    if (name, using) not in _COMPILED:
        _COMPILED[name, using] = build(**stand_ins).using(using).query.sql_with_params()
    sql, params = _COMPILED[name, using]
    by_stand_in = {stand_ins[key]: value for key, value in values.items()}
    return sql, [
        by_stand_in.get(param, param) if isinstance(param, int) else param for param in params
    ]
