"""Real headless Chromium for tests: Playwright's sync API driving Debian's chromium.

Playwright's own browser download is never used (it is not reachable from bank intranets);
`bash scripts/install-browser.sh` installs Debian's chromium and the CJK fonts instead.
Set PORTRAIT_CHROMIUM to use another Chromium binary than /usr/bin/chromium.

Enable the plugin with `-p core.testing.browser` on the pytest command line, or with
`pytest_plugins = ["core.testing.browser"]` in the root conftest.py, and register the marker
in pytest.ini (the suite runs with --strict-markers):

    markers =
        browser: real headless Chromium tests

A test uses pytest-django's `live_server` and this module's `page`:

    @pytest.mark.browser
    def test_home(live_server, page):
        page.goto(live_server.url + "/")
        screenshot(page, "home")

Contexts default to English (`en-US`, matching the test settings' LANGUAGE_CODE) since the
Accept-Language header reaches Django's LocaleMiddleware; override the `browser_context_args`
fixture in a module or conftest.py for a Chinese UI, e.g. `{**browser_context_args, "locale": "zh-CN"}`.
"""
import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTRAIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "screenshots"
INSTALL_HINT = "Install it with `bash scripts/install-browser.sh` (Debian's chromium and fonts-noto-cjk)."


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (per xdist worker)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"No Chromium executable at {CHROMIUM} (PORTRAIT_CHROMIUM). {INSTALL_HINT}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install -r requirements-dev.txt", pytrace=False)

    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django's
    # async-safety check would raise SynchronousOnlyOperation on every ORM call the test makes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # any launch failure gets the same advice
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}\n{INSTALL_HINT}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context_args():
    """Keyword arguments for each test's browser context; override to change locale or viewport."""
    return {"locale": "en-US", "viewport": {"width": 1280, "height": 800}, "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def page(browser, browser_context_args):
    """A page in a fresh browser context (no cookies or storage shared between tests)."""
    context = browser.new_context(**browser_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page, name, *, full_page=True):
    """Save a PNG of `page` as screenshots/<name>.png at the repository root and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", name).strip("-.") or "screenshot"
    path = SCREENSHOTS / (stem if stem.endswith(".png") else f"{stem}.png")
    page.screenshot(path=str(path), full_page=full_page)
    return path
