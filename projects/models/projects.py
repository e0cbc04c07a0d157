"""Research projects and their topics (questions, discussions, polls), with their polls' options
and votes."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from community.models import Segment
from projects.blocks import RICH_TEXT_FEATURES, ContentBlock
from projects.models.base import BilingualPage


class ProjectStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Audience(models.TextChoices):
    ALL = "all", _("All members")
    SEGMENTS = "segments", _("Members of the chosen segments")


class ModerationMode(models.TextChoices):
    POST = "post", _("Post-moderation: posts appear at once; moderators review flagged posts")
    PRE = "pre", _("Pre-moderation: a moderator approves every post before others see it")


class ProjectPageQuerySet(PageQuerySet):
    def open_to(self, user) -> "ProjectPageQuerySet":
        """Live, public projects whose audience includes this user; community staff (with
        their second factor: User.is_community_staff) see them all.

        Audience rules are evaluated by the database: Segment.ids_for_member finds the user's
        segments in one query, then a plain filter.
        """
        projects = self.live().public()
        if not user.is_authenticated:
            return projects.none()
        if user.is_community_staff:
            return projects
        return projects.filter(
            models.Q(audience=Audience.ALL)
            | models.Q(audience=Audience.SEGMENTS, segments__in=Segment.ids_for_member(user))
        ).distinct()


class ProjectPage(BilingualPage):
    summary = models.TextField(_("summary"), max_length=400)
    summary_en = models.TextField(_("summary in English"), max_length=400, blank=True)
    introduction = StreamField(ContentBlock(), verbose_name=_("introduction"), blank=True)
    introduction_en = StreamField(
        ContentBlock(), verbose_name=_("introduction in English"), blank=True
    )
    contact_name = models.CharField(_("researcher to contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("researcher's e-mail address"), blank=True)
    start_date = models.DateField(_("start date"), default=datetime.date.today)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    audience = models.CharField(
        _("who can take part"), max_length=16, choices=Audience, default=Audience.ALL
    )
    segments = ParentalManyToManyField(
        "community.Segment",
        verbose_name=_("segments"),
        blank=True,
        related_name="projects",
        help_text=_(
            "Members of any of these segments can take part. An invite list is a segment "
            "with members added by hand."
        ),
    )
    moderation_mode = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode, default=ModerationMode.POST
    )

    content_panels = [
        *BilingualPage.content_panels,
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("summary_en")], heading=_("Summary")),
        FieldPanel("introduction"),
        FieldPanel("introduction_en"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")])],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
                FieldPanel("moderation_mode"),
            ],
            heading=_("Participation"),
        ),
    ]
    search_fields = [*BilingualPage.search_fields, index.SearchField("summary")]

    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types = ["projects.TopicPage"]

    def route(self, request, path_components):
        return self.route_to_child(request, path_components, TopicPage)

    objects = PageManager.from_queryset(ProjectPageQuerySet)()

    preview_modes = [("", _("As a parent"))]

    class Meta:
        verbose_name = _("project")

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def status(self) -> ProjectStatus:
        """Derived from the dates on the day of asking: never stored."""
        today = timezone.localdate()
        if self.start_date and today < self.start_date:
            return ProjectStatus.UPCOMING
        if self.end_date and today > self.end_date:
            return ProjectStatus.CLOSED
        return ProjectStatus.OPEN

    @property
    def is_open(self) -> bool:
        return self.status == ProjectStatus.OPEN

    def audience_allows(self, user) -> bool:
        """True when this user may see the project and its topics (see open_to).

        A live project for all members needs no query (view restrictions are Wagtail's to
        enforce when it serves the page); one for segments asks about its own segments only.
        """
        if not user.is_authenticated:
            return False
        if not self.live:
            return type(self).objects.open_to(user).filter(pk=self.pk).exists()
        if user.is_community_staff or self.audience == Audience.ALL:
            return True
        return Segment.any_has_member(Segment.objects.filter(projects=self), user)

    @property
    def localized_summary(self) -> str:
        return self.localized("summary")

    @property
    def localized_introduction(self):
        return self.localized("introduction")

    @staticmethod
    def topic_answered(user) -> models.Exists:
        """For a topic queryset: has this member answered (a post of their own that is not a
        reply and not removed, or a vote in a poll)? Replies to others do not count."""
        from projects.models.posts import Post  # posts.py imports this module

        posted = Post.objects.filter(
            topic=models.OuterRef("pk"), author=user, parent__isnull=True, removed_at__isnull=True
        )
        voted = PollVote.objects.filter(option__topic=models.OuterRef("pk"), user=user)
        return models.Exists(posted) | models.Exists(voted)

    @staticmethod
    def waiting_topics_count(user) -> models.Subquery:
        """For a project queryset: how many live topics of each project wait for this member's
        answer; one subquery, so a list of projects costs the same whatever its length."""
        waiting = (
            TopicPage.objects.live()
            .public()
            .filter(path__startswith=models.OuterRef("path"), depth=models.OuterRef("depth") + 1)
            .exclude(ProjectPage.topic_answered(user))
            .order_by()
            .annotate(count=models.Func(models.F("pk"), function="COUNT"))
            .values("count")
        )
        return Coalesce(models.Subquery(waiting, output_field=models.IntegerField()), 0)

    def serve(self, request, *args, **kwargs):
        """Projects are for members in the audience: a visitor reads the public summary with
        an invitation to log in or join, a member outside the audience a friendly 404
        (projects.serving)."""
        from projects.serving import project_refusal  # serving imports this module

        refusal = project_refusal(request, self)
        if refusal is not None:
            return refusal
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["project_index"] = self.get_parent()
        topics = TopicPage.objects.child_of(self).live().public()
        is_preview = getattr(request, "is_preview", False)
        # Staff read the page without a member's answers; a researcher's preview shows it "as
        # a parent" who has not answered yet.
        context["member_view"] = is_preview or not request.user.is_community_staff
        if context["member_view"] and not is_preview:
            topics = topics.annotate(answered=ProjectPage.topic_answered(request.user))
        context["topics"] = list(topics)
        context["waiting_count"] = sum(
            1 for topic in context["topics"] if not getattr(topic, "answered", False)
        )
        return context


class ResponseMode(models.TextChoices):
    OPEN = "open", _("Open: everyone in the project sees all answers")
    ANSWER_FIRST = "answer_first", _("Answer first: others' answers show after posting one's own")
    PRIVATE = "private", _("Private: only the author and staff see answers (diary)")
    POLL = "poll", _("Poll: members choose from options; results show after voting")


class TopicPageForm(WagtailAdminPageForm):
    """The admin form of a topic: a poll needs two options, counted in the inline forms.

    The model's clean() runs before the inline options reach the page, so in the admin the
    check is made here (and the model skips it).

    A slug taken from the title that another topic of the project already has gets a number
    ("slapen-2") instead of an error; a slug typed by hand is the researcher's to change,
    and its error is also listed at the top of the form (projects.page_creation explains
    the autosave race that used to end there)."""

    def clean(self) -> dict:
        self._derived_slug_made_unique()
        cleaned_data = super().clean()
        if cleaned_data.get("response_mode") == ResponseMode.POLL:
            formset = self.formsets.get("poll_options")
            options = 0
            if formset is not None and formset.is_valid():
                options = sum(
                    1
                    for form in formset.forms
                    if form.cleaned_data.get("label") and not form.cleaned_data.get("DELETE")
                )
            if options < 2:
                self.add_error("response_mode", _("A poll needs at least two options."))
        return cleaned_data

    def _derived_slug_made_unique(self) -> None:
        slug, title = self.cleaned_data.get("slug"), self.cleaned_data.get("title")
        if not slug or not title or self.parent_page is None:
            return
        if slug not in {slugify(title), slugify(title, allow_unicode=True)}:
            return
        candidate, number = slug, 1
        while not Page._slug_is_available(candidate, self.parent_page, self.instance):
            number += 1
            candidate = f"{slug}-{number}"
        self.cleaned_data["slug"] = candidate

    def _post_clean(self) -> None:
        self.instance._poll_options_checked_by_form = True
        super()._post_clean()
        # After every check (Wagtail's own on the dates run after clean()): a non-field
        # error makes Wagtail list all errors, with their fields, above the tabs.
        if "slug" in self.errors:
            self.add_error(None, _("Choose another web address (slug) for this topic."))
        if self.errors.keys() & {"go_live_at", "expire_at"}:
            self.add_error(None, _("Check the publication dates on the Settings tab."))


class TopicPage(BilingualPage):
    question = RichTextField(_("question or assignment"), features=RICH_TEXT_FEATURES)
    question_en = RichTextField(
        _("question or assignment in English"), features=RICH_TEXT_FEATURES, blank=True
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_mode = models.CharField(
        _("how members answer"), max_length=16, choices=ResponseMode, default=ResponseMode.OPEN
    )
    poll_multiple = models.BooleanField(_("members may choose more than one option"), default=False)
    poll_comment = models.BooleanField(_("members may add a comment to their vote"), default=False)

    content_panels = [
        *BilingualPage.content_panels,
        # On the tab people look at, not alone on "Promote" (which topics then do without).
        FieldPanel("slug"),
        FieldPanel("question"),
        FieldPanel("question_en"),
        FieldPanel("image"),
        FieldPanel("response_mode"),
        MultiFieldPanel(
            [
                FieldPanel("poll_multiple"),
                FieldPanel("poll_comment"),
                InlinePanel("poll_options", label=_("options")),
            ],
            heading=_("Poll"),
            help_text=_("Only for topics where members answer with a poll."),
        ),
    ]
    promote_panels: list = []
    search_fields = [*BilingualPage.search_fields, index.SearchField("question")]

    parent_page_types = ["projects.ProjectPage"]
    subpage_types: list[str] = []
    base_form_class = TopicPageForm

    class Meta:
        verbose_name = _("topic")

    def clean(self) -> None:
        super().clean()
        if (
            self.response_mode == ResponseMode.POLL
            and not getattr(self, "_poll_options_checked_by_form", False)
            and len(self.poll_options.all()) < 2
        ):
            raise ValidationError({"response_mode": _("A poll needs at least two options.")})

    @property
    def localized_question(self) -> str:
        return self.localized("question")

    @cached_property
    def project(self) -> "ProjectPage":
        """The project this topic belongs to, in one query (its parent in the page tree); no
        query when routing already loaded it."""
        parent = getattr(self, "_cached_parent_obj", None)
        if isinstance(parent, ProjectPage):
            return parent
        return ProjectPage.objects.parent_of(self).get()

    def serve(self, request, *args, **kwargs):
        from projects.serving import topic_refusal  # serving imports this module
        from projects.topic_page import topic_page_response

        refusal = topic_refusal(request, self)
        if refusal is not None:
            return refusal
        request.is_preview = False
        return topic_page_response(
            request,
            self,
            self.get_template(request, *args, **kwargs),
            self.get_context(request, *args, **kwargs),
        )

    def get_context(self, request, *args, **kwargs) -> dict:
        from projects.topic_page import topic_context

        context = super().get_context(request, *args, **kwargs)
        context.update(topic_context(request, self, **kwargs))
        return context


class PollOption(Orderable):
    topic = ParentalKey(TopicPage, on_delete=models.CASCADE, related_name="poll_options")
    label = models.CharField(_("option"), max_length=200)
    label_en = models.CharField(_("option in English"), max_length=200, blank=True)

    panels = [FieldPanel("label"), FieldPanel("label_en")]

    class Meta(Orderable.Meta):
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")

    def __str__(self) -> str:
        return self.label

    @property
    def localized_label(self) -> str:
        if get_language() == "en" and self.label_en:
            return self.label_en
        return self.label


class PollVote(models.Model):
    """One member's choice of one option; a multiple-choice poll has one row per option."""

    option = models.ForeignKey(
        PollOption, verbose_name=_("option"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="poll_votes",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="poll_vote_once_per_option"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"
