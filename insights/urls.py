"""Public and member pages of insights. Staff pages live in the Wagtail admin
(wagtail_hooks). Each feature keeps its addresses in its own block below."""

from django.urls import path  # noqa: F401
from django.utils.translation import gettext_lazy  # noqa: F401

urlpatterns: list = []

# --- coding (staff, on the topic page) ---

# --- public updates ("Jullie zeiden, wij deden") ---
