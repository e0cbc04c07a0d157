import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    ANTWERPEN = "antwerpen", _("Antwerp")
    LIMBURG = "limburg", _("Limburg")
    OOST_VLAANDEREN = "oost-vlaanderen", _("East Flanders")
    VLAAMS_BRABANT = "vlaams-brabant", _("Flemish Brabant")
    WEST_VLAANDEREN = "west-vlaanderen", _("West Flanders")
    BRUSSEL = "brussel", _("Brussels")


class Language(models.TextChoices):
    """Languages most spoken at home by families Kind en Gezin serves, plus "other"."""

    DUTCH = "nl", _("Dutch")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    TAMAZIGHT = "ber", _("Berber (Tamazight)")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    SPANISH = "es", _("Spanish")
    ITALIAN = "it", _("Italian")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    DARI_PERSIAN = "fa", _("Dari or Persian")
    PASHTO = "ps", _("Pashto")
    OTHER = "other", _("Another language")


class FamilySituation(models.TextChoices):
    TWO_PARENTS = "two-parents", _("Two parents living together")
    SINGLE_PARENT = "single-parent", _("Single parent")
    CO_PARENTING = "co-parenting", _("Co-parenting, living apart")
    BLENDED = "blended", _("Blended family")
    FOSTER = "foster", _("Foster family")
    OTHER = "other", _("Another situation")


class ServiceChannel(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation office (consultatiebureau)")
    MATERNITY = "maternity", _("Visit at the maternity ward or at home after birth")
    WEBSITE_APP = "website-app", _("The Kind en Gezin website or app")
    HELPLINE = "helpline", _("The K&G-Lijn helpline")
    CHILDCARE = "childcare", _("Childcare")
    HUIS_VAN_HET_KIND = "huis-van-het-kind", _("A Huis van het Kind")
    FAMILY_FRIENDS = "family-friends", _("Family or friends")
    SOCIAL_MEDIA = "social-media", _("Social media")
    OTHER = "other", _("Another way")


class AgeBand(models.TextChoices):
    """Derived from a child's birth (or due) month on the day of asking; never stored."""

    EXPECTING = "expecting", _("expecting")
    AGE_0_1 = "0-1", _("0–1 years")
    AGE_1_3 = "1-3", _("1–3 years")
    AGE_3_6 = "3-6", _("3–6 years")
    AGE_6_12 = "6-12", _("6–12 years")


# Age in whole months (first of birth month to first of this month), inclusive bounds.
AGE_BAND_MONTHS = {
    AgeBand.AGE_0_1: (0, 11),
    AgeBand.AGE_1_3: (12, 35),
    AgeBand.AGE_3_6: (36, 71),
    AgeBand.AGE_6_12: (72, 143),
}
EARLIEST_BIRTH_MONTH = datetime.date(1990, 1, 1)
LONGEST_PREGNANCY_MONTHS = 9


def month_start(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)


def months_added(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def age_band(month: datetime.date, today: datetime.date | None = None) -> AgeBand | None:
    """The age band of a child born (or due) in `month`; None for children of 12 and older."""
    current = month_start(today)
    age = (current.year - month.year) * 12 + current.month - month.month
    if age < 0:
        return AgeBand.EXPECTING
    for band, (low, high) in AGE_BAND_MONTHS.items():
        if low <= age <= high:
            return band
    return None


def age_band_q(band: AgeBand, today: datetime.date | None = None, prefix: str = "") -> Q:
    """A filter on children (or, with a prefix, on rows reaching children) in this band."""
    current = month_start(today)
    if band == AgeBand.EXPECTING:
        return Q(**{f"{prefix}month__gt": current})
    low, high = AGE_BAND_MONTHS[band]
    return Q(
        **{
            f"{prefix}month__gte": months_added(current, -high),
            f"{prefix}month__lte": months_added(current, -low),
        }
    )


class MemberProfile(models.Model):
    """What a parent chooses to tell about their family, so researchers can invite the right
    parents. Every field is optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    province = models.CharField(_("province"), max_length=32, choices=Province, blank=True)
    family_situation = models.CharField(
        _("family situation"), max_length=32, choices=FamilySituation, blank=True
    )
    service_channel = models.CharField(
        _("how you came to know Kind en Gezin"),
        max_length=32,
        choices=ServiceChannel,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("research profile")
        verbose_name_plural = _("research profiles")

    def __str__(self) -> str:
        return str(_("Research profile"))

    @property
    def languages(self) -> list[str]:
        """Codes of the languages spoken at home (uses prefetched rows when present)."""
        return [row.language for row in self.home_languages.all()]

    def age_bands(self, today: datetime.date | None = None) -> list[AgeBand]:
        bands = {age_band(child.month, today) for child in self.children.all()}
        return [band for band in AgeBand if band in bands]

    def completeness(self) -> dict:
        """Which of the five parts are filled in: children, province, languages, family
        situation and how they came to know the agency."""
        parts = {
            "children": bool(self.children.all()),
            "province": bool(self.province),
            "languages": bool(self.home_languages.all()),
            "family_situation": bool(self.family_situation),
            "service_channel": bool(self.service_channel),
        }
        filled = sum(parts.values())
        return {
            "parts": parts,
            "filled": filled,
            "total": len(parts),
            "percent": round(100 * filled / len(parts)),
        }


class Child(models.Model):
    """A child, or a pregnancy: only the month of birth (or the due month) is kept."""

    profile = models.ForeignKey(
        MemberProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="children",
    )
    month = models.DateField(
        _("month of birth or due month"),
        help_text=_("Stored as the first day of the month."),
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=EARLIEST_BIRTH_MONTH), name="child_month_not_before_1990"
            ),
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def is_expected(self) -> bool:
        return self.month > month_start()

    @property
    def age_band(self) -> AgeBand | None:
        return age_band(self.month)


class HomeLanguage(models.Model):
    profile = models.ForeignKey(
        MemberProfile,
        verbose_name=_("profile"),
        on_delete=models.CASCADE,
        related_name="home_languages",
    )
    language = models.CharField(_("language"), max_length=8, choices=Language)

    class Meta:
        verbose_name = _("language spoken at home")
        verbose_name_plural = _("languages spoken at home")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="home_language_once"),
        ]

    def __str__(self) -> str:
        return self.get_language_display()
