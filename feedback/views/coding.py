"""Coding feedback comments with the global codes of the insights codebook, and citing them
as evidence for actions: for team leads (comments of their teams) and administrators (all).

The insights pages never import feedback, so an action's cited comments are listed here (the
action evidence page), not on the insight's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import User
from feedback.forms.coding import (
    ActionEvidenceForm,
    CiteForActionForm,
    ResponseCodesForm,
    open_actions,
)
from feedback.models import ActionFeedbackEvidence, Response, ResponseCoding
from feedback.rules import can_code_feedback, is_feedback_admin, visible_teams
from feedback.services.coding import (
    action_feedback_evidence_add,
    feedback_codes,
    response_codes_set,
)
from insights.models import Action

COMMENTS_PER_PAGE = 50
# The comments offered on an action's evidence form: the newest ones the user sees.
COMMENTS_OFFERED = 200


def _comments(user: User) -> QuerySet:
    """Responses with a comment in the teams the user sees, newest first."""
    responses = Response.objects.exclude(comment="").order_by("-submitted_at", "-pk")
    if not is_feedback_admin(user):
        responses = responses.filter(team__in=visible_teams(user))
    return responses


def _allowed(request: HttpRequest) -> None:
    if not can_code_feedback(request.user):
        raise PermissionDenied


@require_GET
def admin_comment_list(request: HttpRequest) -> HttpResponse:
    """Recent comments with a code picker and a "cite for an action" form each."""
    _allowed(request)
    comments = (
        _comments(request.user)
        .select_related("team")
        .prefetch_related(
            Prefetch("codings", queryset=ResponseCoding.objects.only("response_id", "code_id"))
        )
    )
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for response in page:
        response.code_ids = {coding.code_id for coding in response.codings.all()}
    return render(
        request,
        "feedback/admin/coding_list.html",
        {
            "page": page,
            "codes": feedback_codes(),
            "actions": list(open_actions().only("pk", "title").order_by("title", "pk")),
        },
    )


def _back_to_list(request: HttpRequest, response: Response) -> HttpResponse:
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return redirect(f"{reverse('feedback_admin_comments')}{suffix}#comment-{response.pk}")


@require_POST
def admin_comment_codes(request: HttpRequest, response_id: int) -> HttpResponse:
    _allowed(request)
    response = get_object_or_404(_comments(request.user), pk=response_id)
    form = ResponseCodesForm(request.POST)
    if form.is_valid():
        try:
            response_codes_set(
                user=request.user, response=response, codes=form.cleaned_data["codes"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The comment's codes are saved."))
    else:
        messages.error(request, gettext("Choose codes from the list."))
    return _back_to_list(request, response)


@require_POST
def admin_comment_cite(request: HttpRequest, response_id: int) -> HttpResponse:
    _allowed(request)
    response = get_object_or_404(_comments(request.user), pk=response_id)
    form = CiteForActionForm(request.POST)
    if form.is_valid():
        _evidence, created = action_feedback_evidence_add(
            user=request.user, action=form.cleaned_data["action"], response=response
        )
        if created:
            messages.success(request, gettext("The comment is cited for the action."))
        else:
            messages.info(request, gettext("The action cites this comment already."))
    else:
        messages.error(request, gettext("Choose an open action."))
    return _back_to_list(request, response)


@require_http_methods(["GET", "POST"])
def admin_action_evidence(request: HttpRequest, action_id: int) -> HttpResponse:
    """The comments an action cites (those the user sees) and the form to cite another."""
    _allowed(request)
    action = get_object_or_404(Action, pk=action_id)
    visible = _comments(request.user)
    offered = visible.exclude(
        pk__in=ActionFeedbackEvidence.objects.filter(action=action).values("response_id")
    )
    offered = Response.objects.filter(
        pk__in=list(offered.values_list("pk", flat=True)[:COMMENTS_OFFERED])
    )
    form = ActionEvidenceForm(request.POST or None, responses=offered.order_by("-submitted_at"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            action_feedback_evidence_add(
                user=request.user, action=action, response=form.cleaned_data["response"]
            )
            messages.success(request, gettext("The comment is cited for the action."))
            return redirect("feedback_admin_action_evidence", action_id=action.pk)
        status = 400
    cited = list(
        ActionFeedbackEvidence.objects.filter(action=action, response__in=visible)
        .select_related("response", "response__team")
        .order_by("-added_at", "-pk")
    )
    return render(
        request,
        "feedback/admin/coding_action_evidence.html",
        {"action": action, "cited": cited, "form": form},
        status=status,
    )
