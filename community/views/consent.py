"""Placeholder until this feature's views land (issue 3)."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise Http404


consent_overview = consent_withdraw = consent_document = _not_yet
