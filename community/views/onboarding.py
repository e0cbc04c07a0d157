"""Onboarding: after verifying their e-mail address, a parent chooses a pseudonym and accepts
the current terms; later, they accept each new version here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from community.bidi import isolate
from community.forms.onboarding import OnboardingForm
from community.services.consent import consent_documents_to_accept, member_onboarding_complete


def safe_next_url(request: HttpRequest) -> str:
    """The `next` address when it points into this site (and not back to this page)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if url.split("?")[0] == reverse("member_onboarding"):
        return ""
    return url


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = safe_next_url(request)
    documents = consent_documents_to_accept(user=user)
    first_time = not user.pseudonym
    if user.is_staff_member or not (first_time or documents):
        return redirect(next_url or "member_dashboard")

    form = OnboardingForm(
        request.POST if request.method == "POST" else None, user=user, documents=documents
    )
    if request.method == "POST" and form.is_valid():
        try:
            member_onboarding_complete(
                user=user,
                pseudonym=form.cleaned_data.get("pseudonym"),
                documents=documents,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if first_time:
                messages.success(
                    request,
                    _(
                        "Welcome, %(pseudonym)s! You can take part now. Your research profile "
                        "can wait: fill it in later, when it suits you."
                    )
                    % {"pseudonym": isolate(user.pseudonym)},
                )
            else:
                messages.success(request, _("Thank you. You can take part again."))
            # My Meet the Parents opens with the projects open to them; the profile is an
            # invitation further down that page, never a form in the way.
            return redirect(next_url or "member_dashboard")
    return render(
        request,
        "community/onboarding.html",
        {"form": form, "first_time": first_time, "next_url": next_url},
    )
