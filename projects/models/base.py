"""The page every page of the site builds on: Dutch with optional English, and routing in
one query per level."""

from urllib.parse import urlsplit

from django.db import models
from django.http import Http404
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index


class BilingualPage(Page):
    """A page written in Dutch, with optional English text shown at the /en/ addresses.

    One page tree serves both languages so that parents who read in English and in Dutch
    take part in the same projects and discussions.
    """

    title_en = models.CharField(
        _("title in English"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to show the Dutch title to English readers."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("title_en")]

    class Meta:
        abstract = True

    def localized(self, field: str):
        """The English variant of a field when English is active and it has content."""
        if get_language() == "en":
            english = getattr(self, f"{field}_en", None)
            if english:
                return english
        return getattr(self, field)

    @property
    def localized_title(self) -> str:
        return self.localized("title")

    @property
    def dutch_path(self) -> str:
        """The page's Dutch address without host: what notifications store (they are read in
        either language, and with more than one site get_url() includes the host)."""
        with override("nl"):
            return urlsplit(self.get_url() or "").path

    def route(self, request, path_components):
        return self.route_to_child(request, path_components)

    def route_to_child(
        self, request, path_components: list[str], child_model: type[Page] | None = None
    ):
        """Wagtail's routing in one query per level instead of two (the page, then its
        specific row). A page whose children are all of one type names it; otherwise a page
        passed through on the way comes with its specific fields deferred (routing does not
        read them) and only the page served is fetched whole."""
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        if child_model is None:
            children = Page.objects.child_of(self).specific(defer=bool(remaining))
        else:
            children = child_model.objects.child_of(self)
        try:
            child = children.get(slug=slug)
        except children.model.DoesNotExist as error:  # a page type's own, not Page's
            raise Http404 from error
        child._cached_parent_obj = self
        return child.route(request, remaining)

    def get_view_restrictions(self):
        """Wagtail's rule in one query instead of two: the restrictions of this page and its
        ancestors, an alias on the path answering with its source page's restrictions.

        A page served through projects.routing comes with them remembered, as a list: serving
        only goes through them (Wagtail's check_view_restrictions hook)."""
        remembered = getattr(self, "remembered_view_restrictions", None)
        if remembered is not None:
            return remembered
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        on_path = models.Q(page__path__in=paths, page__alias_of__isnull=True)
        source_of_alias_on_path = models.Q(page__aliases__path__in=paths)
        return PageViewRestriction.objects.filter(on_path | source_of_alias_on_path).distinct()
