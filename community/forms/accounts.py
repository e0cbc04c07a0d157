"""allauth's forms with the site's own explanations; validation stays allauth's and Django's."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """E-mail address and password twice, each with one plain sentence of why and how."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels say it all; a placeholder repeating them only gets in the way.
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _(
            "We send a link to this address to check it is yours. Other parents never see it."
        )
        self.fields["password1"].help_text = _(
            "At least 10 characters. Not a well-known password, not only digits and not "
            "too much like your e-mail address."
        )


class AddEmailForm(AllauthAddEmailForm):
    """Changing the address (ACCOUNT_CHANGE_EMAIL): the field asks for the new one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("New e-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)
