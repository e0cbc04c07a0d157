"""Wagtail admin for insights: the codebook, coding, analysis and exports, insights and
actions, public updates, blind double coding. Each feature keeps its hooks in its own
module; importing them here lets Wagtail's discovery of `insights.wagtail_hooks` register
every hook."""

from insights.wagtail_hooks import (  # noqa: F401
    analysis,
    codebook,
    coding,
    exports,
    insights,
    rounds,
    updates,
)
