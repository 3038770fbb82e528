"""In a real headless Chromium, in English and in Chinese: a customer asks for another manager on /me/,
an admin finds the request from the dashboard, approves it with the best candidate, and the customer
reads the answer. Run with `pytest -m browser change_requests`."""
import re

import pytest

from accounts.tests.factories import TEST_PASSWORD
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en-US": {"sign_in": "Sign in", "ask": "Ask for another manager", "decide": "Decide", "approve": "Approve",
              "sent": "Your request is sent", "approved": "Your request was approved"},
    "zh-CN": {"sign_in": "登录", "ask": "申请更换客户经理", "decide": "处理", "approve": "批准",
              "sent": "申请已提交", "approved": "您的申请已批准"},
}


def signed_in_page(browser, args, base_url, username, words):
    page = browser.new_context(**args).new_page()
    watch_csp(page)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name=re.compile(words["sign_in"])).click()
    return page


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_customer_asks_for_another_manager_and_an_admin_approves(
    live_server, browser, browser_context_args, bank, locale
):
    words = TEXT[locale]
    args = {**browser_context_args, "locale": locale}

    customer = signed_in_page(browser, args, live_server.url, bank.asker.user.username, words)
    customer.wait_for_url(f"{live_server.url}/me/")
    customer.select_option("#id_reason", "expertise")
    customer.fill("#id_text", "我想要更懂基金的经理")
    customer.get_by_role("button", name=words["ask"]).click()
    customer.wait_for_url(f"{live_server.url}/me/")
    assert customer.get_by_text(words["sent"]).is_visible()
    assert customer.get_by_test_id("change-request-state").get_attribute("data-status") == "open"

    admin = signed_in_page(browser, args, live_server.url, bank.decider.username, words)
    admin.wait_for_url(f"{live_server.url}/console/")
    card = admin.get_by_test_id("change-requests-card")
    assert card.locator("[data-kpi=open_change_requests]").inner_text() == "1"
    card.click()
    admin.get_by_role("link", name=words["decide"]).click()
    assert admin.get_by_text("我想要更懂基金的经理").is_visible()
    admin.get_by_test_id("approve-form").locator("input[type=radio]").first.check()
    admin.get_by_role("button", name=words["approve"]).click()
    assert admin.get_by_test_id("new-manager").inner_text() == bank.best.user.display_name
    screenshot(admin, f"change-request-approved-{locale}")

    customer.reload()
    assert customer.get_by_test_id("change-request-state").get_attribute("data-status") == "approved"
    assert customer.get_by_text(words["approved"]).is_visible()
    assert bank.best.user.display_name in customer.get_by_test_id("my-manager").inner_text()
    bank.asker.refresh_from_db()
    assert bank.asker.manager == bank.best
    assert csp_violations(customer) == [] and csp_violations(admin) == []
    screenshot(customer, f"change-request-customer-{locale}")
