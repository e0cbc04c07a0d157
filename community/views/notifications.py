"""A member's notifications: the list, opening one, and how often to get e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community.forms.notifications import NotificationPreferencesForm
from community.models import Notification
from community.services.notifications import (
    notification_mark_read,
    notification_preferences_get,
    notification_preferences_update,
    notifications_mark_all_read,
)

NOTIFICATIONS_PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/notification_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    # GET too: the link in an e-mail opens it, and opening it is what reading means.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification=notification)
    target = notification.localized_url(get_language())
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    if notifications_mark_all_read(user=request.user):
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notification_list")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = notification_preferences_get(user=request.user)
    form = NotificationPreferencesForm(
        request.POST or None,
        initial_frequencies={kind.value: frequency.value for kind, frequency in current.items()},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_update(user=request.user, frequencies=form.frequencies())
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notification_preferences")
    return render(request, "community/notification_preferences.html", {"form": form})
