"""Version tokens (config.versions): what keeps whatever a process keeps between requests
from ever being served stale."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from config import versions


@pytest.mark.django_db
def test_a_token_stays_until_renewed_and_is_renewed_again_after_the_commit(
    django_capture_on_commit_callbacks,
):
    (first,) = versions.version_tokens("example-version")
    assert versions.version_tokens("example-version") == [first]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        versions.version_renew("example-version")
    (renewed,) = versions.version_tokens("example-version")
    for callback in callbacks:
        callback()  # a reader may have kept old rows under `renewed` before the commit
    (committed,) = versions.version_tokens("example-version")

    assert len({first, renewed, committed}) == 3


def test_tokens_of_several_names_come_in_one_read():
    versions.version_tokens("one-version", "other-version")

    with pytest.MonkeyPatch.context() as patch:
        reads = []
        patch.setattr(cache, "get_many", lambda names: reads.append(names) or {})
        patch.setattr(cache, "get", lambda name: f"token of {name}")
        patch.setattr(cache, "add", lambda *args, **kwargs: True)
        tokens = versions.version_tokens("one-version", "other-version")

    assert reads == [("one-version", "other-version")]
    assert tokens == ["token of one-version", "token of other-version"]


def test_the_code_fingerprint_changes_with_a_template(tmp_path):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    fingerprints = []
    with override_settings(BASE_DIR=tmp_path):
        for text in ("<p>een</p>", "<p>twee</p>"):
            template.write_text(text)
            versions.code_fingerprint.cache_clear()
            fingerprints.append(versions.code_fingerprint())
    versions.code_fingerprint.cache_clear()

    assert fingerprints[0] != fingerprints[1]
