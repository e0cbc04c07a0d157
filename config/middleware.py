"""Project middleware: a strict content security policy, and calm answers instead of a 500
when the database is down or a request lacks a field."""

import logging
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDictKeyError
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


class PortalCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere; the staff admin also gets inline scripts and styles.

    Wagtail's page editor initialises its widgets with inline scripts, so the admin cannot
    run under the strict policy. It is a staff-only area.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.CSP_RELAXED_PATH_PREFIXES):
            parts.update = {
                **(parts.update or {}),
                "script-src": ["'self'", "'unsafe-inline'"],
                "style-src": ["'self'", "'unsafe-inline'"],
            }
        return parts


class DatabaseUnavailableMiddleware:
    """Answer 503 with the styled page, never a traceback, when the database does not answer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response


class MissingRequestFieldMiddleware:
    """Answer 400 with the styled page when a view reads a field the request lacks.

    `request.POST["…"]` and `request.GET["…"]` raise MultiValueDictKeyError for a missing key,
    as Wagtail's StreamField does for its hidden count fields. Our own forms always send them,
    so such a request was made by hand or by a bot: the sender's mistake, not a server error
    worth a 500 (and an alert). A warning with the traceback still shows which code read the
    field, in case our own form forgot one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MultiValueDictKeyError):
            return None
        logger.warning(
            "Bad request to %s: field %s missing", request.path, exception, exc_info=exception
        )
        return bad_request(request, exception)
