"""Complaints about me: the staff member a complaint is about reads its outcome once the
handler shared it — the reference, the dates, the outcome and the norms at stake. Never who
complained, how to reach them, nor what they wrote."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from complaints.models import OmbudsNorm
from complaints.rules import complaints_about_me
from feedback.views.request_roles import roles_remember

# What the page reads: nothing of the complainant (no name, story or contact details).
SUBJECT_FIELDS = (
    "pk",
    "reference",
    "received_at",
    "answered_at",
    "closed_at",
    "outcome",
    "norms",
    "outcome_shared_at",
    "acknowledge_due",
    "answer_due",
)


@require_GET
def complaints_about_me_view(request: HttpRequest) -> HttpResponse:
    """One query for the list; 403 for a user with no shared outcome about them."""
    roles_remember(request)
    complaints = list(
        complaints_about_me(request.user)
        .only(*SUBJECT_FIELDS)
        .order_by("-outcome_shared_at", "-pk")
    )
    if not complaints:
        raise PermissionDenied
    for complaint in complaints:
        complaint.norm_labels = [
            OmbudsNorm(norm).label for norm in complaint.norms or [] if norm in OmbudsNorm
        ]
    return render(request, "complaints/admin/about_me.html", {"complaints": complaints})
