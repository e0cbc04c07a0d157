import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from community.models import Segment
from config.queries import sql_compiled_once
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
        except Page.DoesNotExist as error:
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
        if not request.user.is_community_staff:
            projects = projects.annotate(
                waiting_count=ProjectPage.waiting_topics_count(request.user)
            )
        context["projects"] = list(projects.order_by("-start_date", "title"))
        return context


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
        """Projects are for members in the audience: visitors log in first, everyone else
        outside the audience gets a 404, as if the project did not exist. Community staff
        (including a researcher previewing a draft) always see it."""
        user = request.user
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)  # only editors reach a preview
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.audience_allows(user):
            raise Http404
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
    check is made here (and the model skips it)."""

    def clean(self) -> dict:
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

    def _post_clean(self) -> None:
        self.instance._poll_options_checked_by_form = True
        super()._post_clean()


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
        from projects.views.topic import topic_page_response, topic_serve_guard

        refusal = topic_serve_guard(request, self)
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
        from projects.views.topic import topic_context

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


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for a moderator")
    HIDDEN = "hidden", _("Hidden by a moderator")


class HoldReason(models.TextChoices):
    PRE_MODERATION = "pre_moderation", _("The project is pre-moderated")
    PERSONAL_DATA = "personal_data", _("It seems to hold an e-mail address or phone number")


_REACTED = "reacted"  # not a PostStatus


@dataclass
class TopicStanding:
    """A member in one topic: have they answered (as PostQuerySet.answered_by), are all their
    posts there published (none waiting for a moderator or hidden), and which posts there
    they said "herkenbaar" to."""

    answered: bool = False
    all_published: bool = True
    reacted: set[int] = field(default_factory=set)


class PostQuerySet(models.QuerySet):
    def visible_to(
        self, user, topic: "TopicPage | None" = None, answered: bool | None = None
    ) -> "PostQuerySet":
        """The posts this user may read, by the topic's response mode; one SQL filter, so it
        holds for pages, search, exports and notifications alike.

        Community staff (User.is_community_staff: researchers, moderators and administrators
        whose session passed the second factor) read everything. Anyone else reads their own
        posts and published posts of others: in open topics and polls always; in answer-first
        topics once they posted a published or pending answer of their own there; in private
        topics never. Published replies to their own posts they always read (in private
        topics, the staff's answers to them).
        Audience (who may see the project at all) is checked separately.

        With `topic`: the same rule for that topic's posts only, its response mode decided in
        Python, which leaves the database a plain filter (the topic page). `answered` says
        whether the member answered there, when the caller knows; otherwise it is asked.
        """
        if user.is_authenticated and user.is_community_staff:
            return self if topic is None else self.filter(topic_id=topic.pk)
        if not user.is_authenticated:
            return self.none()
        # By id: a filter on the request's lazy user object costs far more to build.
        own = models.Q(author_id=user.pk)
        # Replies to one's own posts: in private topics the staff's answers to a parent.
        replies_to_me = models.Q(status=PostStatus.PUBLISHED, parent__author_id=user.pk)
        if topic is not None:
            return self.filter(topic_id=topic.pk).filter(
                own | replies_to_me | self._others_visible_in(user, topic, answered)
            )
        answered_here = Post.objects.filter(
            topic=models.OuterRef("topic"),
            author_id=user.pk,
            parent__isnull=True,
            removed_at__isnull=True,
        ).exclude(status=PostStatus.HIDDEN)
        others_visible = models.Q(status=PostStatus.PUBLISHED) & (
            models.Q(topic__response_mode__in=[ResponseMode.OPEN, ResponseMode.POLL])
            | models.Q(models.Exists(answered_here), topic__response_mode=ResponseMode.ANSWER_FIRST)
        )
        return self.filter(own | others_visible | replies_to_me)

    @staticmethod
    def _others_visible_in(user, topic: "TopicPage", answered: bool | None) -> models.Q:
        published = models.Q(status=PostStatus.PUBLISHED)
        if topic.response_mode in (ResponseMode.OPEN, ResponseMode.POLL):
            return published
        if topic.response_mode == ResponseMode.ANSWER_FIRST:
            if answered is None:
                answered = Post.objects.answered_by(user, topic)
            return published if answered else models.Q(pk__in=[])
        return models.Q(pk__in=[])

    def standing_of(self, user, topic: "TopicPage") -> "TopicStanding":
        """Where a member stands in one topic, in one query: their own posts there and the
        posts they said "herkenbaar" to."""
        sql, params = sql_compiled_once(
            "topic-standing", self._standing_query, self.db, user_id=user.pk, topic_id=topic.pk
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        standing = TopicStanding()
        for status, parent_or_reacted_id, removed_at in rows:
            if status == _REACTED:
                standing.reacted.add(parent_or_reacted_id)
                continue
            is_answer = parent_or_reacted_id is None
            standing.answered = standing.answered or (
                is_answer and removed_at is None and status != PostStatus.HIDDEN
            )
            standing.all_published = standing.all_published and status == PostStatus.PUBLISHED
        return standing

    @staticmethod
    def _standing_query(user_id: int, topic_id: int) -> models.QuerySet:
        own = (
            Post.objects.filter(topic_id=topic_id, author_id=user_id)
            .order_by()
            .values_list("status", "parent_id", "removed_at")
        )
        # Reactions ride along as rows marked _REACTED, the post's id in the second column.
        reacted = (
            Reaction.objects.filter(user_id=user_id, post__topic_id=topic_id)
            .order_by()
            .values_list(
                models.Value(_REACTED),
                "post_id",
                models.Value(None, output_field=models.DateTimeField()),
            )
        )
        return own.union(reacted, all=True)

    def answered_by(self, user, topic: "TopicPage") -> bool:
        """Has the member answered in this topic (an answer of their own, not removed and not
        hidden; a pending one counts)? What opens an answer-first topic to them."""
        return (
            self.filter(
                topic_id=topic.pk, author_id=user.pk, parent__isnull=True, removed_at__isnull=True
            )
            .exclude(status=PostStatus.HIDDEN)
            .exists()
        )


class Post(index.Indexed, models.Model):
    """What a member writes in a topic: an answer, or a reply to an answer (one level deep).

    `text` is what the author typed; `body` the HTML made from it, sanitized once, on write.
    An erased account leaves its posts with no author: they read as written by "a former
    member".
    """

    topic = models.ForeignKey(
        TopicPage, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    project = models.ForeignKey(
        ProjectPage,
        verbose_name=_("project"),
        null=True,
        on_delete=models.CASCADE,
        related_name="posts",
        editable=False,
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
    text = models.TextField(_("text as typed"), blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus, default=PostStatus.PUBLISHED
    )
    held_for = models.CharField(_("held because"), max_length=32, choices=HoldReason, blank=True)
    hidden_reason = models.TextField(_("reason shown to the author"), blank=True)
    author_role = models.CharField(
        _("role badge"), max_length=32, blank=True, help_text=_("Staff role when posting.")
    )
    is_probe = models.BooleanField(_("follow-up question"), default=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed by the author"), null=True, blank=True)

    search_fields = [
        index.SearchField("text"),
        index.FilterField("topic_id"),
        index.FilterField("project_id"),
        index.FilterField("author_id"),
        index.FilterField("status"),
        index.FilterField("created_at"),
        index.FilterField("parent_id"),
    ]

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["topic", "created_at", "id"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.pk}"

    @property
    def author_name(self) -> str:
        """The name next to the post: the author's pseudonym. Staff, who take no part as
        parents and have none, by their first name (their role badge says who they are);
        "" for an erased account (templates say "former member")."""
        if self.author is None:
            return ""
        if self.author_role and not self.author.pseudonym:
            return self.author.first_name or str(_("Kind en Gezin"))
        return self.author.display_name


class FlagReason(models.TextChoices):
    DISRESPECTFUL = "disrespectful", _("Disrespectful")
    PERSONAL_DATA = "personal_data", _("Shares personal data")
    SPAM = "spam", _("Spam or advertising")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A member's report that a post needs a moderator's eye: one per member per post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="flags",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=FlagReason)
    text = models.TextField(_("explanation"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.post_id}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    HIDE = "hide", _("Hidden")
    RESTORE = "restore", _("Restored")
    NOTE = "note", _("Note for the moderators")


class ModerationDecision(models.Model):
    """The audit trail of moderation: who did what to which post, when and why."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="decisions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    action = models.CharField(_("decision"), max_length=16, choices=ModerationAction)
    reason = models.TextField(_("reason shown to the author"), blank=True)
    note = models.TextField(_("note for the moderator team"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-pk"]
        # Granted to the Moderators and Administrators groups (migration 0005).
        permissions = [("moderate_post", _("Can moderate posts"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.post_id}"


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
