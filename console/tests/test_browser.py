"""The console in headless Chromium against a live server: charts draw, a preview is applied, a bad
import file is reported. Screenshots land in console/tests/screenshots/ (not committed) for a look.

These use a local fixture until the shared browser plugin (core/testing/browser.py) is on main.
"""
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from customers.models import CustomerProfile
from matching.models import MatchingRun, PlannedChange
from portrait.testing import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("PORTRAIT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def console_page(live_server, bank):
    """A Chromium page signed in as an administrator."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.base_url = live_server.url
        page.js_errors = errors
        yield page
        browser.close()


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_dashboard_charts_render(console_page):
    page = console_page
    page.goto(page.base_url + "/console/")
    page.wait_for_selector("#chart-classes[data-rendered='true']")
    for chart in ("chart-managers", "chart-scores", "chart-months", "chart-occupations"):
        assert page.get_attribute(f"#{chart}", "data-rendered") == "true"
    # the pie's data is the page's figures
    counts = page.evaluate("window.portraitCharts['chart-classes'].data.datasets[0].data")
    assert sum(counts) == CustomerProfile.objects.count()
    assert page.js_errors == []
    shot(page, "dashboard")


def test_preview_then_apply_in_the_browser(console_page):
    page = console_page
    page.goto(page.base_url + "/console/matching/")
    page.select_option("#id_strategy", "optimal")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=plan]")
    preview = MatchingRun.objects.get(kind="preview")
    rows = page.locator("[data-testid=plan] tbody tr").count()
    assert rows == PlannedChange.objects.filter(run=preview).count() > 0
    shot(page, "preview")
    page.click("[data-testid=apply]")
    page.wait_for_selector("[data-testid=job-status]")
    assert page.inner_text("[data-testid=job-status]") == "Succeeded"
    shot(page, "applied")
    page.goto(page.base_url + f"/console/matching/previews/{preview.pk}/")
    assert page.is_visible("[data-testid=applied]")
    assert page.js_errors == []


def test_import_with_a_bad_file_shows_every_problem(console_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = tmp_path / "bad.csv"
    bad.write_text("username,name,age,occupation,total_assets,needs,hobbies\nnew1,N,12,,100,,\nnew2,M,40,,-1,,\n", encoding="utf-8")
    page = console_page
    page.goto(page.base_url + "/console/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=error-table]")
    lines = page.locator("[data-testid=error-table] tbody tr td:first-child").all_inner_texts()
    assert lines == ["2", "3"]
    assert not CustomerProfile.objects.filter(user__username__in=["new1", "new2"]).exists()
    shot(page, "import-errors")


def test_customer_pages_filter_and_show_candidates(console_page, bank):
    page = console_page
    page.goto(page.base_url + "/console/customers/?manager=none")
    assert page.locator("tbody tr").count() == 3
    shot(page, "customers")
    page.click("text=carol")
    page.wait_for_selector("[data-testid=candidates]")
    assert page.locator("[data-testid=candidates] tbody tr").count() == 2
    shot(page, "customer")
    page.goto(page.base_url + f"/console/managers/{bank['m1'].pk}/")
    shot(page, "manager")
    assert page.js_errors == []
