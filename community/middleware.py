from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from community.services.consent import member_needs_onboarding


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


class MemberOnboardingMiddleware:
    """Signed-in parents choose a pseudonym and accept the current terms before anything else.

    Runs on every request, so it stays cheap: one query for a member who is all set (their
    state for each live document), and nothing for visitors or exempt paths. Pages a parent
    needs to get through onboarding, to read the terms, or to leave (log out, download their
    data, delete their account) stay open.
    """

    EXEMPT_URL_NAMES = frozenset(
        {
            "member_onboarding",
            "consent_document",
            "consent_overview",
            "consent_withdraw",
            "personal_data",
            "personal_data_download",
            "account_delete",
            "healthz",
        }
    )

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        languages = [code for code, _name in settings.LANGUAGES]
        self.exempt_prefixes = (
            settings.STATIC_URL,
            settings.MEDIA_URL,
            "/healthz",
            "/accounts/",
            *(f"/{code}/accounts/" for code in languages),
        )
        self.language_roots = {"/", *(f"/{code}/" for code in languages)}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path_info.startswith(self.exempt_prefixes)
            and member_needs_onboarding(request.user)
            and not self.exempt_view(request)
        ):
            return HttpResponseRedirect(self.onboarding_url(request))
        return self.get_response(request)

    def exempt_view(self, request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in self.EXEMPT_URL_NAMES

    def onboarding_url(self, request: HttpRequest) -> str:
        url = reverse("member_onboarding")
        # Come back to the page they asked for; the home page needs no return trip, so a new
        # member goes on to their profile instead.
        if request.method == "GET" and request.path_info not in self.language_roots:
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return url
