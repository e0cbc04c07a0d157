from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, RevisionMixin
from wagtail.search import index

CONSENT_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class ConsentKind(models.TextChoices):
    RESEARCH_TERMS = "research_terms", _("Research participation terms")
    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")


class ConsentDocument(DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """The research terms or the privacy notice, edited in Wagtail.

    Every publication is a new version: members are asked to accept it at their next visit.
    Fix typos in a draft before publishing.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ConsentKind, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body = RichTextField(_("text"), features=CONSENT_TEXT_FEATURES)
    body_en = RichTextField(_("text in English"), features=CONSENT_TEXT_FEATURES, blank=True)
    change_summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Shown to members who accepted an earlier version. Plain language."),
    )
    change_summary_en = models.TextField(_("what changed, in English"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    panels = [
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("body")], heading=_("Dutch")),
        MultiFieldPanel([FieldPanel("title_en"), FieldPanel("body_en")], heading=_("English")),
        MultiFieldPanel(
            [FieldPanel("change_summary"), FieldPanel("change_summary_en")],
            heading=_("What changed since the previous version"),
        ),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("body")]

    class Meta:
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (v{self.version})"

    def _localized(self, field: str) -> str:
        if get_language() == "en":
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)

    @property
    def localized_title(self) -> str:
        return self._localized("title")

    @property
    def localized_body(self) -> str:
        return self._localized("body")

    @property
    def localized_change_summary(self) -> str:
        return self._localized("change_summary")


class ConsentAction(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ConsentRecordQuerySet(models.QuerySet):
    def latest_first(self) -> "ConsentRecordQuerySet":
        return self.order_by("-created_at", "-pk")

    def current_consent_q(self) -> Q:
        """A filter on users: for every live document, their latest record accepts its
        current version (so nothing withdrawn, nothing outdated). One expression, no query
        of its own: no live document is left that the user's latest record does not accept.
        """
        latest = (
            self.model.objects.filter(
                user=OuterRef(OuterRef(OuterRef("pk"))), document=OuterRef(OuterRef("pk"))
            )
            .latest_first()
            .values("pk")[:1]
        )
        accepted_now = self.model.objects.filter(
            pk=Subquery(latest), action=ConsentAction.ACCEPTED, version=OuterRef("version")
        )
        outstanding = ConsentDocument.objects.filter(live=True).exclude(Exists(accepted_now))
        return ~Q(Exists(outstanding))


class ConsentRecord(models.Model):
    """One acceptance or withdrawal, never changed afterwards: the proof of consent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    document = models.ForeignKey(
        ConsentDocument,
        # In context: Wagtail's own "document" (its documents library) must stay "document".
        verbose_name=pgettext_lazy("consent text", "document"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    version = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("text accepted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=ConsentAction)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ConsentRecordQuerySet.as_manager()

    ConsentAction = ConsentAction

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "document", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.document.get_kind_display()} v{self.version} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("Consent records cannot be changed."))
        super().save(*args, **kwargs)
