"""In Chromium: a manager logs a contact on a customer's page and sees the follow-up on their home, in English
and in Chinese. Run with `pytest -m browser contacts` (Debian's chromium: `bash scripts/install-browser.sh`)."""
import re

import pytest
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from contacts.models import Contact
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|登录")).click()


def test_a_manager_logs_a_contact_and_sees_the_follow_up_on_their_home(live_server, page, rm):
    customer = CustomerFactory(user__username="zhao_yi", user__name="赵一", manager=rm, customer_class="B")
    CustomerFactory(user__username="qian_er", user__name="钱二", manager=rm, customer_class="C")
    today = timezone.localdate().isoformat()

    watch_csp(page)
    _sign_in(page, live_server.url, "rm_wang")
    page.wait_for_url(f"{live_server.url}/workspace/")
    follow_ups = page.get_by_test_id("follow-ups")
    assert follow_ups.get_by_text("No follow-up due today.").is_visible()

    page.get_by_role("link", name="赵一").click()
    page.wait_for_url(re.compile(r"/workspace/customers/\d+/$"))
    form = page.get_by_test_id("contact-form")
    form.get_by_label("Channel").select_option("wechat")
    form.get_by_label("Summary").fill("微信沟通了基金定投，客户想再考虑几天")
    form.get_by_label("Next follow-up").fill(today)
    form.get_by_role("button", name="Record the contact").click()

    page.get_by_text("The contact has been recorded.").wait_for()
    log = page.get_by_test_id("contact-log")
    assert log.get_by_text("微信沟通了基金定投，客户想再考虑几天").is_visible()
    assert log.get_by_text("WeChat").is_visible()
    contact = Contact.objects.get()
    assert (contact.customer, contact.manager, contact.next_follow_up.isoformat()) == (customer, rm, today)
    screenshot(page, "manager-contact-log-desktop-en")

    page.get_by_role("link", name="My customers").first.click()
    page.wait_for_url(f"{live_server.url}/workspace/")
    due = page.get_by_test_id("follow-ups")
    assert due.get_by_text("today", exact=True).is_visible()
    assert due.get_by_role("link", name="赵一").is_visible() and not due.get_by_text("钱二").count()
    screenshot(page, "manager-follow-ups-desktop-en")

    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", name="待跟进").wait_for()
    due = page.get_by_test_id("follow-ups")
    assert due.get_by_text("今天", exact=True).is_visible()
    screenshot(page, "manager-follow-ups-desktop-zh")

    due.get_by_role("link", name="赵一").click()
    page.wait_for_url(re.compile(r"/workspace/customers/\d+/#contacts$"))
    page.get_by_role("heading", name="联系记录").wait_for()
    form = page.get_by_test_id("contact-form")
    form.get_by_label("渠道").select_option("visit")
    form.get_by_label("摘要").fill("上门拜访，客户确认定投")
    form.get_by_role("button", name="记录这次联系").click()

    page.get_by_text("已记录这次联系。").wait_for()
    assert page.get_by_test_id("contact-log").get_by_text("上门拜访，客户确认定投").is_visible()
    page.get_by_role("link", name="我的客户").first.click()
    page.get_by_text("今天没有待跟进的客户。").wait_for()  # the later contact superseded the follow-up
    assert csp_violations(page) == []
    screenshot(page, "manager-follow-ups-done-desktop-zh")
