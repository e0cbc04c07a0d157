"""Staff pages outside the admin: the phone page that hands out an invitation
(`/medewerker/uitnodiging/`, English `/en/staff/invitation/`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from feedback.views import staff

urlpatterns: list = [
    path(_("staff/invitation/"), staff.staff_invitation, name="feedback_staff_invitation"),
]
