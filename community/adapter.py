"""How allauth fits the community: new parents pass onboarding first, e-mails in their language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

from community.models import User
from community.services.consent import member_needs_onboarding


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """A parent without a pseudonym or current consent goes to onboarding first (with no
        return address, so a new member continues to their profile)."""
        if member_needs_onboarding(request.user):
            return reverse("member_onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        if request.user.is_authenticated and member_needs_onboarding(request.user):
            return reverse("member_onboarding")
        return super().get_signup_redirect_url(request)

    def save_user(self, request: HttpRequest, user: User, form: Form, commit: bool = True) -> User:
        """Remember the language the parent signed up in: our e-mails to them use it."""
        language = get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)
