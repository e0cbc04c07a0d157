"""Public pages of "Jullie zeiden, wij deden": every published update, and each on its own
page. The same HTML for every reader (only the site header knows who is logged in); a draft
is shown only to community staff, as a preview.

The results page is kept for visitors who are not logged in (bench/insights.py: rendered
for each request it served 7.8 % of the bare view's requests per second; the goal is 30 %),
under the token of published updates and the page tree's generation (docs/caching.md).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from config.versions import kept_while_current
from insights.models import Excerpt, PublicUpdate
from insights.rules import can_view_update
from insights.services.updates import PUBLIC_UPDATES_VERSION
from projects.models import ProjectPage
from projects.routing import GENERATION_KEY

UPDATES_PER_PAGE = 10


def public_updates() -> QuerySet[PublicUpdate]:
    """Updates with the projects of their insight, as an update's own page shows them."""
    return PublicUpdate.objects.select_related("insight").prefetch_related(
        Prefetch(
            "insight__projects",
            queryset=ProjectPage.objects.only("pk", "title", "title_en").order_by("title"),
        )
    )


def quotes_shown() -> Prefetch:
    """The quotes a moderator picked, as long as their words were not removed since."""
    return Prefetch(
        "quotes",
        queryset=Excerpt.objects.filter(quote_removed_at__isnull=True)
        .exclude(quote="")
        .only("pk", "quote")
        .order_by("created_at", "pk"),
        to_attr="quotes_shown",
    )


# A day at most: the tokens keep it fresh; this only bounds what stays for pages nobody asks.
KEPT_SECONDS = 24 * 60 * 60


def _update_list_html(request: HttpRequest) -> str:
    # The cards show the update's own fields only: no related rows to load.
    updates = PublicUpdate.objects.published().order_by("-published_at", "-pk")
    page = Paginator(updates, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render_to_string("insights/updates/update_list.html", {"page": page}, request)


@require_GET
def update_list(request: HttpRequest) -> HttpResponse:
    """Published updates, newest first. Visitors who are not logged in share one kept
    rendering per language, host and page number (no form token, no personal header);
    a page with a message waiting for the reader is rendered for them alone."""
    page_number = request.GET.get("page", "1")
    if (
        request.user.is_authenticated
        or len(messages.get_messages(request))
        or not (page_number.isdigit() and len(page_number) <= 4)
    ):
        return HttpResponse(_update_list_html(request))
    key = f"update-list:{get_language()}:{request.get_host()}:{int(page_number)}"
    html, _tokens = kept_while_current(
        key,
        (PUBLIC_UPDATES_VERSION, GENERATION_KEY),
        lambda: _update_list_html(request),
        KEPT_SECONDS,
    )
    return HttpResponse(html)


@require_GET
def update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    update = public_updates().prefetch_related(quotes_shown()).filter(pk=pk).first()
    if update is None or not can_view_update(request.user, update):
        raise Http404
    return render(request, "insights/updates/update_detail.html", {"update": update})
