from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles. The value is the name of the auth group that grants the role."""

    RESEARCHER = "Researchers", _("Researcher")
    MODERATOR = "Moderators", _("Moderator")
    TEAM_LEAD = "Team leads", _("Team lead")
    COMPLAINTS_OFFICER = "Complaints officers", _("Complaints officer")
    ADMIN = "Administrators", _("Administrator")


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address, matched case-insensitively."""

    use_in_migrations = True

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

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    @cached_property
    def is_staff_member(self) -> bool:
        """True for anyone with a staff role; such accounts must use two-factor authentication."""
        return self.is_superuser or self.groups.filter(name__in=Role.values).exists()

    def has_role(self, role: Role) -> bool:
        """True when the user belongs to the group that grants this staff role."""
        return any(group.name == role.value for group in self.groups.all())

    @property
    def roles(self) -> list[Role]:
        names = {group.name for group in self.groups.all()}
        return [role for role in Role if role.value in names]
