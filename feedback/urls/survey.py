"""The parent's survey behind a one-time link. The short link printed under the QR code and
in mails is the Dutch one, `/f/<token>/` (English: `/en/f/<token>/`); the thank-you page comes
first, so its address is never taken for a token."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from feedback.views import survey

urlpatterns: list = [
    path(_("f/thank-you/"), survey.survey_thanks, name="feedback_survey_thanks"),
    # Any path under f/ is taken as a token, so a mangled link (a slash too many, a scanner's
    # escaping) gets the survey's own "link not found" page too.
    path("f/<path:token>/", survey.survey, name="feedback_survey"),
]
