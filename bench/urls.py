"""The site's URLconf with a bare JSON view in front: the benchmark's yardstick."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare_json(request: HttpRequest) -> JsonResponse:
    """No database, no template: what the stack costs before a page does any work."""
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/json", bare_json, name="bench_json"), *site_urlpatterns]
