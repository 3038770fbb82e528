"""In Chromium: an admin opens a manager's report from the managers list and a manager opens their own, in
English and in Chinese; the charts draw (no CSP refusal) beside the table that says the same in text.
Run with `pytest -m browser insights` (Debian's chromium: `bash scripts/install-browser.sh`)."""
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp

from .test_reports import change, contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def _signed_in(page, base_url, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _charts_drawn(page):
    for chart in ("report-book", "report-flows", "report-work"):
        page.wait_for_selector(f"#{chart}[data-rendered='true']")
        assert page.get_attribute(f"#{chart}", "aria-describedby") == "report-table"


def _this_month(page):
    row = page.locator(f"tr[data-month='{timezone.localdate():%Y-%m}']")
    return {name: row.locator(f"[data-figure='{name}']").inner_text() for name in ("customers", "fit_A", "gained")}


def test_reports_open_with_their_charts_and_tables_in_both_languages(live_server, page, portraits):
    rm = portraits.manager("rm_wang")
    now = timezone.now()
    for name, fit in (("zhao_yi", "A"), ("qian_er", "B")):
        customer = portraits.customer(name)
        change(customer, to=rm, when=now - timedelta(minutes=5), fit=fit, total=3)
        contact(customer, manager=rm, when=now - timedelta(minutes=1))
    page.set_default_timeout(15_000)
    watch_csp(page)

    _signed_in(page, live_server.url, UserFactory(username="boss", admin=True))
    page.goto(f"{live_server.url}/console/managers/")
    page.locator("tr", has_text="rm_wang").get_by_role("link", name="Report").click()
    page.get_by_role("heading", name="Report: rm_wang").wait_for()
    _charts_drawn(page)
    assert _this_month(page) == {"customers": "2", "fit_A": "1", "gained": "2"}
    assert page.get_by_role("columnheader", name="Customers at the month's end").is_visible()
    assert page.get_by_test_id("report-download").is_visible()
    screenshot(page, "insights-manager-report-en")

    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", name="报告：rm_wang").wait_for()
    _charts_drawn(page)
    assert page.get_by_role("columnheader", name="月末客户数").is_visible()
    assert _this_month(page)["customers"] == "2"
    screenshot(page, "insights-manager-report-zh")

    page.context.clear_cookies()
    _signed_in(page, live_server.url, rm.user)
    page.goto(f"{live_server.url}/workspace/")
    page.get_by_test_id("workspace-report-link").click()
    page.get_by_role("heading", name="My report").wait_for()
    _charts_drawn(page)
    assert _this_month(page) == {"customers": "2", "fit_A": "1", "gained": "2"}
    assert page.get_by_role("columnheader", name="Contacts made").is_visible()
    screenshot(page, "insights-my-report-en")
    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", name="我的报告").wait_for()
    _charts_drawn(page)
    assert page.get_by_role("columnheader", name="联系次数").is_visible()
    assert csp_violations(page) == []
    screenshot(page, "insights-my-report-zh")
