"""The complaints staff's intake in the Wagtail admin: registering a complaint received by
phone, letter, e-mail or at a desk, and downloading the files sent with a complaint."""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from complaints.forms.registration import ComplaintRegistrationForm
from complaints.models import Attachment, attachment_storage
from complaints.rules import (
    can_register_complaint,
    can_view_complaint,
    is_complaints_officer,
    is_safeguarding_officer,
)
from complaints.services.intake import Receipt, complaint_register, receipt_of_submission

REGISTERED_SESSION_KEY = "complaint_registered"


def _form_page(request: HttpRequest, form: ComplaintRegistrationForm, status: int) -> HttpResponse:
    return render(request, "complaints/registration/form.html", {"form": form}, status=status)


def _add_service_errors(form: ComplaintRegistrationForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


def _registered(request: HttpRequest, receipt: Receipt) -> HttpResponse:
    request.session[REGISTERED_SESSION_KEY] = receipt.as_dict()
    return redirect("complaints_admin_registered")


@never_cache
@require_http_methods(["GET", "POST"])
def admin_complaint_register(request: HttpRequest) -> HttpResponse:
    """Register a complaint that did not come through the web form."""
    if not can_register_complaint(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(request, ComplaintRegistrationForm(), HTTPStatus.OK)
    form = ComplaintRegistrationForm(request.POST, request.FILES)
    if form.is_valid():
        details = form.details()
        submission_key = details.pop("submission_key")
        earlier = receipt_of_submission(submission_key=submission_key)
        if earlier is not None:
            return _registered(request, earlier)
        try:
            receipt = complaint_register(
                officer=request.user, submission_key=submission_key, **details
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return _registered(request, receipt)
    return _form_page(request, form, HTTPStatus.BAD_REQUEST)


@never_cache
@require_GET
def admin_complaint_registered(request: HttpRequest) -> HttpResponse:
    """The reference and the status link of the complaint just registered, shown once, for
    the officer to pass on (read out on the phone, write in a letter)."""
    if not can_register_complaint(request.user):
        raise PermissionDenied
    receipt = request.session.pop(REGISTERED_SESSION_KEY, None)
    context = {"receipt": receipt}
    if receipt and receipt.get("token"):
        context["status_url"] = f"{settings.SITE_BASE_URL}{Receipt(**receipt).status_path()}"
    response = render(request, "complaints/registration/registered.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def admin_attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file sent with a complaint, as a download (never shown inline), to those who may open
    the complaint. Anyone without a complaints role is refused (403); a complaints role that
    may not see this complaint gets 404, as if it did not exist."""
    if not (is_complaints_officer(request.user) or is_safeguarding_officer(request.user)):
        raise PermissionDenied
    attachment = get_object_or_404(Attachment.objects.select_related("complaint"), pk=pk)
    if not can_view_complaint(request.user, attachment.complaint) or not attachment.file:
        raise Http404
    try:
        file = attachment_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
