"""The e-mail channel's pages: an e-mail agent registers an answer by hand, and a parent opts
out of survey mails from the link in one.

The opt-out acts on POST only: mail scanners open every link in a mail, so opening the link
shows a button and changes nothing.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from feedback.forms.email import EmailAnswerRegisterForm
from feedback.rules import staff_member_of
from feedback.services import email_followup
from feedback.services.surveys import invitation_for_token
from feedback.views.staff import staff_page_refusal


@never_cache
@require_http_methods(["GET", "POST"])
def email_answer_register(request: HttpRequest) -> HttpResponse:
    """Register an e-mail answer: its satisfaction mail is planned. Sent twice, the same
    ticket stays one contact with its first address and date."""
    refusal = staff_page_refusal(request)
    if refusal is not None:
        return refusal
    form = EmailAnswerRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation, created = email_followup.email_answer_register(
            ticket_id=form.cleaned_data["ticket_id"],
            email=form.cleaned_data["email"],
            staff=staff_member_of(request.user),
            created_by=request.user,
        )
        due = formats.date_format(timezone.localtime(invitation.mail_due_at), "DATE_FORMAT")
        params = {"ticket": invitation.contact.external_reference, "date": due}
        if created:
            text = _("Ticket %(ticket)s is registered. The satisfaction mail goes out on %(date)s.")
            messages.success(request, text % params)
        else:
            text = _("Ticket %(ticket)s was registered before; its mail goes out on %(date)s.")
            messages.info(request, text % params)
        return redirect("feedback_email_answer")
    return render(request, "feedback/email/email_answer.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def email_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """A button on GET; on POST, no more survey mails to the invitation's address."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "feedback/email/opt_out_unknown.html", status=404)
    if request.method == "POST":
        email_followup.survey_opt_out_record(invitation=invitation)
        return render(request, "feedback/email/opt_out_done.html")
    return render(request, "feedback/email/opt_out.html", {"token": token})
