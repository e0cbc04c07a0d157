"""The API for other systems (the contact centre, the e-mail desk), under /api/feedback/.
No language prefix: systems read codes, not words."""

from django.urls import path

from feedback.views import api

urlpatterns: list = [
    path("helpline-calls/", api.helpline_calls, name="feedback_api_helpline_calls"),
    path("email-answers/", api.email_answers, name="feedback_api_email_answers"),
    path("invitations/", api.invitations, name="feedback_api_invitations"),
]
