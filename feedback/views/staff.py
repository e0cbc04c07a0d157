"""The staff member's phone page outside the admin (`/medewerker/uitnodiging/`): two taps hand
a parent an invitation, shown as a QR code and a short link.

The token exists only in the response to the tap: it is not stored (the database keeps its
hash), not put in the session, and the page is `no-store`. A double tap sends the same
submission key twice and finds the same contact (InvitationForm.contact_reference); the
second answer re-issues its token, so only the link on the screen works.
"""

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from community.middleware import second_factor_redirect
from feedback.forms.staff import IN_PERSON_CHANNELS, InvitationForm
from feedback.models import Invitation, Response, StaffMember
from feedback.rules import can_create_invitation, staff_member_of
from feedback.services.surveys import contact_create, invitation_create


def staff_page_refusal(request: HttpRequest) -> HttpResponse | None:
    """Who may not use a staff page outside the admin goes elsewhere: visitors to log in, staff
    whose session has no second factor yet to that step (as on every staff page), anyone else
    who is not an active staff member is refused."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff_member and not user.second_factor_passed:
        return second_factor_redirect(request, request.get_full_path())
    if not can_create_invitation(user):
        raise PermissionDenied
    return None


def survey_link(token: str) -> str:
    """The short link as printed: the Dutch address (the survey offers English itself)."""
    with translation.override("nl"):
        path = reverse("feedback_survey", kwargs={"token": token})
    return f"{settings.SITE_BASE_URL}{path}"


def qr_code_svg(link: str) -> SafeString:
    """The link as a QR code, inline SVG drawn by segno from our own address (no user text):
    black on white whatever the theme, sized by CSS, named for screen readers."""
    svg = segno.make(link, error="m").svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="invitation-qr__code",
        lineclass=None,
        title=_("QR code of the link below"),
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" data-qr-code ', 1))


def _hand_out(form: InvitationForm, staff: StaffMember, request: HttpRequest):
    """The contact of this tap and a fresh token for it, or None with the reason at the form."""
    contact = contact_create(
        channel=form.cleaned_data["channel"],
        staff=staff,
        external_reference=form.contact_reference(),
        created_by=request.user,
    )
    field = "reference" if form.cleaned_data["reference"] else None
    if contact.staff_id != staff.pk:
        form.add_error(
            field,
            ValidationError(
                _("A colleague registered a contact with this reference. Check the number."),
                code="taken",
            ),
        )
        return None
    if Response.objects.filter(contact=contact).exists():
        form.add_error(
            field,
            ValidationError(
                _("The parent already answered about this contact. Tap again for a new one."),
                code="answered",
            ),
        )
        form.renew_key()
        return None
    return invitation_create(contact=contact)


@never_cache
@require_http_methods(["GET", "POST"])
def staff_invitation(request: HttpRequest) -> HttpResponse:
    """GET: the buttons. POST (one tap): the contact, its invitation and the QR code page."""
    refusal = staff_page_refusal(request)
    if refusal is not None:
        return refusal
    staff = staff_member_of(request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        handed_out = _hand_out(form, staff, request)
        if handed_out is not None:
            invitation, token = handed_out
            return _qr_page(request, invitation, token)
    return render(
        request,
        "feedback/staff/invitation_form.html",
        {"form": form, "channels": IN_PERSON_CHANNELS},
    )


def _qr_page(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    link = survey_link(token)
    return render(
        request,
        "feedback/staff/invitation_qr.html",
        {
            "invitation": invitation,
            "channel": invitation.contact.get_channel_display(),
            "link": link,
            "link_shown": link.split("://", 1)[-1],
            "qr_code": qr_code_svg(link),
        },
    )
