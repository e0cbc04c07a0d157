"""The header menu and footer links, read once per site, language and page tree generation
(projects.routing)."""

from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site

from projects.routing import remembered, site_for_request


def _link(page: Page, request: HttpRequest) -> dict[str, str]:
    specific = page.specific
    title = specific.localized_title if hasattr(specific, "localized_title") else page.title
    return {"title": title, "url": page.get_url(request) or ""}


def site_navigation_build(site: Site, request: HttpRequest) -> dict:
    """Read the menu (root's children shown in menus) and the footer links for one site."""
    from projects.models import SiteLinks

    root = site.root_page
    menu = [_link(page, request) for page in root.get_children().live().in_menu().specific()]
    links = SiteLinks.for_site(site)
    footer = {}
    for name in ("house_rules_page", "privacy_page", "accessibility_page"):
        page = getattr(links, name)
        if page is not None and page.live:
            footer[name.removesuffix("_page")] = _link(page, request)
    return {"home_url": root.get_url(request) or "/", "menu": menu, "footer": footer}


def site_navigation_get(request: HttpRequest) -> dict:
    site = site_for_request(request)
    if site is None:
        return {"home_url": "/", "menu": [], "footer": {}}
    return remembered(
        request,
        "navigation",
        (site.pk, get_language()),
        lambda: site_navigation_build(site, request),
    )
