from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from projects.blocks import RICH_TEXT_FEATURES, ContentBlock


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


class HomePage(BilingualPage):
    """The front door: what the community is and the projects running now."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    intro_en = RichTextField(_("introduction in English"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*BilingualPage.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["projects.ProjectIndexPage", "projects.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def localized_intro(self) -> str:
        return self.localized("intro")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["projects"] = (
            ProjectPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-first_published_at")[:3]
        )
        return context


class ProjectIndexPage(BilingualPage):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    intro_en = RichTextField(_("introduction in English"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*BilingualPage.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]

    parent_page_types = ["projects.HomePage"]
    subpage_types = ["projects.ProjectPage"]
    max_count = 1

    class Meta:
        verbose_name = _("project index")

    @property
    def localized_intro(self) -> str:
        return self.localized("intro")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["projects"] = ProjectPage.objects.child_of(self).live().public().order_by("title")
        return context


class ProjectPage(BilingualPage):
    summary = models.TextField(_("summary"), max_length=400)
    summary_en = models.TextField(_("summary in English"), max_length=400, blank=True)
    introduction = StreamField(ContentBlock(), verbose_name=_("introduction"), blank=True)
    introduction_en = StreamField(
        ContentBlock(), verbose_name=_("introduction in English"), blank=True
    )

    content_panels = [
        *BilingualPage.content_panels,
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("summary_en")], heading=_("Summary")),
        FieldPanel("introduction"),
        FieldPanel("introduction_en"),
    ]
    search_fields = [*BilingualPage.search_fields, index.SearchField("summary")]

    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types = ["projects.TopicPage"]

    class Meta:
        verbose_name = _("project")

    @property
    def localized_summary(self) -> str:
        return self.localized("summary")

    @property
    def localized_introduction(self):
        return self.localized("introduction")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["project_index"] = self.get_parent()
        context["topics"] = TopicPage.objects.child_of(self).live().public()
        return context


class TopicPage(BilingualPage):
    question = RichTextField(_("question or assignment"), features=RICH_TEXT_FEATURES)
    question_en = RichTextField(
        _("question or assignment in English"), features=RICH_TEXT_FEATURES, blank=True
    )

    content_panels = [
        *BilingualPage.content_panels,
        FieldPanel("question"),
        FieldPanel("question_en"),
    ]
    search_fields = [*BilingualPage.search_fields, index.SearchField("question")]

    parent_page_types = ["projects.ProjectPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("topic")

    @property
    def localized_question(self) -> str:
        return self.localized("question")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["project"] = self.get_parent().specific
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


class Post(models.Model):
    """What a member writes in a topic: an answer, or a reply to an answer (one level deep).

    `body` holds HTML that was sanitized once, on write. An erased account leaves its posts
    with no author: they read as written by "a former member".
    """

    topic = models.ForeignKey(
        TopicPage, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "created_at"])]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.pk}"


class Reaction(models.Model):
    """A "herkenbaar" (I recognise this): at most one per member per post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="reaction_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"
