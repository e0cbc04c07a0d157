from django.http import HttpRequest

from projects.navigation import site_navigation_get


def site_navigation(request: HttpRequest) -> dict:
    """Header menu and footer links for every template rendered with a request."""
    return {"site_navigation": site_navigation_get(request)}
