"""Which site and which page answer a request, and the menus around them, remembered between
requests.

Wagtail looks the site up (one query) and walks the page tree one query per level on every
request. Those answers change only when someone changes the tree: saves, publishes, moves or
deletes a page, or edits a site, a view restriction or the footer links. Each web process
keeps them in memory for one *tree generation*, a token in the shared cache that every such
change replaces (projects.signals); a request pays one cache read to check the token.

Routing must not depend on who asks. What a visitor may see is decided after routing, by
the pages' serve methods and Wagtail's view restrictions, which run on every request.
"""

import copy
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from config.versions import version_renew, version_tokens

GENERATION_KEY = "page-tree-generation"
# Addresses remembered per process before starting afresh: a bound against odd addresses.
ROUTES_KEPT = 5_000

_memory: dict = {}


def _memory_for(generation: str) -> dict:
    if _memory.get("generation") != generation:
        _memory.clear()
        _memory.update(generation=generation, sites={}, routes={}, navigation={})
    return _memory


def tree_memory(request: HttpRequest) -> dict:
    """What this process remembers of the page tree, checked against the shared token once
    per request."""
    memory = getattr(request, "_page_tree_memory", None)
    if memory is None or memory.get("generation") is None:
        (generation,) = version_tokens(GENERATION_KEY)
        memory = request._page_tree_memory = _memory_for(generation)
    return memory


def tree_generation(request: HttpRequest) -> str | None:
    """The page tree's current generation token (None for a moment after a change)."""
    return tree_memory(request).get("generation")


def tree_changed() -> None:
    """Forget what every process remembers about the page tree: a new generation now, for
    this process and the transaction's own reads, and again after the commit, so that a
    process that read the old tree in between does not keep it (config.versions)."""
    version_renew(GENERATION_KEY)
    _memory.clear()
    transaction.on_commit(_memory.clear)


def remembered(request: HttpRequest, part: str, key, build: Callable[[], object]):
    """The value for `key` in one part of the memory ("sites", "routes", "navigation"),
    built once per tree generation."""
    values = tree_memory(request).get(part)
    if values is None:  # forgotten a moment ago, by a change in another thread
        return build()
    try:
        return values[key]
    except KeyError:
        value = build()
        if len(values) >= ROUTES_KEPT:
            values.clear()
        values[key] = value
        return value


def site_for_request(request: HttpRequest) -> Site | None:
    """Site.find_for_request without its query, once the process has seen this host."""
    if not hasattr(request, "_wagtail_site"):
        host = (split_domain_port(request._get_raw_host())[0], request.get_port())
        request._wagtail_site = remembered(
            request, "sites", host, lambda: Site._find_for_request(request)
        )
    return request._wagtail_site


def page_serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's serve view, with the site, the route through the tree and the page's view
    restrictions remembered (Wagtail still checks the restrictions against each request).

    The page is remembered as routing found it, before serving; each request serves its own
    shallow copy, so what one request notes on the page never reaches the next.
    """
    site = site_for_request(request)

    def route():
        result = Page.route_for_request(request, path)
        if result is None:
            return None
        page, args, kwargs = result
        return copy.copy(page), args, kwargs, list(page.get_view_restrictions())

    result = remembered(request, "routes", (site.pk if site else None, path), route)
    if result is not None:
        page, args, kwargs, restrictions = result
        page = copy.copy(page)
        page.remembered_view_restrictions = restrictions
        request._wagtail_route_for_request = (page, list(args), dict(kwargs))
    return wagtail_views.serve(request, path)
