"""Browser tests: Debian's Chromium, driven by Playwright, against the
servers of tests/conftest.py. Playwright never downloads a browser here:
`make browser` installs the `chromium` package when it is missing."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.chat import Chat, screenshot_dir

# A small phone: the narrowest screen the page must serve well.
PHONE = {"width": 360, "height": 740}


# Package scope: Playwright's sync API holds an event loop while it runs, and
# the integration tests that follow in the same session use asyncio.run().
@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make browser` (never `playwright install`).")
    screenshot_dir().mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, servers):
    context = browser.new_context(viewport=PHONE, locale="nl-BE", accept_downloads=True)
    context.set_default_timeout(45_000)
    yield context
    context.close()


@pytest.fixture
def chat(context) -> Chat:
    return Chat(context.new_page())
