import datetime
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from community.models.profiles import (
    AgeBand,
    Child,
    FamilySituation,
    HomeLanguage,
    Language,
    Province,
    ServiceChannel,
    age_band_q,
)


class SegmentField(models.TextChoices):
    AGE_BAND = "age", _("Has a child aged")
    PROVINCE = "province", _("Lives in")
    LANGUAGE = "language", _("Speaks at home")
    FAMILY_SITUATION = "family", _("Family situation")
    SERVICE_CHANNEL = "channel", _("Came to know Kind en Gezin through")


_FIELD_CHOICES = {
    SegmentField.AGE_BAND: AgeBand,
    SegmentField.PROVINCE: Province,
    SegmentField.LANGUAGE: Language,
    SegmentField.FAMILY_SITUATION: FamilySituation,
    SegmentField.SERVICE_CHANNEL: ServiceChannel,
}

CRITERION_CHOICES = [
    (field.label, [(f"{field.value}:{value}", label) for value, label in choices.choices])
    for field, choices in _FIELD_CHOICES.items()
]


class Segment(ClusterableModel):
    """A group of members researchers can invite to a project.

    Rules on the same profile field are alternatives (OR); rules on different fields must all
    hold (AND). Members added by hand belong to the segment whatever the rules say. Only
    members who take part (pseudonym, current consent) are ever counted or reached.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    invited_members = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members added by hand"),
        blank=True,
        related_name="segments_invited_to",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def criteria(self) -> dict[str, list[str]]:
        """Rule values grouped by profile field (works on unsaved segments too)."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for rule in self.rules.all():
            field, _separator, value = rule.criterion.partition(":")
            grouped[field].append(value)
        return dict(grouped)

    def rules_q(self, today: datetime.date | None = None) -> Q:
        """A filter on users for the rules; matches nobody when there are no rules.

        A rule whose criterion is not (or no longer) one of the choices matches nobody.
        """
        return self.criteria_q(self.criteria(), today)

    @staticmethod
    def criteria_q(grouped: dict[str, list[str]], today: datetime.date | None = None) -> Q:
        """A filter on users for rule values grouped by profile field (see `rules_q`)."""
        if not grouped:
            return Q(pk__in=[])
        condition = Q()
        for field, values in grouped.items():
            known = _FIELD_CHOICES.get(field)
            values = [value for value in values if known is not None and value in known.values]
            if not values:
                return Q(pk__in=[])
            if field == SegmentField.AGE_BAND:
                bands = Q()
                for value in values:
                    bands |= age_band_q(AgeBand(value), today)
                children = Child.objects.filter(bands, profile__user=OuterRef("pk"))
                condition &= Q(Exists(children))
            elif field == SegmentField.LANGUAGE:
                spoken = HomeLanguage.objects.filter(
                    profile__user=OuterRef("pk"), language__in=values
                )
                condition &= Q(Exists(spoken))
            elif field == SegmentField.PROVINCE:
                condition &= Q(profile__province__in=values)
            elif field == SegmentField.FAMILY_SITUATION:
                condition &= Q(profile__family_situation__in=values)
            elif field == SegmentField.SERVICE_CHANNEL:
                condition &= Q(profile__service_channel__in=values)
        return condition

    def members_q(self, today: datetime.date | None = None) -> Q:
        """A filter on users: they match the rules or were added by hand. Combine it with
        `User.objects.members()`: on its own it also matches people who do not take part."""
        if self.pk:
            invited = Segment.invited_members.through.objects.filter(segment=self)
            return self.rules_q(today) | Q(pk__in=invited.values("user_id"))
        invited_pks = [user.pk for user in self.invited_members.all()]
        return self.rules_q(today) | Q(pk__in=invited_pks)

    def members(self, today: datetime.date | None = None) -> models.QuerySet:
        """The members in this segment, evaluated by the database in one query."""
        from community.models.users import User

        return User.objects.members().filter(self.members_q(today))

    @staticmethod
    def member_counts(
        segments: "list[Segment]", today: datetime.date | None = None
    ) -> dict[int, int]:
        """The number of members in each saved segment, counted in one query for all of them.

        Prefetch the segments' rules: their criteria are read to build the query.
        """
        from community.models.users import User

        if not segments:
            return {}
        counts = User.objects.members().aggregate(
            **{
                f"segment_{segment.pk}": Count("pk", filter=segment.members_q(today))
                for segment in segments
            }
        )
        return {segment.pk: counts[f"segment_{segment.pk}"] for segment in segments}

    @classmethod
    def ids_for_member(cls, user, today: datetime.date | None = None) -> list[int]:
        """The segments this member belongs to, decided by the database in one query (plus
        one for the segments' rules). A user who does not take part belongs to none."""
        from community.models.users import User

        segments = list(cls.objects.prefetch_related("rules"))
        if not segments:
            return []
        flags = (
            User.objects.members()
            .filter(pk=user.pk)
            .aggregate(
                **{
                    f"segment_{segment.pk}": Count("pk", filter=segment.members_q(today))
                    for segment in segments
                }
            )
        )
        return [segment.pk for segment in segments if flags[f"segment_{segment.pk}"]]

    @classmethod
    def any_has_member(cls, segments: models.QuerySet, user) -> bool:
        """True when the user is a member of at least one of these segments: one query for
        the segments with their rules, one to decide."""
        from community.models.users import User

        grouped: dict[int, dict[str, list[str]]] = {}
        for pk, criterion in segments.values_list("pk", "rules__criterion"):
            criteria = grouped.setdefault(pk, defaultdict(list))
            if criterion:  # a segment without rules still has its invited members
                field, _separator, value = criterion.partition(":")
                criteria[field].append(value)
        if not grouped:
            return False
        invited = cls.invited_members.through.objects.filter(segment__in=list(grouped))
        condition = Q(pk__in=invited.values("user_id"))
        for criteria in grouped.values():
            condition |= cls.criteria_q(dict(criteria))
        return User.objects.members().filter(condition, pk=user.pk).exists()


class SegmentRule(models.Model):
    segment = ParentalKey(Segment, on_delete=models.CASCADE, related_name="rules")
    criterion = models.CharField(_("rule"), max_length=64, choices=CRITERION_CHOICES)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_criterion_display())
