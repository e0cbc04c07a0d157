"""My feedback in the Wagtail admin: a staff member's own responses, newest first, their trend
per month, and per response "read", "taken up" and "ask my team lead to follow up".

Another staff member's response answers 404, as if it did not exist; nothing on these pages
says who the parent is, nor how to reach them (that is the team lead's follow-up item).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from feedback.charts import monthly_trend_chart
from feedback.forms.survey import Score
from feedback.models import Response, StaffMember
from feedback.rules import staff_member_of
from feedback.services.own_feedback import (
    own_responses,
    own_trend,
    response_follow_up_ask,
    response_mark_read,
    response_mark_taken_up,
)
from feedback.views.request_roles import roles_remember

RESPONSES_PER_PAGE = 20


def _staff(request: HttpRequest) -> StaffMember:
    roles_remember(request)
    staff = staff_member_of(request.user)
    if staff is None:
        raise PermissionDenied
    return staff


@require_GET
def my_feedback(request: HttpRequest) -> HttpResponse:
    """Three queries whatever the number of responses: the count, the page, the trend."""
    staff = _staff(request)
    page = Paginator(own_responses(staff), RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    responses = list(page.object_list)
    for response in responses:
        response.score_word = Score(response.score).label
    trend = own_trend(staff=staff)
    return render(
        request,
        "feedback/admin/my_feedback.html",
        {
            "page": page,
            "responses": responses,
            "trend": trend,
            "chart": monthly_trend_chart(trend),
        },
    )


def _own_response(staff: StaffMember, pk: int) -> Response:
    response = Response.objects.filter(pk=pk, staff=staff).first()
    if response is None:
        raise Http404
    return response


def _back(request: HttpRequest, response: Response) -> HttpResponse:
    """Back to the page the button was on, at the response it was pressed for."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("feedback_admin_my_feedback")
    return redirect(f"{target.split('#')[0]}#response-{response.pk}")


@require_POST
def my_feedback_read(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request)
    response = response_mark_read(staff=staff, response=_own_response(staff, pk))
    return _back(request, response)


@require_POST
def my_feedback_taken_up(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request)
    response = response_mark_taken_up(staff=staff, response=_own_response(staff, pk))
    messages.success(request, gettext("Marked as taken up."))
    return _back(request, response)


@require_POST
def my_feedback_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request)
    response = _own_response(staff, pk)
    response_follow_up_ask(staff=staff, response=response)
    messages.success(request, gettext("Your team lead has been asked to follow this up."))
    return _back(request, response)
