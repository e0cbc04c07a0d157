"""The terms and privacy notice as members read them, their consent, and withdrawing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community.models import ConsentDocument, ConsentKind
from community.services.consent import ConsentState, consent_status
from community.services.consent import consent_withdraw as withdraw


def consent_document(request: HttpRequest, kind: str) -> HttpResponse:
    """The published version of the research terms or the privacy notice; open to everyone."""
    document = get_object_or_404(ConsentDocument, kind=kind, live=True)
    return render(request, "community/consent_document.html", {"document": document})


def _research_state(status: dict[ConsentDocument, ConsentState]) -> ConsentState | None:
    return next(
        (
            state
            for document, state in status.items()
            if document.kind == ConsentKind.RESEARCH_TERMS
        ),
        None,
    )


@login_required
def consent_overview(request: HttpRequest) -> HttpResponse:
    status = consent_status(user=request.user)
    research_state = _research_state(status)
    records = request.user.consent_records.select_related("document").latest_first()
    return render(
        request,
        "community/consent_overview.html",
        {
            "status": status.items(),
            "records": records,
            "can_withdraw": research_state in {ConsentState.ACCEPTED, ConsentState.OUTDATED},
            "withdrawn": research_state == ConsentState.WITHDRAWN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    """Asks first (GET); withdrawing (POST) stops participation at once."""
    research_state = _research_state(consent_status(user=request.user))
    if research_state not in {ConsentState.ACCEPTED, ConsentState.OUTDATED}:
        messages.info(request, _("You are not taking part in the research at the moment."))
        return redirect("consent_overview")
    if request.method == "POST":
        try:
            withdraw(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "You have withdrawn your consent. You no longer take part in the "
                    "research. You can join again at any time."
                ),
            )
        return redirect("consent_overview")
    return render(request, "community/consent_withdraw.html")
