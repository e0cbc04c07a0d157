"""Project middleware: a strict content security policy, and calm answers instead of a 500
when the database is down or a request lacks a field."""

import logging
import sys
from collections.abc import Callable
from http import HTTPStatus

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.signals import got_request_exception
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


def _is_database_unavailable(exception: BaseException | None) -> bool:
    # A refused or timed-out connection, a connection lost mid-request and a statement the
    # server cancelled at DATABASE_STATEMENT_TIMEOUT (psycopg's QueryCanceled) all reach Django
    # as OperationalError or InterfaceError.
    return isinstance(exception, OperationalError | InterfaceError)


def _note_database_unavailable(
    sender: object, request: HttpRequest | None = None, **kwargs
) -> None:
    if request is not None and _is_database_unavailable(sys.exc_info()[1]):
        request._database_unavailable = True


# An error raised in a middleware after this one (loading the user, the session) never reaches
# process_exception: Django turns it into a 500 at that layer. The signal marks the request,
# so __call__ can still answer with the 503 page.
got_request_exception.connect(_note_database_unavailable, dispatch_uid="database-unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 with the styled page, never a traceback, when the database does not answer:
    refused, timed out (DATABASE_CONNECT_TIMEOUT), gone mid-request or too slow
    (DATABASE_STATEMENT_TIMEOUT), whether in a view or in a later middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            return self.unavailable()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        return self.unavailable()

    @staticmethod
    def unavailable() -> HttpResponse:
        response = HttpResponse(render_to_string("503.html"), status=HTTPStatus.SERVICE_UNAVAILABLE)
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
