"""Registering an e-mail answer by hand (e-mail agents, feedback.views.email)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.forms.api import REFERENCE_MAX_LENGTH


class EmailAnswerRegisterForm(forms.Form):
    """The ticket and the parent's address: the ticket makes a second submit harmless (the
    same ticket is one contact), the address is kept only until the survey mail is done."""

    ticket_id = forms.CharField(
        label=_("Ticket number"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("The number of the e-mail in the e-mail desk's system."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("The parent's e-mail address"),
        help_text=_("Used only for the satisfaction mail, then deleted."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
