"""Setting up two-factor authentication leads staff on to the page they were opening.

Thin layers over allauth's own views: activating an authenticator app counts as using the
second factor, and the address the person was going to (`next`) travels through the
activation and the recovery codes to a Continue button.
"""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest) -> str | None:
    """The page the person was going to, only if it is on this site: never an open redirect."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def url_with_next(request: HttpRequest, url: str) -> str:
    """`url`, carrying this request's `next` along so the next step still knows it."""
    target = next_url(request)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: target})}" if target else url


class TotpActivateView(ActivateTOTPView):
    def form_valid(self, form: Form) -> HttpResponse:
        """A right code from the new app proves the second factor: record it for this session
        as allauth does for a login with a code, so staff are not asked for another at once."""
        response = super().form_valid(form)
        authenticator = Authenticator.objects.get(
            user=self.request.user, type=Authenticator.Type.TOTP
        )
        record_authentication(
            self.request,
            self.request.user,
            "mfa",
            id=authenticator.pk,
            type=authenticator.type,
        )
        return response

    def get_success_url(self) -> str:
        return url_with_next(self.request, super().get_success_url())


class RecoveryCodesView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        """The Continue button goes where the person was going; without that, staff go to
        the staff area and anyone else to the home page."""
        context = super().get_context_data(**kwargs)
        default = reverse("wagtailadmin_home") if self.request.user.is_staff_member else "/"
        context["continue_url"] = next_url(self.request) or default
        return context


totp_activate = TotpActivateView.as_view()
recovery_codes = RecoveryCodesView.as_view()
