"""Who serves parents: regions, their teams and the staff members in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A region of the agency; its leads get the follow-up items a team left untouched."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("region leads"),
        blank=True,
        related_name="led_regions",
        help_text=_("Team leads who also see every team of the region."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of staff members in one region, seen as a whole by its leads."""

    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="teams"
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leads"),
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="team_name_unique_in_region")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"


class StaffMember(models.Model):
    """A nurse, doctor, helpline or e-mail agent: the account that reads its own feedback.

    The staff number is the id other systems (the contact centre, the agenda) know them by.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="staff_member",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members"
    )
    staff_number = models.CharField(
        _("staff number"),
        max_length=40,
        unique=True,
        help_text=_("The id the contact centre and the agenda use for this person."),
    )
    display_name = models.CharField(
        _("name shown to colleagues"), max_length=120, help_text=_("Never shown to parents.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name
