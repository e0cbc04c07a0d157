"""How allauth fits the community: new parents pass onboarding first, e-mails in their language,
one flash message per event and a lockout that says how long to wait."""

import html
import math
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.services.consent import member_needs_onboarding

VERIFICATION_SENT_MESSAGE = "account/messages/email_confirmation_sent.txt"
EMAIL_CONFIRMED_MESSAGE = "account/messages/email_confirmed.txt"
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"
PASSWORD_CHANGED_MESSAGE = "account/messages/password_changed.txt"
TOTP_ACTIVATED_MESSAGE = "mfa/messages/totp_activated.txt"
RECOVERY_CODES_MESSAGE = "mfa/messages/recovery_codes_generated.txt"

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_limit_wait_minutes(action: str) -> int:
    """The longest period of an allauth rate limit ("10/m/ip,5/5m/key" → 5), in whole minutes:
    whoever is blocked by it can try again after that long at the latest."""
    seconds = 0.0
    for rate in (account_settings.RATE_LIMITS.get(action) or "").split(","):
        parts = rate.strip().split("/")
        if len(parts) < 2 or not parts[1]:
            continue
        duration = parts[1]
        amount = float(duration[:-1]) if len(duration) > 1 else 1.0
        seconds = max(seconds, amount * _DURATION_UNITS[duration[-1]])
    return max(1, math.ceil(seconds / 60))


def lockout_message() -> str:
    """Too many wrong passwords: how long to wait, and the way out that needs no waiting."""
    minutes = rate_limit_wait_minutes("login_failed")
    text = ngettext(
        "You typed a wrong password too often. Wait %(minutes)s minute and try again, "
        'or <a href="%(reset_url)s">choose a new password</a>.',
        "You typed a wrong password too often. Wait %(minutes)s minutes and try again, "
        'or <a href="%(reset_url)s">choose a new password</a>.',
        minutes,
    )
    # The text comes from our catalogue; only the address is filled in, escaped.
    return mark_safe(  # noqa: S308
        text % {"minutes": minutes, "reset_url": escape(reverse("account_reset_password"))}
    )


def code_lockout_message() -> str:
    """Too many wrong two-factor codes: how long to wait (a new password would not help)."""
    minutes = rate_limit_wait_minutes("login_failed")
    return ngettext(
        "You typed a wrong code too often. Wait %(minutes)s minute and try again.",
        "You typed a wrong code too often. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def _on_two_factor_page(request: HttpRequest | None) -> bool:
    """Whether this request is for one of allauth's two-factor pages (its code forms share
    the password's rate limit and its error)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and (match.url_name or "").startswith("mfa_"))


class AccountAdapter(DefaultAccountAdapter):
    # allauth's errors a member meets, in our words (its Dutch is stock: "niet correct").
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "This e-mail address and password do not belong together. Check both and try again."
        ),
        "enter_current_password": _("This is not your current password."),
        "incorrect_password": _("This password is not right."),
        "account_inactive": _("This account is closed."),
        "rate_limited": _("You tried many times in a short time. Wait a minute and try again."),
    }

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

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        """The lockout after wrong passwords says how long to wait and links to a new password
        (a reset also lifts the lockout); allauth's own says only "try again later"."""
        if code == "too_many_login_attempts":
            if _on_two_factor_page(self.request):
                return ValidationError(code_lockout_message(), code=code)
            return ValidationError(lockout_message(), code=code)
        return super().validation_error(code, *args)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """One flash message per event: none where the page we land on says the same news.

        - "We sent a confirmation link": never. After signing up or logging in unverified,
          the "check your e-mail" page says it, and on the e-mail page the box of the new
          address does. Signing up must answer alike for every address besides: the
          confirm_email rate limit skips the mail (and allauth the message) for an address
          that signed up moments ago, which would tell a stranger that somebody uses it.
        - Confirming the address logs the new parent in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION):
          then "logged in" is not news, and on the way to onboarding, whose page opens with
          "your e-mail address is confirmed", neither is "confirmed".
        - "Password changed" after a reset by mail link: the page we land on says it.
        - Setting up the authenticator app makes the recovery codes too: "app activated"
          leads to the page with the codes, so "new codes made" would be a second message.
        """
        if message_template == VERIFICATION_SENT_MESSAGE:
            return
        if message_template == PASSWORD_CHANGED_MESSAGE and not request.user.is_authenticated:
            return
        if message_template == RECOVERY_CODES_MESSAGE and getattr(
            request, "_totp_activated_message", False
        ):
            return
        if message_template == LOGGED_IN_MESSAGE:
            confirmed = getattr(request, "_email_confirmed_message", None)
            if confirmed is not None:
                user = (message_context or {}).get("user")
                if user is not None and member_needs_onboarding(user):
                    _withdraw_message(request, confirmed)
                return
        if message_template == EMAIL_CONFIRMED_MESSAGE:
            request._email_confirmed_message = html.unescape(
                render_to_string(message_template, message_context or {}, request).strip()
            )
        if message_template == TOTP_ACTIVATED_MESSAGE:
            request._totp_activated_message = True
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )


def _withdraw_message(request: HttpRequest, text: str) -> None:
    """Take back a message added earlier in this request (reading the storage marks every
    message shown, so the others are added again)."""
    storage = messages.get_messages(request)
    kept = [message for message in storage if message.message != text]
    for message in kept:
        messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("This code is not right. Type the code your app shows now."),
        "add_email_blocked": _(
            "With two-factor authentication on, ask an administrator to change your e-mail address."
        ),
    }
