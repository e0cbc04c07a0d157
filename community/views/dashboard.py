"""Placeholder until this feature's views land (issue 3)."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise Http404


dashboard = _not_yet
