"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connections

from tests.browser.journeys import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run these")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (10 s, below): on CI's loaded 2 cores a form's answer
    # has taken over the default 5 s (test_first_hour_journey, a re-rendered post form).
    expect.set_options(timeout=10_000)

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            # With a running event loop, Django hands this thread new connection objects;
            # give them the snapshot that serialized_rollback restores between tests.
            for alias, snapshot in snapshots.items():
                if snapshot is not None:
                    connections[alias]._test_serialized_contents = snapshot
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists: it shares the
    test's connection with its threads only for an in-memory database, and our runs with
    browser tests use a file (tests/conftest.py), so each server thread connects on its own."""
    return live_server


def _tab(browser, live_server, viewport: dict) -> "Page":
    """A fresh browser context and tab, recording content security policy violations."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: (
            tab.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return tab


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab on a phone-sized screen, recording policy violations."""
    tab = _tab(browser, live_server, PHONE)
    yield tab
    tab.context.close()


@pytest.fixture
def tab_for(browser, live_server):
    """A fresh tab per person (phone-sized unless told otherwise), so sessions never mix."""
    tabs = []

    def open_tab(viewport: dict | None = None) -> "Page":
        tabs.append(_tab(browser, live_server, viewport or PHONE))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.context.close()
