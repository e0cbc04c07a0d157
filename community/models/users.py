import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from community.validators import PSEUDONYM_MAX_LENGTH, validate_pseudonym
from config.queries import sql_compiled_once


class Role(models.TextChoices):
    """Staff roles. The value is the name of the auth group that grants the role."""

    RESEARCHER = "Researchers", _("Researcher")
    MODERATOR = "Moderators", _("Moderator")
    TEAM_LEAD = "Team leads", _("Team lead")
    COMPLAINTS_OFFICER = "Complaints officers", _("Complaints officer")
    ADMIN = "Administrators", _("Administrator")


# Roles that work on what parents write in the research community. Team leads and
# complaints officers do not: they read it as a signed-in account outside every audience
# (least privilege; the README's role table).
COMMUNITY_ROLES = (Role.RESEARCHER, Role.MODERATOR, Role.ADMIN)


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
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)
        self.pseudonym = " ".join(self.pseudonym.split())

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
