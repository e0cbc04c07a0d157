"""The header menu and footer links, read once per site and language and kept in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site

CACHE_SECONDS = 60 * 60


def _cache_key(site_id: int, language: str) -> str:
    return f"site-navigation:{site_id}:{language}"


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
    site = Site.find_for_request(request)
    if site is None:
        return {"home_url": "/", "menu": [], "footer": {}}
    key = _cache_key(site.pk, get_language())
    navigation = cache.get(key)
    if navigation is None:
        navigation = site_navigation_build(site, request)
        cache.set(key, navigation, CACHE_SECONDS)
    return navigation


def site_navigation_forget() -> None:
    """Drop the cached navigation for every site and language, after the page tree changed."""
    keys = [
        _cache_key(site_id, code)
        for site_id in Site.objects.values_list("pk", flat=True)
        for code, _name in settings.LANGUAGES
    ]
    cache.delete_many(keys)
