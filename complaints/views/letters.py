"""The steps that send a letter: acknowledge, refuse and answer.

"Fill in the letter" shows the chosen template filled in for the complaint (with the ground or
outcome chosen in the same form) in the text field, and sends nothing; "send" takes the step
and sends the text as it stands in the field, which is kept as sent.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from complaints.forms.letters import FILL
from complaints.models import Complaint, ComplaintLetter
from complaints.services import handling as services
from complaints.services.letters import letter_fill, letter_language, letter_templates
from complaints.views.handling import detail_render, form_errors_add, step_refused
from complaints.views.step_forms import LETTER_ACTIONS

LETTER_STEPS = set(LETTER_ACTIONS)


def _send(request: HttpRequest, complaint: Complaint, action: str, data: dict, draft):
    by = request.user
    if action == "acknowledge":
        return services.complaint_acknowledge(complaint=complaint, by=by, letter=draft)
    if action == "refuse":
        return services.complaint_refuse(
            complaint=complaint,
            by=by,
            refusal_ground=data["refusal_ground"],
            refusal_reason=data["refusal_reason"],
            letter=draft,
        )
    return services.complaint_answer(
        complaint=complaint, by=by, outcome=data["outcome"], norms=data["norms"], letter=draft
    )


def letter_step(request: HttpRequest, complaint: Complaint, action: str) -> HttpResponse:
    templates = letter_templates()
    form_class = LETTER_ACTIONS[action]
    filling = FILL in request.POST
    form = form_class(request.POST, templates=templates, filling=filling)

    def again(form) -> HttpResponse:
        return detail_render(
            request, complaint, forms={action: form}, open_action=action, templates=templates
        )

    if not form.is_valid():
        return again(form)
    data = form.cleaned_data
    if filling:
        template = data["template"]
        if template is None:
            form.add_error("template", gettext("Choose a template to fill in."))
            return again(form)
        draft = letter_fill(
            template=template,
            complaint=complaint,
            refusal_ground=data.get("refusal_ground", ""),
            refusal_reason=data.get("refusal_reason", ""),
            outcome=data.get("outcome", ""),
        )
        filled = request.POST.copy()
        filled.pop(FILL, None)
        filled["subject"], filled["body"] = draft.subject, draft.body
        return again(form_class(filled, templates=templates))
    try:
        _send(request, complaint, action, data, form.draft(letter_language(complaint)))
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return step_refused(request, complaint, action, error)
        form_errors_add(form, error)
        return again(form)
    letter = ComplaintLetter.objects.filter(complaint=complaint).order_by("-sent_at", "-pk").first()
    if letter is not None and letter.by_post:
        messages.warning(
            request,
            gettext(
                "The complainant gave no e-mail address: print the letter and post it. It is "
                "kept under Letters."
            ),
        )
    else:
        messages.success(request, gettext("Done: the letter is sent by e-mail and kept."))
    return redirect("complaints_admin_complaint", pk=complaint.pk)
