"""In Chromium: an admin opens capacity planning from the console's navigation, computes the plan, sorts the
seat table, evaluates a scenario and sees it against today, in English and in Chinese; the charts draw (no CSP
refusal) beside the tables that say the same in text. Run with `pytest -m browser console`."""
import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from planning.services import scenario_create
from planning.tests.conftest import build_pool
from planning.tests.test_services import added_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def test_capacity_planning_in_the_browser(live_server, page, settings):
    pool = build_pool(settings)
    scenario = scenario_create(name="私行经理", actor=pool.admin, changes={"added": [added_manager(pool)]})
    client = Client()
    client.force_login(pool.admin)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    watch_csp(page)

    page.goto(f"{live_server.url}/console/")
    page.get_by_test_id("console-nav").get_by_role("link", name="Capacity planning").click()
    page.get_by_test_id("capacity-none").wait_for()
    page.get_by_role("button", name="Recompute").click()
    page.wait_for_selector("#chart-seats[data-rendered='true']")
    assert page.get_by_test_id("capacity-figures").locator("[data-figure='unassigned']").inner_text() == "3"
    page.get_by_role("link", name="Points, one seat fewer").click()
    page.wait_for_selector("th[aria-sort='ascending']")
    screenshot(page, "console-capacity-en")

    page.goto(f"{live_server.url}/console/planning/scenarios/{scenario.pk}/")
    page.get_by_test_id("scenario-not-evaluated").wait_for()
    page.get_by_test_id("scenario-evaluate").get_by_role("button", name="Evaluate").click()
    page.wait_for_selector("#chart-scenario-classes[data-rendered='true']")
    page.wait_for_selector("#chart-scenario-tiers[data-rendered='true']")
    placed = page.get_by_test_id("scenario-figures").locator("tr", has_text="Left unassigned")
    assert placed.locator("td").all_inner_texts() == ["3", "2", "-1"]
    screenshot(page, "console-scenario-en")

    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", name="私行经理").wait_for()
    page.wait_for_selector("#chart-scenario-classes[data-rendered='true']")
    assert page.get_by_role("columnheader", name="当前团队").is_visible()
    assert csp_violations(page) == []
    screenshot(page, "console-scenario-zh")
