"""Authentication backends that load the signed-in user with their request state.

Every page asks whether the user is staff (header, two-factor gate), whether their consent
is current (onboarding gate) and how many notifications wait (header). Answering those with
the user row makes them part of the one query Django runs for `request.user` anyway, and
that query's answer is kept between requests (community.request_state).
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from community.request_state import user_with_request_state


class RequestStateMixin:
    def get_user(self, user_id):
        try:
            user = user_with_request_state(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


class MemberModelBackend(RequestStateMixin, ModelBackend):
    """Django's backend (e-mail and password, as the admin and tests use it)."""


class MemberAuthenticationBackend(RequestStateMixin, AuthenticationBackend):
    """allauth's backend, through which members log in."""
