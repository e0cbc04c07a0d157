from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
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


def second_factor_redirect(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    """Send a staff member to set up their authenticator app, or, when they have one, to
    enter a code from it; then on to `next_url`."""
    next_query = urlencode({"next": next_url})
    if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        messages.info(
            request,
            _(
                "Staff pages hold personal data of parents. Set up two-factor "
                "authentication with an app on your phone first."
            ),
        )
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{next_query}")
    return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")


class StaffTwoFactorMiddleware:
    """Staff powers count only in a session that passed the second factor.

    Marks the request's user with whether its session did (User.second_factor_passed, which
    User.staff_powers reads: the one rule for staff powers everywhere). On staff pages:
    staff without an authenticator are sent to set one up; with one, but a session that did
    not use it, they are asked for a code first; anyone else signed in is refused at once
    (the admin would otherwise send them to the login page, which sends a signed-in person
    straight back).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff_member:
            user.second_factor_passed = session_used_two_factor(request)
        if request.path_info.startswith(settings.STAFF_PATH_PREFIXES) and user.is_authenticated:
            return self.staff_page_gate(request) or self.get_response(request)
        return self.get_response(request)

    def staff_page_gate(self, request: HttpRequest) -> HttpResponse | None:
        """Where a signed-in person who opens a staff page goes instead, if anywhere."""
        user = request.user
        if not user.is_staff_member:
            raise PermissionDenied
        if not user.second_factor_passed:
            return second_factor_redirect(request, request.get_full_path())
        django_admin = request.path_info.startswith(settings.DJANGO_ADMIN_PATH_PREFIX)
        if not (user.is_staff if django_admin else user.has_perm("wagtailadmin.access_admin")):
            raise PermissionDenied
        return None


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
            # A one-time survey link (feedback) answers without an account, so it opens
            # for a signed-in member whatever their onboarding.
            "feedback_survey",
            "feedback_survey_thanks",
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
