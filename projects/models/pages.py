"""The site's frame: the home page, the project index, standard pages and the footer links."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from projects.blocks import RICH_TEXT_FEATURES, ContentBlock
from projects.models.base import BilingualPage
from projects.models.projects import Audience, ProjectPage


class HomePage(BilingualPage):
    """The front door: what the community is and the projects running now."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    intro_en = RichTextField(_("introduction in English"), features=RICH_TEXT_FEATURES, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A photo or illustration beside the introduction. It is cropped to landscape "
            "around the focal point you set on the image."
        ),
    )
    hero_image_alt = models.CharField(
        _("image description"),
        max_length=255,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it. Leave empty when the image "
            "is only decoration."
        ),
    )
    hero_image_alt_en = models.CharField(
        _("image description in English"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the Dutch description."),
    )

    content_panels = [
        *BilingualPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
                FieldPanel("hero_image_alt_en"),
            ],
            heading=_("Home page image"),
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["projects.ProjectIndexPage", "projects.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def localized_intro(self) -> str:
        return self.localized("intro")

    @property
    def localized_hero_image_alt(self) -> str:
        return self.localized("hero_image_alt")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        # Members see the projects open to them; visitors only those open to every member,
        # so a segment's project never shows outside its audience.
        if request.user.is_authenticated:
            projects = ProjectPage.objects.open_to(request.user)
        else:
            projects = ProjectPage.objects.live().public().filter(audience=Audience.ALL)
        context["projects"] = projects.descendant_of(self).order_by("-first_published_at")[:3]
        return context


class ProjectIndexPage(BilingualPage):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    intro_en = RichTextField(_("introduction in English"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*BilingualPage.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]

    parent_page_types = ["projects.HomePage"]
    subpage_types = ["projects.ProjectPage"]

    def route(self, request, path_components):
        return self.route_to_child(request, path_components, ProjectPage)

    max_count = 1

    class Meta:
        verbose_name = _("project index")

    @property
    def localized_intro(self) -> str:
        return self.localized("intro")

    def get_context(self, request, *args, **kwargs) -> dict:
        """Members see the projects open to them, each with its status and how many topics
        wait for their answer, in a fixed number of queries; visitors get a join link instead.
        """
        context = super().get_context(request, *args, **kwargs)
        if not request.user.is_authenticated:
            context["projects"] = None
            return context
        projects = ProjectPage.objects.open_to(request.user).child_of(self)
        # Topics "wait for your answer" only for parents: staff accounts never answer as one.
        if not request.user.is_staff_member:
            projects = projects.annotate(
                waiting_count=ProjectPage.waiting_topics_count(request.user)
            )
        context["projects"] = list(projects.order_by("-start_date", "title"))
        return context


class StandardPage(BilingualPage):
    """About, house rules, privacy, accessibility: plain content pages."""

    body = StreamField(ContentBlock(), verbose_name=_("body"))
    body_en = StreamField(ContentBlock(), verbose_name=_("body in English"), blank=True)

    content_panels = [*BilingualPage.content_panels, FieldPanel("body"), FieldPanel("body_en")]
    search_fields = [*BilingualPage.search_fields, index.SearchField("body")]

    parent_page_types = ["projects.HomePage", "projects.StandardPage"]
    subpage_types = ["projects.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    @property
    def localized_body(self):
        return self.localized("body")


def footer_page_field(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@register_setting(icon="link")
class SiteLinks(BaseSiteSetting):
    """The pages every page links to in its footer."""

    house_rules_page = footer_page_field(_("house rules page"))
    privacy_page = footer_page_field(_("privacy page"))
    accessibility_page = footer_page_field(_("accessibility page"))

    panels = [
        FieldPanel("house_rules_page"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
    ]

    class Meta:
        verbose_name = _("site links")
