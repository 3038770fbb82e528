"""In a real headless Chromium, in English and in Chinese: an automatic run places a waiting customer;
the customer and their new manager each see the bell's unread count, open the inbox, read the entry,
follow its link and mark it read. Run with `pytest -m browser notifications`."""
import re

import pytest

from accounts.tests.factories import TEST_PASSWORD
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from matching.services import run_automatic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en-US": {"sign_in": "Sign in", "mark_read": "Mark read",
              "customer": "Your relationship manager is now {manager}.", "manager": "{customer} joined your book."},
    "zh-CN": {"sign_in": "登录", "mark_read": "标为已读",
              "customer": "您的客户经理现在是{manager}。", "manager": "{customer} 已划入您名下。"},
}


def signed_in_page(browser, args, base_url, username, words):
    page = browser.new_context(**args).new_page()
    watch_csp(page)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name=re.compile(words["sign_in"])).click()
    page.wait_for_load_state()
    return page


def read_the_entry(page, base_url, text, link):
    """The bell says 1; the inbox shows `text`, leading to `link`; marking it read empties the bell."""
    assert page.get_by_test_id("unread-count").inner_text().split()[0] == "1"
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url(f"{base_url}/notifications/")
    entry = page.get_by_test_id("notification")
    assert entry.get_by_role("link").inner_text() == text
    assert entry.get_by_role("link").get_attribute("href") == link
    return entry


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_run_tells_the_customer_and_the_manager(live_server, browser, browser_context_args, services, hobbies,
                                                  locale):
    words = TEXT[locale]
    args = {**browser_context_args, "locale": locale}
    manager = ManagerFactory(capabilities=services[:3], hobbies=hobbies[:3], user__name="王经理")
    customer = CustomerFactory(needs=services[:2], hobbies=hobbies[1:3], user__name="李四")

    run_automatic()  # committed: both are told

    page = signed_in_page(browser, args, live_server.url, customer.user.username, words)
    entry = read_the_entry(page, live_server.url, words["customer"].format(manager="王经理"), "/me/")
    screenshot(page, f"notifications-customer-{locale}")
    entry.get_by_role("button", name=words["mark_read"]).click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.get_by_test_id("unread-count").count() == 0

    page = signed_in_page(browser, args, live_server.url, manager.user.username, words)
    entry = read_the_entry(page, live_server.url, words["manager"].format(customer="李四"),
                           f"/workspace/customers/{customer.pk}/")
    entry.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/workspace/customers/{customer.pk}/")
    assert page.get_by_test_id("unread-count").inner_text().split()[0] == "1"  # opening is not reading
    screenshot(page, f"notifications-manager-{locale}")
    assert csp_violations(page) == []
