import time

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from community.models import Role, User

TEST_PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    """A login with a verified primary e-mail address; pass roles=[Role.…] for staff."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    # Onboarded by default; pass pseudonym="" for a parent who has not chosen one yet.
    pseudonym = factory.Sequence(lambda n: f"Ouder {n}")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[role.value for role in extracted]))
            # A staff member as services and rules meet them in a request: signed in with
            # the second factor (User.staff_powers). Set it False to test the session without.
            self.second_factor_passed = True

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


def totp_activate(user: User) -> str:
    """Give a user an authenticator app (TOTP) and recovery codes; returns the TOTP secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now."""
    from allauth.mfa.app_settings import TOTP_PERIOD
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread notification about a project page, with its title in both languages."""

    class Meta:
        model = "community.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "reply"
    params = factory.LazyFunction(lambda: {"title": {"nl": "Slapen", "en": "Sleeping"}})
    url = "/projecten/slapen/"


class ConsentDocumentFactory(factory.django.DjangoModelFactory):
    """A published consent document (version 1); `kind` decides which one."""

    class Meta:
        model = "community.ConsentDocument"
        django_get_or_create = ("kind",)
        skip_postgeneration_save = True

    kind = "research_terms"
    title = factory.LazyAttribute(lambda o: f"Voorwaarden {o.kind}")
    title_en = factory.LazyAttribute(lambda o: f"Terms {o.kind}")
    body = "<p>Wat meedoen betekent.</p>"
    body_en = "<p>What taking part means.</p>"
    live = False

    @factory.post_generation
    def publish(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False and not self.live:
            self.save_revision().publish()
            self.refresh_from_db()


def consent_documents_publish() -> list:
    """The research terms and the privacy notice, published (what every live site has)."""
    return [
        ConsentDocumentFactory(
            kind="research_terms", title="Onderzoeksvoorwaarden", title_en="Research terms"
        ),
        ConsentDocumentFactory(
            kind="privacy_notice", title="Privacyverklaring", title_en="Privacy notice"
        ),
    ]


def consent_accept_all(*users: User) -> None:
    """Record that each user accepts the current version of every live document."""
    from community.models import ConsentDocument
    from community.services.consent import consent_accept

    documents = list(ConsentDocument.objects.filter(live=True))
    for user in users:
        consent_accept(user=user, documents=documents)
