"""How allauth fits the community: new parents pass onboarding first, e-mails in their language."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

from community.models import User
from community.services.consent import member_needs_onboarding

# allauth flashes this after it mailed a verification link, with the address in it.
VERIFICATION_SENT_MESSAGE = "account/messages/email_confirmation_sent.txt"


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

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """No "confirmation sent to …" message after signing up: every sign-up must answer alike.

        allauth flashes it only when it really mailed a link, and the confirm_email rate limit
        (one mail per address every 3 minutes) skips the mail for an address that signed up or
        logged in moments ago; so the message would tell a stranger that somebody is using
        that address. The page we redirect to (account/verification_sent.html) says the same
        for everyone. After logging in and on the e-mail page the message stays: those
        answers go only to someone who knows the password.
        """
        if message_template == VERIFICATION_SENT_MESSAGE and (message_context or {}).get("signup"):
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
