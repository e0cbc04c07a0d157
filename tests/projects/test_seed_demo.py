from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from community.models import Role, User
from projects.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from projects.models import SiteLinks

pytestmark = pytest.mark.django_db


def table_sizes() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "site_links": SiteLinks.objects.count(),
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    after_first = table_sizes()

    call_command("seed_demo", stdout=StringIO())

    assert table_sizes() == after_first


def test_seed_demo_creates_one_account_per_role_and_two_parents():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    for role in Role:
        assert User.objects.filter(groups__name=role.value).count() == 1
    parents = User.objects.filter(groups__isnull=True)
    assert parents.count() == 2
    for email, _name, _roles in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        assert email in out.getvalue()


def test_seed_demo_links_footer_pages_with_text_in_both_languages(client):
    call_command("seed_demo", stdout=StringIO())
    links = SiteLinks.objects.get()

    for page in (links.house_rules_page, links.privacy_page, links.accessibility_page):
        specific = page.specific
        assert page.live
        assert len(specific.body) >= 3
        assert len(specific.body_en) >= 3
        assert specific.title_en
        assert client.get(page.get_url()).status_code == 200


def test_seed_demo_refuses_where_settings_forbid_it(settings):
    settings.SEED_DEMO_ALLOWED = False

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
