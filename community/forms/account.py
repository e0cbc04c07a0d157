"""Deleting one's own account."""

from allauth.account.fields import PasswordField
from allauth.account.forms import ReauthenticateForm
from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(ReauthenticateForm):
    """The member's current password (checked by allauth, with its rate limit) and whether
    their posts go too."""

    password = PasswordField(
        label=_("Your password"),
        help_text=_("To be sure it is really you."),
        autocomplete="current-password",
    )
    remove_contributions = forms.BooleanField(
        label=_("Also remove my posts"),
        help_text=_(
            "Without this, what you wrote stays under “a former member”, without your name."
        ),
        required=False,
    )
