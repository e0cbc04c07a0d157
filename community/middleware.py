from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


def session_used_two_factor(request: HttpRequest) -> bool:
    """True when this session's login (or a later re-authentication) included a second factor."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class StaffTwoFactorMiddleware:
    """Staff reach staff pages only with two-factor authentication set up and used.

    Without an authenticator they are sent to set one up; with one, but a session that
    did not use it, they are asked for a code first.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path_info.startswith(settings.STAFF_PATH_PREFIXES)
            and user.is_authenticated
            and user.is_staff_member
        ):
            next_query = urlencode({"next": request.get_full_path()})
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.info(
                    request,
                    _(
                        "Staff pages hold personal data of parents. Set up two-factor "
                        "authentication with an app on your phone first."
                    ),
                )
                return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{next_query}")
            if not session_used_two_factor(request):
                return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return self.get_response(request)
