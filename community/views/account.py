"""The member's own data: download a copy, or delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from community.forms.account import AccountDeleteForm
from community.middleware import second_factor_redirect
from community.personal_data import SOURCES
from community.services.accounts import account_delete as account_delete_service
from community.services.personal_data import personal_data_export


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    contents = [source.title() for source in SOURCES.values()]
    return render(request, "community/personal_data.html", {"contents": contents})


# POST: the file is made on purpose (CSRF-checked), never by a link preview or prefetch.
@require_POST
@login_required
@never_cache
def personal_data_download(request: HttpRequest) -> HttpResponse:
    archive = personal_data_export(user=request.user)
    filename = f"meet-the-parents-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff_member:
        # Staff hold roles and work others depend on: an administrator removes them.
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "community/account_delete.html", {"staff": True})
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete_service(
                user=request.user, remove_contributions=form.cleaned_data["remove_contributions"]
            )
        except ValidationError as error:
            # A registered source refuses (a former staff member's feedback must stay with
            # the organisation): nothing is deleted, and the page says why.
            form.add_error(None, error)
            return render(request, "community/account_delete.html", {"form": form})
        logout(request)
        messages.success(
            request,
            _("Your account is deleted. Thank you for taking part in Meet the Parents."),
        )
        return redirect(reverse("wagtail_serve", args=[""]))
    return render(request, "community/account_delete.html", {"form": form})


@login_required
def staff_second_factor(request: HttpRequest) -> HttpResponse:
    """The way in for a staff account whose role does not count yet (the header's notice):
    set up or use the second factor, then back to the page they were on."""
    if not request.user.is_staff_member:
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("wagtailadmin_home")
    if request.user.second_factor_passed:
        return redirect(next_url)
    return second_factor_redirect(request, next_url)
