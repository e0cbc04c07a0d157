"""Django's password rules with messages our own catalogue translates.

Django 5.2 changed the wording of the "too short" message, and its Dutch catalogue has not
caught up, so Dutch parents would read it in English; the similarity message reads clumsily in
Dutch ("lijkt te veel op de e-mailadres"). The rules themselves stay Django's.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        # Filled in from the ValidationError's params ("min_length").
        return ngettext(
            "This password is too short. Use at least %(min_length)d character.",
            "This password is too short. Use at least %(min_length)d characters.",
            self.min_length,
        )


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        # Filled in from the ValidationError's params ("verbose_name", e.g. "e-mail address").
        return gettext("This password is too much like your %(verbose_name)s.")
