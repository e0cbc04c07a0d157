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


def test_an_unreachable_cache_gives_every_request_a_token_of_its_own():
    """Nothing is kept under a token that a change during the outage could not renew."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "get_many", lambda names: {})  # what a cache that is down reads
        patch.setattr(cache, "get", lambda name: None)
        patch.setattr(cache, "add", lambda *args, **kwargs: True)
        (first,) = versions.version_tokens("example-version")
        (second,) = versions.version_tokens("example-version")

    assert first and second and first != second


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


@pytest.mark.django_db
def test_a_kept_value_is_served_while_its_tokens_stand_in_one_cache_read():
    build = iter(["first", "second"]).__next__

    first, tokens = versions.kept_while_current("example", ("example-version",), build, 60)
    with pytest.MonkeyPatch.context() as patch:
        reads = []
        get_many = cache.get_many
        patch.setattr(cache, "get_many", lambda names: reads.append(names) or get_many(names))
        again, same_tokens = versions.kept_while_current("example", ("example-version",), build, 60)
    versions.version_renew("example-version")
    renewed, new_tokens = versions.kept_while_current("example", ("example-version",), build, 60)

    assert (first, again, renewed) == ("first", "first", "second")
    assert reads == [["example-version", "example"]]
    assert same_tokens == tokens != new_tokens


@pytest.mark.django_db
def test_a_value_built_from_rows_read_before_a_change_is_never_served_after_it():
    (old_token,) = versions.version_tokens("example-version")
    versions.version_renew("example-version")
    # A slow reader stores what it read under the token it saw before the change.
    cache.set("example", (([old_token], versions.code_fingerprint()), "old rows"))

    value, _tokens = versions.kept_while_current(
        "example", ("example-version",), lambda: "new rows", 60
    )

    assert value == "new rows"
