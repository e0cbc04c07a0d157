"""The member's research profile (optional, editable at any time) and their pseudonym."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from community.bidi import isolate
from community.forms.profile import (
    CHILDREN_HELP_TEXT,
    ProfileForm,
    age_band_label,
    children_formset,
)
from community.forms.pseudonym import PseudonymChangeForm
from community.models.users import PSEUDONYM_HELD_FOR
from community.services.profiles import profile_completeness, profile_for_member, profile_update
from community.services.pseudonyms import member_pseudonym_change


def _safe_next(request: HttpRequest) -> str:
    """Where to go after saving, when another page sent the member here (same site only)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    profile = profile_for_member(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, initial=ProfileForm.initial_for(profile))
        children = children_formset(request.POST, profile, today)
        if form.is_valid() and children.is_valid():
            profile_update(
                user=request.user,
                province=form.cleaned_data["province"],
                family_situation=form.cleaned_data["family_situation"],
                service_channel=form.cleaned_data["service_channel"],
                languages=form.cleaned_data["languages"],
                children=children.months(),
            )
            messages.success(request, _("Your research profile is saved. Thank you!"))
            return redirect(_safe_next(request) or reverse("profile_edit"))
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile))
        children = children_formset(None, profile, today)

    saved_children = list(profile.children.all()) if profile else []
    return render(
        request,
        "community/profile_edit.html",
        {
            "form": form,
            "children": children,
            "has_errors": children.is_bound and not (form.is_valid() and children.is_valid()),
            "children_help_text": CHILDREN_HELP_TEXT,
            "age_bands": [age_band_label(child.month, today) for child in saved_children],
            "completeness": profile_completeness(profile),
            "next": _safe_next(request),
        },
    )


@login_required
def pseudonym_change(request: HttpRequest) -> HttpResponse:
    """A parent changes the name other parents see: at most once a month (the page says when
    again), the old one held for them for 90 days."""
    user = request.user
    if user.is_staff_member or not user.pseudonym:
        raise Http404  # staff take no part as parents; a newcomer chooses at onboarding
    allowed_on = user.pseudonym_change_allowed_on()
    form = PseudonymChangeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            member_pseudonym_change(user=user, pseudonym=form.cleaned_data["pseudonym"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your pseudonym is now %(pseudonym)s.") % {"pseudonym": isolate(user.pseudonym)},
            )
            return redirect("pseudonym_change")
    return render(
        request,
        "community/pseudonym_change.html",
        {
            "form": form,
            "allowed_on": allowed_on,
            "holds": list(user.pseudonym_holds.active()),
            "held_days": PSEUDONYM_HELD_FOR.days,
        },
    )
