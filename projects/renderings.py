"""What the topic page keeps between requests for every reader who would get the same: the
thread (projects.thread), the page around it (projects.topic_page) and each member's
standing in a topic. Every key holds the version tokens of what went into it and the code's
fingerprint (config.versions), so nothing kept is ever served stale.
"""

import re
from collections.abc import Callable

from django.core.cache import cache

CACHE_SECONDS = 24 * 60 * 60
_INDENTATION = re.compile("[ \t\r]*\n[ \t\r\n]*")


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
