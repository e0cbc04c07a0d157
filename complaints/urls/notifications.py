"""Paths that notifications link to. Notifications store a path and prefix /en/ for English
readers (Notification.localized_url); the Wagtail admin has no /en/ address, so these paths
(in both languages) forward to the admin page."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns: list = [
    path(
        "klachten/dossier/<int:pk>/",
        RedirectView.as_view(pattern_name="complaints_admin_complaint"),
        name="complaints_complaint_redirect",
    ),
]
