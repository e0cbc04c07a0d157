"""What the topic page keeps between requests for every reader who would get the same: the
thread (projects.thread), the page around it (projects.views.topic) and each member's
standing in a topic.

Nothing kept is ever stale, because nothing is looked up by a name alone: every key holds
the *version tokens* of what went into it. A token lives in the shared cache and is replaced
by any change to what it covers (projects.signals, the post services); the old entries are
then never asked for again and expire. Keys also hold a fingerprint of the code, so a deploy
never serves what the code it replaced rendered.
"""

import functools
import hashlib
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

CACHE_SECONDS = 24 * 60 * 60
_INDENTATION = re.compile("[ \t\r]*\n[ \t\r\n]*")


def version_tokens(*names: str) -> list[str]:
    """The current token of each name, one cache read for all of them."""
    found = cache.get_many(names)
    for name in names:
        if name not in found:
            cache.add(name, uuid.uuid4().hex, timeout=None)
            found[name] = cache.get(name)
    return [found[name] for name in names]


def version_renew(name: str) -> None:
    """A new token for `name`: now, for this transaction's own reads, and after the commit,
    so that a reader who read the old rows in between does not keep them under the new one."""

    def renew() -> None:
        cache.set(name, uuid.uuid4().hex, timeout=None)

    renew()
    transaction.on_commit(renew)


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


def indentation_removed(html: str) -> str:
    """The templates' indentation and blank lines taken out (a third of a thread's bytes).

    A run of spaces around a line break shows as one space, like the line break left in its
    place: only for HTML without <pre> and without typed text in a <textarea>, as kept
    renderings are.
    """
    return _INDENTATION.sub("\n", html)


class Renderings:
    """Renderings in the shared cache, and the last few this process served in its memory
    (under the same keys: as fresh as the cache, without reading and unpickling them)."""

    def __init__(self, kept_in_process: int) -> None:
        self.kept_in_process = kept_in_process
        self._kept: dict[str, object] = {}

    def get(self, key: str, render: Callable[[], object]) -> object:
        value = self._kept.get(key)
        if value is None:
            value = cache.get(key)
            if value is None:
                value = render()
                cache.set(key, value, CACHE_SECONDS)
            if len(self._kept) >= self.kept_in_process:
                self._kept.clear()
            self._kept[key] = value
        return value
