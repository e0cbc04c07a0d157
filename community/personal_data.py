"""What the platform holds about a member, for the data download and for account erasure.

Every model with a relation to the user is either registered here with an exporter (and,
where needed, an eraser) or listed in EXCLUDED with the reason. Apps that depend on
`community` (projects, insights, …) register their own models from their AppConfig.ready(),
so `community` never imports them. A test fails when a relation is in neither list.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class PersonalDataSource:
    """One kind of data about a member: a section of the download."""

    key: str  # section name in data.json, e.g. "posts"
    title: Callable[[], str]  # translated heading for the readable HTML page
    models: tuple[str, ...]  # "app_label.ModelName" of every model this source covers
    export: Callable[[models.Model], list[dict]]  # rows for this user, JSON-serialisable
    # Called during erasure before the user row is deleted; `remove_contributions` is the
    # member's "also remove my posts" choice. None when deleting the user cascades enough.
    erase: Callable[[models.Model, bool], None] | None = None


SOURCES: dict[str, PersonalDataSource] = {}

# "app_label.ModelName" → why it is not in the download.
EXCLUDED: dict[str, str] = {}


def register(source: PersonalDataSource) -> None:
    SOURCES[source.key] = source


def exclude(model_label: str, reason: str) -> None:
    EXCLUDED[model_label] = reason


def timestamp(value: datetime.datetime | None) -> str | None:
    """A moment as exporters write it: ISO 8601 in the site's time zone, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def choice(code: str | None, name: object) -> dict | None:
    """A choice as exporters write it: the stored code for machines and its name for people."""
    if not code:
        return None
    return {"code": code, "name": str(name)}
