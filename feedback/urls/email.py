"""The e-mail channel's pages: registering an e-mail answer (staff,
`/medewerker/e-mailantwoord/`) and the parent's opt-out (`/f/afmelden/<token>/`; English
`/en/staff/email-answer/` and `/en/f/unsubscribe/<token>/`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from feedback.views import email

urlpatterns: list = [
    path(_("staff/email-answer/"), email.email_answer_register, name="feedback_email_answer"),
    path(_("f/unsubscribe/<str:token>/"), email.email_opt_out, name="feedback_email_opt_out"),
]
