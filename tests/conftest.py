from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TestCase
from django.utils import translation
from wagtail.models import Page

from community.models import Role
from feedback.services.surveys import _kept_versions
from projects.models import HomePage, ProjectIndexPage
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate, totp_code
from tests.projects.factories import ProjectPageFactory, StandardPageFactory, TopicPageFactory

ROLES = ["anonymous", "parent", "other_parent", "moderator", "researcher", "admin"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """Browser tests put a threaded live server in front of the database. An in-memory SQLite
    database would give every server thread the one connection, so two requests at once (an
    autosave and a publish) tangle each other's savepoints; a run with browser tests gets a
    file, so each thread has its own connection, as in production."""
    settings = connections["default"].settings_dict
    has_browser_tests = any(item.get_closest_marker("browser") for item in request.session.items)
    if settings["ENGINE"].endswith("sqlite3") and has_browser_tests:
        database = tmp_path_factory.mktemp("database") / "test.sqlite3"
        settings.setdefault("TEST", {})["NAME"] = str(database)
        # Writers wait for each other, as with the production settings (config.settings.base).
        settings.setdefault("OPTIONS", {}).update(
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            transaction_mode="IMMEDIATE",
            timeout=20,
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (and what a process keeps in memory, like each channel's survey version)
    outlives each test's database; start every test without stale entries."""
    cache.clear()
    _kept_versions.clear()
    yield
    cache.clear()
    _kept_versions.clear()


def dutch_url(page: Page) -> str:
    """A page's address at its Dutch (default) URL, whatever language the last request used."""
    with translation.override("nl"):
        return page.get_url()


@pytest.fixture(autouse=True)
def _dutch_by_default():
    """Requests leave their language active in the thread; each test starts in Dutch."""
    translation.activate("nl")
    yield
    translation.activate("nl")


@pytest.fixture
def home_page(db) -> HomePage:
    return HomePage.objects.get()


@pytest.fixture
def project_index(db) -> ProjectIndexPage:
    return ProjectIndexPage.objects.get()


@pytest.fixture
def project_page(project_index):
    return ProjectPageFactory(parent=project_index, title="Slapen", title_en="Sleeping")


@pytest.fixture
def topic_page(project_page):
    return TopicPageFactory(parent=project_page, title="Eerste nacht", title_en="First night")


@pytest.fixture
def standard_page(home_page):
    return StandardPageFactory(
        parent=home_page, title="Over ons", title_en="About us", slug="over-ons"
    )


@pytest.fixture
def parent(db):
    return UserFactory(email="ouder@example.org")


@pytest.fixture
def other_parent(db):
    return UserFactory(email="andere.ouder@example.org")


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])


@pytest.fixture
def researcher(db):
    return UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])


@pytest.fixture
def team_lead(db):
    return UserFactory(email="team@example.org", roles=[Role.TEAM_LEAD])


@pytest.fixture
def complaints_officer(db):
    return UserFactory(email="klachten@example.org", roles=[Role.COMPLAINTS_OFFICER])


@pytest.fixture
def admin_user(db):
    return UserFactory(email="beheerder@example.org", roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def client_for_role(client, user_for_role):
    """A test client logged in as the role's user: staff with their second factor."""

    def log_in(role: str):
        user = user_for_role(role)
        if user is not None and user.is_staff_member:
            login_with_two_factor(client, user)
        elif user is not None:
            client.force_login(user)
        return client

    return log_in


@pytest.fixture
def user_for_role(request):
    """Resolve a role name from ROLES to a user (None for anonymous)."""

    def resolve(role: str):
        return (
            None
            if role == "anonymous"
            else request.getfixturevalue(role if role != "admin" else "admin_user")
        )

    return resolve


def login_with_two_factor(client, user) -> None:
    """Log a staff member in the way they really do: password, then a code from their app
    (whoever the client was logged in as before is logged out first)."""
    client.logout()
    secret = totp_activate(user)
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/", response
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content


@pytest.fixture
def consent_documents(db):
    """The research terms and the privacy notice, published (version 1). Parents from the
    fixtures have not accepted them: use `member` for one who has."""
    from tests.community.factories import consent_documents_publish

    return consent_documents_publish()


@pytest.fixture
def member(parent, consent_documents):
    """`parent`, onboarded: a pseudonym and the published terms accepted."""
    from tests.community.factories import consent_accept_all

    consent_accept_all(parent)
    return parent


def pytest_collection_modifyitems(config, items):
    """A transactional test empties the database after it, taking the pages and roles that
    migrations made with it: it must restore them (serialized_rollback) or be marked `races`
    or `browser`, which `make test` runs after the others."""
    careless = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if marker.kwargs.get("serialized_rollback"):
            continue
        if item.get_closest_marker("races") or item.get_closest_marker("browser"):
            continue
        careless.append(item.nodeid)
    if careless:
        raise pytest.UsageError(
            "Transactional tests that would empty the shared database for the tests after "
            "them (add serialized_rollback=True or mark them races): " + ", ".join(careless)
        )


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """`manage.py seed_demo` run once for a whole test module (its after-commit work done, as
    in real use), in a transaction rolled back after the module's last test; each test's own
    changes roll back to a savepoint as usual. Gives what the command printed. Seeding takes
    seconds, so the modules about the demo share one instead of seeding per test."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
