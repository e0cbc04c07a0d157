"""Follow-up items in the Wagtail admin, for the leads of the item's team (and of its region)
and administrators: the list, one item with its response and timeline, and the actions (take
ownership, choose an owner, start, close with what was done).

An item of a team the user does not see answers 404, as if it did not exist.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from community.models import User
from feedback.forms.follow_ups import (
    FollowUpAssignForm,
    FollowUpCloseForm,
    FollowUpFilterForm,
    account_label,
)
from feedback.forms.survey import Score
from feedback.models import FollowUp, FollowUpEvent, FollowUpReason, FollowUpStatus
from feedback.rules import can_view_team_feedback, visible_teams
from feedback.services import followups as services
from feedback.views.request_roles import roles_remember

FOLLOW_UPS_PER_PAGE = 20


def _teams(request: HttpRequest) -> list:
    roles_remember(request)
    if not can_view_team_feedback(request.user):
        raise PermissionDenied
    return list(
        visible_teams(request.user).select_related("region").order_by("region__name", "name")
    )


@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Items not closed first, the most overdue first; filtered by status and team. A fixed
    number of queries whatever the number of items."""
    teams = _teams(request)
    form = FollowUpFilterForm(request.GET or None, teams=teams)
    team_ids = [team.pk for team in teams]
    items = FollowUp.objects.filter(team_id__in=team_ids)
    status = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["team"]:
            items = items.filter(team_id=form.cleaned_data["team"])
    if status == "":
        items = items.not_closed()
    elif status != "all":
        items = items.filter(status=status)
    items = (
        items.select_related("team__region", "owner", "response")
        .annotate(
            closed_last=Case(
                When(status=FollowUpStatus.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed_last", "due_date", "pk")
    )
    page = Paginator(items, FOLLOW_UPS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = list(page.object_list)
    for item in rows:
        item.is_overdue = item.status != FollowUpStatus.CLOSED and item.due_date < today
        item.owner_label = account_label(item.owner) if item.owner else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/admin/follow_up_list.html",
        {"form": form, "page": page, "items": rows, "filter_query": query.urlencode()},
    )


def _item(request: HttpRequest, pk: int) -> FollowUp:
    teams = _teams(request)
    item = (
        FollowUp.objects.filter(pk=pk, team_id__in=[team.pk for team in teams])
        .select_related("team__region", "owner", "closed_by", "response__staff")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _event_text(event: FollowUpEvent, names: dict[str, str]) -> str:
    """The timeline's sentence for an event (events store a stable code: see services)."""
    what, _sep, detail = event.what.partition(": ")
    if what == services.EVENT_OPENED:
        reason = FollowUpReason(detail).label if detail in FollowUpReason.values else detail
        return gettext("Opened: %(reason)s") % {"reason": reason}
    if what == services.EVENT_ASSIGNED:
        name = names.get(detail) or gettext("a former account")
        return gettext("Owner set to %(name)s") % {"name": name}
    if what == services.EVENT_STARTED:
        return gettext("Set to in progress")
    if what == services.EVENT_CLOSED:
        return gettext("Closed")
    if what == services.EVENT_ESCALATED:
        if detail == services.ESCALATED_TO_ADMINISTRATORS:
            return gettext("Overdue: the administrators were told (the region has no lead)")
        return gettext("Overdue: the region's leads were told")
    return event.what


def _timeline(item: FollowUp) -> list[dict[str, Any]]:
    events = list(item.events.select_related("actor"))
    owner_ids = {
        event.what.partition(": ")[2]
        for event in events
        if event.what.startswith(services.EVENT_ASSIGNED)
    }
    ids = [int(pk) for pk in owner_ids if pk.isdigit()]
    names = (
        {str(user.pk): account_label(user) for user in User.objects.filter(pk__in=ids)}
        if ids
        else {}
    )
    return [
        {
            "event": event,
            "text": _event_text(event, names),
            "actor": account_label(event.actor) if event.actor else "",
        }
        for event in events
    ]


def _detail(
    request: HttpRequest,
    item: FollowUp,
    assign_form: FollowUpAssignForm | None = None,
    close_form: FollowUpCloseForm | None = None,
) -> HttpResponse:
    leads = services.follow_up_owner_choices(item)
    response = item.response
    response.score_word = Score(response.score).label
    return render(
        request,
        "feedback/admin/follow_up_detail.html",
        {
            "item": item,
            "response": response,
            "is_overdue": item.status != FollowUpStatus.CLOSED
            and item.due_date < timezone.localdate(),
            "owner_label": account_label(item.owner) if item.owner else "",
            "closed_by_label": account_label(item.closed_by) if item.closed_by else "",
            "timeline": _timeline(item),
            "assign_form": assign_form
            or FollowUpAssignForm(leads=leads, initial={"owner": item.owner_id}),
            "close_form": close_form or FollowUpCloseForm(),
            "can_take": item.owner_id != request.user.pk,
        },
    )


@require_GET
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _item(request, pk))


@require_POST
def follow_up_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of the item's actions; a form with a mistake shows the page again with the message
    at the field and the text kept."""
    item = _item(request, pk)
    user = request.user
    if item.status == FollowUpStatus.CLOSED:
        messages.info(request, gettext("This item is closed."))
        return redirect("feedback_admin_follow_up", pk=item.pk)
    if action == "take":
        services.follow_up_assign(follow_up=item, owner=user, actor=user)
        messages.success(request, gettext("You own this item now."))
    elif action == "assign":
        form = FollowUpAssignForm(request.POST, leads=services.follow_up_owner_choices(item))
        if not form.is_valid():
            return _detail(request, item, assign_form=form)
        try:
            services.follow_up_assign(follow_up=item, owner=form.cleaned_data["owner"], actor=user)
        except ValidationError as error:
            form.add_error(None, error)
            return _detail(request, item, assign_form=form)
        messages.success(request, gettext("The owner is set."))
    elif action == "start":
        services.follow_up_start(follow_up=item, actor=user)
        messages.success(request, gettext("The item is in progress."))
    elif action == "close":
        form = FollowUpCloseForm(request.POST)
        if not form.is_valid():
            return _detail(request, item, close_form=form)
        try:
            services.follow_up_close(
                follow_up=item, actor=user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return _detail(request, item, close_form=form)
        messages.success(request, gettext("The item is closed."))
    else:
        raise Http404
    return redirect("feedback_admin_follow_up", pk=item.pk)
