"""Pages for parents (the survey, the opt-out) and for staff outside the admin, in Dutch and
English."""

from feedback.urls import email, notifications, staff, survey

urlpatterns = [
    # Before the survey's: it takes any path under f/ as a token, the opt-out included.
    *email.urlpatterns,
    *survey.urlpatterns,
    *staff.urlpatterns,
    *notifications.urlpatterns,
]
