"""Public and member pages of insights. Staff pages live in the Wagtail admin
(wagtail_hooks). Each feature keeps its addresses in its own block below."""

from django.urls import path  # noqa: F401
from django.utils.translation import gettext_lazy  # noqa: F401

urlpatterns: list = []

# --- coding (staff, on the topic page) ---

# --- public updates ("Jullie zeiden, wij deden") ---
from insights.views import updates as update_views  # noqa: E402

urlpatterns += [
    path(gettext_lazy("you-said-we-did/"), update_views.update_list, name="update_list"),
    path(
        gettext_lazy("you-said-we-did/<int:pk>/"),
        update_views.update_detail,
        name="update_detail",
    ),
    # Notifications store Dutch paths and prefix /en/ for English readers
    # (Notification.localized_url): the Dutch address of an update works under /en/ too.
    path(
        "jullie-zeiden-wij-deden/<int:pk>/",
        update_views.update_detail,
        name="update_detail_dutch_path",
    ),
]

# --- export jobs (staff) ---
# The "export ready" notification links here: notifications store a path and prefix /en/
# for English readers (Notification.localized_url), and the Wagtail admin has no /en/
# address, so this path (in both languages) forwards to the list of one's exports.
from django.views.generic import RedirectView  # noqa: E402

urlpatterns += [
    path(
        "exports/",
        RedirectView.as_view(pattern_name="insights_admin_exports"),
        name="insights_exports_redirect",
    ),
]
