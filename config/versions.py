"""Version tokens: what lets a web process keep something between requests without ever
serving it stale.

Nothing kept is served on its name alone: its key, or the stamp kept with it
(`kept_while_current`), holds the tokens of everything that went into it. A token lives in
the shared cache and is replaced by any change to what it covers (signals and services call
`version_renew`); what was kept under the old tokens is then never served again and expires.
Keys and stamps also hold `code_fingerprint()`, so a deploy never serves what the code it
replaced made.
"""

import functools
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def version_tokens(*names: str) -> list[str]:
    """The current token of each name, one cache read for all of them."""
    found = cache.get_many(names)
    for name in names:
        if name not in found:
            cache.add(name, uuid.uuid4().hex, timeout=None)
            # A cache that cannot be reached reads as empty: a token of this request alone
            # then builds everything afresh, rather than keeping it under None for the
            # whole outage and serving it after a change nobody could record.
            found[name] = cache.get(name) or uuid.uuid4().hex
    return [found[name] for name in names]


def version_renew(*names: str) -> None:
    """New tokens for `names`: now, for this transaction's own reads, and after the commit,
    so that a reader who read the old rows in between does not keep them under the new one."""
    if not names:
        return

    def renew() -> None:
        cache.set_many({name: uuid.uuid4().hex for name in names}, timeout=None)

    renew()
    transaction.on_commit(renew)


def kept_while_current(
    key: str, names: tuple[str, ...], build: Callable[[], T], timeout: int
) -> tuple[T, list[str]]:
    """The value kept under `key` while the tokens of `names` and the code are what they were
    when it was built, read together with those tokens in one cache read (one round trip to
    Redis); built and kept again otherwise. Returns the value and the current tokens."""
    found = cache.get_many([*names, key])
    tokens = [found.get(name) for name in names]
    if None in tokens:
        tokens = version_tokens(*names)
    stamp = (tokens, code_fingerprint())
    kept = found.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1], tokens
    value = build()
    cache.set(key, (stamp, value), timeout)
    return value, tokens


@functools.cache
def code_fingerprint() -> str:
    """Changes with any template, translation or Python module of the site's own code."""
    base = Path(settings.BASE_DIR)
    packages = [
        folder
        for folder in sorted(base.iterdir())
        if (folder / "__init__.py").exists() and folder.name not in ("tests", "bench")
    ]
    paths = [
        *base.glob("templates/**/*.html"),
        *base.glob("locale/*/LC_MESSAGES/*.mo"),
        *(path for package in packages for path in package.glob("**/*.py")),
        *(path for package in packages for path in package.glob("**/*.html")),
    ]
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
