"""Wagtail admin for insights: the codebook, coding, analysis and exports, insights and
actions, public updates. Each feature keeps its hooks in its own block below."""

from wagtail import hooks  # noqa: F401

# --- codebook ---

# --- coding ---

# --- analysis and export ---

# --- insights and actions ---

# --- public updates ---
