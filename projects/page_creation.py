"""One page per "add page" form, however the editor's autosave and the publish button race.

Wagtail's editor autosaves a new page: the first autosave creates it, and only when that
answer arrives does the form switch to the page's edit address. A publish sent in the
meantime (right after typing) still goes to the "add" address and used to fail, because the
autosaved draft had already taken the slug, with the only error on a hidden tab.

static/js/admin_page_form.js gives each "add page" form a random creation token. The first
request that creates a page from that form remembers, in the session, which page it made;
any later request from the same form is handed to Wagtail's edit view of that page, so the
publish publishes the autosaved draft instead of making a second page. No token (a browser
without script, which also has no autosave) leaves Wagtail's behaviour as it is.
"""

import re

from django.http import HttpRequest, HttpResponse
from wagtail.admin.views.pages.edit import EditView
from wagtail.models import Page

TOKEN_FIELD = "creation_token"
SESSION_KEY = "page_creation_tokens"
TOKENS_KEPT = 20
_TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}")


def _token(request: HttpRequest) -> str | None:
    token = request.POST.get(TOKEN_FIELD, "")
    return token if _TOKEN.fullmatch(token) else None


def page_creation_remember(request: HttpRequest, page: Page) -> None:
    """After Wagtail created a page from a form with a token: remember the page for it."""
    token = _token(request)
    if token is None:
        return
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[token] = page.pk
    # Python dicts keep their order: drop the oldest forms beyond the last few.
    request.session[SESSION_KEY] = dict(list(tokens.items())[-TOKENS_KEPT:])


def page_creation_forward(
    request: HttpRequest, parent_page: Page, page_class: type[Page]
) -> HttpResponse | None:
    """A request to the "add" address from a form that already created its page goes to
    that page's edit view (with the same data and the same action: save or publish)."""
    if request.method != "POST":
        return None
    token = _token(request)
    page_id = request.session.get(SESSION_KEY, {}).get(token) if token else None
    if page_id is None:
        return None
    if not page_class.objects.child_of(parent_page).filter(pk=page_id).exists():
        return None  # deleted or moved since: create a new page as asked
    return EditView.as_view()(request, page_id=page_id)
