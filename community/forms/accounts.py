"""allauth's forms with the site's own labels and explanations; validation stays allauth's and
Django's, with our wording where theirs is stock."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PASSWORD_HELP = _(
    "At least 10 characters. Not a well-known password, not only digits and not "
    "too much like your e-mail address."
)
# allauth's own error when the two passwords differ (in the active language).
STOCK_PASSWORDS_DIFFER = "You must type the same password each time."


class PlainLabelsMixin:
    """Labels that say it all, so no placeholders repeating them; the same words on every
    account form, and our own sentence when the two passwords differ."""

    labels = {
        "login": _("E-mail address"),
        "email": _("E-mail address"),
        "password": _("Password"),
        "remember": _("Keep me logged in on this device"),
        "oldpassword": _("Your current password"),
        "password1": _("New password"),
        "password2": _("New password again"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]

    def clean(self):
        cleaned_data = super().clean()
        if self.has_error("password2"):
            stock = gettext(STOCK_PASSWORDS_DIFFER)
            errors = self.errors["password2"]
            errors[:] = [
                gettext("The two passwords are not the same. Type the same one twice.")
                if error == stock
                else error
                for error in errors
            ]
        return cleaned_data


class LoginForm(PlainLabelsMixin, AllauthLoginForm):
    """E-mail address and password; the password's help text links to a new password."""


class SignupForm(PlainLabelsMixin, AllauthSignupForm):
    """E-mail address and password twice, each with one plain sentence of why and how."""

    labels = {
        **PlainLabelsMixin.labels,
        "password1": _("Password"),
        "password2": _("Password again"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "We send a link to this address to check it is yours. Other parents never see it."
        )
        self.fields["password1"].help_text = PASSWORD_HELP


class AddEmailForm(PlainLabelsMixin, AllauthAddEmailForm):
    """Changing the address (ACCOUNT_CHANGE_EMAIL): the field asks for the new one."""

    labels = {**PlainLabelsMixin.labels, "email": _("New e-mail address")}


class ChangePasswordForm(PlainLabelsMixin, AllauthChangePasswordForm):
    """The current password, then the new one twice."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HELP


class ResetPasswordForm(PlainLabelsMixin, AllauthResetPasswordForm):
    """The address to send the link to."""


class ResetPasswordKeyForm(PlainLabelsMixin, AllauthResetPasswordKeyForm):
    """The new password twice, from the link in the mail."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HELP
