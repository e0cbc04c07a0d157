"""Paths that notifications link to. Notifications store a path and prefix /en/ for English
readers (Notification.localized_url); the Wagtail admin has no /en/ address, so these paths
(in both languages) forward to the admin page."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns: list = [
    path(
        "feedback/opvolging/<int:pk>/",
        RedirectView.as_view(pattern_name="feedback_admin_follow_up"),
        name="feedback_follow_up_redirect",
    ),
    path(
        "feedback/rapport/<int:pk>/",
        RedirectView.as_view(pattern_name="feedback_admin_report"),
        name="feedback_report_redirect",
    ),
]
