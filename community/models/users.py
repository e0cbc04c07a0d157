import calendar
import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from community.validators import (
    PSEUDONYM_MAX_LENGTH,
    pseudonym_normalize,
    pseudonym_skeleton,
    validate_pseudonym,
)
from config.queries import sql_compiled_once


class Role(models.TextChoices):
    """Staff roles. The value is the name of the auth group that grants the role."""

    RESEARCHER = "Researchers", _("Researcher")
    MODERATOR = "Moderators", _("Moderator")
    STAFF_MEMBER = "Staff members", _("Staff member")
    TEAM_LEAD = "Team leads", _("Team lead")
    COMPLAINTS_OFFICER = "Complaints officers", _("Complaints officer")
    COMPLAINTS_LEAD = "Complaints leads", _("Complaints lead")
    SAFEGUARDING_OFFICER = "Safeguarding officers", _("Safeguarding officer")
    ADMIN = "Administrators", _("Administrator")


# Roles that work on what parents write in the research community. Team leads and
# complaints officers do not: they read it as a signed-in account outside every audience
# (least privilege; the README's role table).
COMMUNITY_ROLES = (Role.RESEARCHER, Role.MODERATOR, Role.ADMIN)


# A member changes their pseudonym at most once a month; the one they gave up stays theirs
# for 90 days, so nobody can take it and pass for them with what they wrote before.
PSEUDONYM_CHANGE_EVERY_MONTHS = 1
PSEUDONYM_HELD_FOR = datetime.timedelta(days=90)


def month_later(day: datetime.date, months: int = 1) -> datetime.date:
    """The same day `months` calendar months later, or the month's last day when it is
    shorter (31 January → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def research_id_new() -> str:
    """A random, stable identifier for exports: research data never carries the e-mail or pk."""
    return secrets.token_hex(8)


class UserQuerySet(models.QuerySet):
    def staff(self) -> "UserQuerySet":
        return self.filter(
            models.Q(is_superuser=True) | models.Q(groups__name__in=Role.values)
        ).distinct()

    def members(self) -> "UserQuerySet":
        """Parents who take part: active, not staff, with a pseudonym and current research
        consent (accepted, not withdrawn). One query, usable as a subquery."""
        from community.models.consent import ConsentRecord

        return (
            self.filter(~models.Q(pseudonym=""), is_active=True, is_superuser=False)
            .exclude(groups__name__in=Role.values)
            .filter(ConsentRecord.objects.current_consent_q())
        )

    def with_request_state(self) -> "UserQuerySet":
        """What nearly every page asks about the signed-in user, fetched with the user row
        (see community.auth_backends): whether they hold a staff role, whether their consent
        is current, and how many notifications they have not read."""
        from community.models.consent import ConsentRecord
        from community.models.notifications import Notification

        memberships = self.model.groups.through.objects.filter(user=models.OuterRef("pk"))
        unread = (
            Notification.objects.filter(recipient=models.OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            has_staff_role=models.Exists(memberships.filter(group__name__in=Role.values)),
            has_community_role=models.Exists(
                memberships.filter(group__name__in=[role.value for role in COMMUNITY_ROLES])
            ),
            has_current_consent=models.ExpressionWrapper(
                ConsentRecord.objects.current_consent_q(), output_field=models.BooleanField()
            ),
            unread_notification_count=Coalesce(
                models.Subquery(unread, output_field=models.IntegerField()), 0
            ),
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    """Users log in with their e-mail address, matched case-insensitively."""

    use_in_migrations = True

    def get_with_request_state(self, pk: int) -> "User | None":
        """The user with `with_request_state`, as the authentication backends load it on
        every request. Compiling that query's nested subqueries costs more than running it,
        so the ORM compiles it once per database and each request runs the SQL with its id.
        """
        sql, params = sql_compiled_once(
            "user-request-state",
            lambda pk: self.get_queryset().with_request_state().filter(pk=pk),
            self.db,
            pk=pk,
        )
        user = next(iter(self.raw(sql, params)), None)
        if user is not None:  # raw SQL leaves SQLite's booleans as 0 and 1
            user.has_staff_role = bool(user.has_staff_role)
            user.has_community_role = bool(user.has_community_role)
            user.has_current_consent = bool(user.has_current_consent)
        return user

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with a login: a parent or a member of staff. The e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=PSEUDONYM_MAX_LENGTH,
        blank=True,
        validators=[validate_pseudonym],
        help_text=_("The name other parents see. It cannot be your e-mail address."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails we send you."),
    )
    research_id = models.CharField(
        _("research id"), max_length=32, unique=True, default=research_id_new, editable=False
    )
    # Derived from the pseudonym on save (see save()); unique, so two look-alike pseudonyms
    # can never both be in use, even when chosen at the same moment. NULL without a
    # pseudonym, and for the later of two look-alikes that existed before skeletons did.
    pseudonym_skeleton = models.TextField(  # noqa: DJ001 (NULLs never clash; "" would)
        _("pseudonym skeleton"), null=True, blank=True, editable=False
    )
    pseudonym_changed_at = models.DateTimeField(
        _("pseudonym last changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Empty while the member still has the pseudonym they chose first."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    # Whether this session passed the second factor: set on the request's user by
    # community.middleware.StaffTwoFactorMiddleware. Every other user object (in a task, a
    # command, a test) has no session and so no staff powers until code says otherwise.
    second_factor_passed = False

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique"),
            models.UniqueConstraint(
                Lower("pseudonym"),
                condition=~models.Q(pseudonym=""),
                name="user_pseudonym_case_insensitive_unique",
                violation_error_message=_("This pseudonym is taken. Choose another one."),
            ),
            models.UniqueConstraint(
                fields=["pseudonym_skeleton"],
                name="user_pseudonym_skeleton_unique",
                violation_error_message=_(
                    "This pseudonym is taken, or looks too much like one that is. "
                    "Choose another one."
                ),
            ),
        ]

    # The pseudonym as last read from or written to the database: its skeleton is derived
    # again only when it changes, so the later of two legacy look-alikes keeps saving.
    _pseudonym_stored: str | None = None

    def __str__(self) -> str:
        return self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._pseudonym_stored = user.__dict__.get("pseudonym")
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "pseudonym" in fields:
            self._pseudonym_stored = self.__dict__.get("pseudonym")

    def _pseudonym_skeleton_refresh(self) -> bool:
        """Derive the skeleton again when the pseudonym changed; True when it did."""
        if "pseudonym" not in self.__dict__ or self.pseudonym == self._pseudonym_stored:
            return False
        self.pseudonym_skeleton = pseudonym_skeleton(self.pseudonym) or None
        return True

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)
        self.pseudonym = pseudonym_normalize(self.pseudonym)
        self._pseudonym_skeleton_refresh()  # before full_clean() checks the constraints

    def save(self, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        watched = update_fields is None or "pseudonym" in update_fields
        if watched and self._pseudonym_skeleton_refresh() and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "pseudonym_skeleton"}
        super().save(**kwargs)
        if "pseudonym" in self.__dict__:
            self._pseudonym_stored = self.pseudonym

    def pseudonym_change_allowed_on(self) -> datetime.date | None:
        """The first day the member may change their pseudonym again; None when they may now.

        The first choice (at onboarding) does not count: only a change starts the month."""
        if self.pseudonym_changed_at is None:
            return None
        allowed_on = month_later(
            timezone.localdate(self.pseudonym_changed_at), PSEUDONYM_CHANGE_EVERY_MONTHS
        )
        return allowed_on if timezone.localdate() < allowed_on else None

    @property
    def display_name(self) -> str:
        """How the person appears next to what they write: never the e-mail address."""
        return self.pseudonym or _("member")

    @cached_property
    def is_staff_member(self) -> bool:
        """True for an account that holds a staff role, whether or not it counts in this
        session (see staff_powers). Such accounts must use two-factor authentication, take
        no part as parents and write with a role badge.

        No query when the user came from `UserQuerySet.with_request_state` (the request's user).
        """
        if self.is_superuser:
            return True
        if "has_staff_role" in self.__dict__:
            return self.has_staff_role
        return self.groups.filter(name__in=Role.values).exists()

    @property
    def staff_powers(self) -> bool:
        """The one rule for staff powers: an account's staff role counts (in the admin, on
        the public pages, in search, exports and statistics) only once its session has
        passed the second factor. Before that it is treated as a member with no special
        sight."""
        return self.second_factor_passed and self.is_staff_member

    def has_role(self, role: Role) -> bool:
        """True when the user holds this staff role and it counts now (staff_powers)."""
        return self.staff_powers and role in self.roles

    @property
    def is_community_staff(self) -> bool:
        """Researchers, moderators and administrators whose role counts now: they read every
        post in every project, pending and hidden ones too. No query for the request's user.
        """
        if not self.staff_powers:
            return False
        if self.is_superuser:
            return True
        if "has_community_role" in self.__dict__:
            return self.has_community_role
        return any(role in COMMUNITY_ROLES for role in self.roles)

    @property
    def roles(self) -> list[Role]:
        """The staff roles this account holds, whether or not they count in this session."""
        names = {group.name for group in self.groups.all()}
        return [role for role in Role if role.value in names]

    def has_perm(self, perm: str, obj=None) -> bool:
        """No permission without staff powers (a superuser's neither): see staff_powers."""
        return self.staff_powers and super().has_perm(perm, obj)

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.staff_powers and super().has_perms(perm_list, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.staff_powers and super().has_module_perms(app_label)


class PseudonymHoldQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None) -> "PseudonymHoldQuerySet":
        return self.filter(held_until__gt=now or timezone.now())

    def expired(self, now: datetime.datetime | None = None) -> "PseudonymHoldQuerySet":
        return self.filter(held_until__lte=now or timezone.now())


class PseudonymHold(models.Model):
    """A pseudonym a member gave up: until `held_until` nobody else can take it or a look-alike
    of it, and the member can take it back. Deleted with the account, which frees it at once,
    as erasure always has."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="pseudonym_holds",
    )
    # The name itself, so the member sees (and downloads) what is kept for them.
    pseudonym = models.CharField(_("pseudonym"), max_length=PSEUDONYM_MAX_LENGTH)
    skeleton = models.TextField(_("pseudonym skeleton"), editable=False)
    held_until = models.DateTimeField(_("held until"))
    created_at = models.DateTimeField(_("given up at"), auto_now_add=True)

    objects = PseudonymHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("held pseudonym")
        verbose_name_plural = _("held pseudonyms")
        ordering = ["held_until", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["skeleton"], name="pseudonym_hold_skeleton_unique"),
        ]
        indexes = [models.Index(fields=["held_until"])]

    def __str__(self) -> str:
        return self.pseudonym
