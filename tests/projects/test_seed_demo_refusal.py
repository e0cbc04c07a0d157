"""seed_demo refuses where the settings forbid it (in a file of its own: the other seed_demo
tests share one seeded database per module)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from community.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_where_settings_forbid_it(settings):
    settings.SEED_DEMO_ALLOWED = False

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
