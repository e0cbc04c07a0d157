"""Sections of the member dashboard ("Mijn Meet the Parents").

`community` shows them; apps that depend on it (projects, …) register their own sections from
their AppConfig.ready(), so `community` never imports them. Each section loads its data in a
fixed number of queries, whatever the number of projects or posts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class DashboardSection:
    key: str
    order: int  # lower comes first
    template: str  # rendered with the section's context plus `request` and `user`
    context: Callable[[HttpRequest], dict]  # everything the template needs, already loaded


SECTIONS: dict[str, DashboardSection] = {}


def register(section: DashboardSection) -> None:
    SECTIONS[section.key] = section


def sections() -> list[DashboardSection]:
    return sorted(SECTIONS.values(), key=lambda section: section.order)
