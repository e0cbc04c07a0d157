from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


def _path_in_language(path: str, code: str, is_page: bool) -> str:
    """The same address in another language, also where the address does not resolve. A
    page of the tree has the same slugs in both: only the language prefix changes."""
    if not is_page:
        translated = translate_url(path, code)
        if translated != path or get_language() == code:
            return translated
    current = get_language()
    if current != settings.LANGUAGE_CODE and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    if code == settings.LANGUAGE_CODE:
        return path
    return f"/{code}{path}"


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict]:
    """One link per language to the page the reader is on."""
    request: HttpRequest | None = context.get("request")
    path = request.path if request else "/"
    match = getattr(request, "resolver_match", None)
    is_page = match is not None and match.url_name == "wagtail_serve"
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": _path_in_language(path, code, is_page),
            "active": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.filter
def current_marker(url: str, path: str) -> str:
    """The aria-current value for a menu link: "page" on the page, "true" inside its section."""
    if not url or url == "/" or not path.startswith(url):
        return ""
    return "page" if path == url else "true"
