"""End to end in a real headless Chromium against a live server: what a customer and a manager do.

Run with `pytest -m browser portal` (Debian's chromium: `bash scripts/install-browser.sh`).
Screenshots go to screenshots/ (ignored by git).
"""
import re
from decimal import Decimal

import pytest

from accounts.tests.factories import TEST_PASSWORD
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from managers.tests.factories import ManagerFactory
from matching.models import Segment
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def vocabulary():
    services = [ServiceFactory(name=name) for name in ("理财规划", "基金投资", "个人贷款", "保险保障", "外汇业务")]
    hobbies = [HobbyFactory(name=name) for name in ("高尔夫", "旅行", "摄影", "阅读", "书法")]
    return services, hobbies


@pytest.fixture
def rm(vocabulary):
    """A manager (password TEST_PASSWORD) sharing three services and three hobbies with most customers."""
    services, hobbies = vocabulary
    return ManagerFactory(user__username="rm_wang", user__name="王芳", capabilities=services[:3], hobbies=hobbies[:3])


def sign_in(page, base_url, username, password=TEST_PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name=re.compile("Sign in|登录")).click()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_new_customer_registers_fills_the_portrait_and_sees_the_class(live_server, page, rm, vocabulary):
    watch_csp(page)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Create an account").click()
    page.fill("#id_username", "li_lei")
    page.fill("#id_name", "李雷")
    page.fill("#id_password", "Spring-rain-2026")
    page.fill("#id_password_again", "Spring-rain-2026")
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_text("Fill in your portrait first").is_visible()
    page.fill("#id_age", "38")
    page.fill("#id_occupation", "工程师")
    page.fill("#id_total_assets", "800,000")  # separators are accepted
    for name in ("理财规划", "基金投资", "个人贷款", "高尔夫", "旅行", "摄影"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Save my portrait").click()

    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_text("Your portrait has been saved.").is_visible()
    customer = CustomerProfile.objects.get(user__username="li_lei")
    assert customer.customer_class == "D"  # 3 shared needs + 3 shared hobbies = 6: D (no upgrade: 3 < 3 + 2)
    assert customer.total_assets == 800000
    assert page.get_by_test_id("customer-class").count() == 0  # no grade for the customer, no grey "E"
    assert page.get_by_test_id("fit-sentence").inner_text().startswith("You have no manager yet.")
    assert page.get_by_text("A manager will be assigned to you soon.").is_visible()
    assert csp_violations(page) == []
    screenshot(page, "customer-me-desktop-en")


def test_a_manager_signs_in_filters_the_list_and_opens_a_customer(live_server, page, rm, vocabulary):
    services, hobbies = vocabulary
    Segment.objects.create(label=0, name="稳健型中年客户", size=2, median_age=45, median_assets=Decimal("500000"))
    for i, (name, cls) in enumerate([("赵一", "A"), ("钱二", "B"), ("孙三", "A"), ("李四", "D")]):
        CustomerFactory(user__username=f"cust_{i}", user__name=name, customer_class=cls, manager=rm, segment=0,
                        needs=services[:2], hobbies=hobbies[1:3])
    CustomerFactory(user__username="stranger", user__name="陌生人", customer_class="A")  # someone else's
    CustomerProfile.objects.filter(manager=rm, user__username__in=["cust_0", "cust_2"]).update(customer_class="A")

    watch_csp(page)
    sign_in(page, live_server.url, "rm_wang")
    page.wait_for_url(f"{live_server.url}/workspace/")
    assert page.get_by_test_id("result-count").inner_text() == "4 customers"
    assert page.get_by_test_id("load-meter").get_by_text(f"4 of {rm.capacity} customers").is_visible()
    meter = page.get_by_test_id("load-meter").get_by_role("meter")  # its length is its value: no style attribute
    assert meter.evaluate("m => m.value") == round(100 * 4 / rm.capacity)
    assert meter.bounding_box()["width"] > 100
    screenshot(page, "manager-workspace-desktop-en")

    page.select_option("#id_customer_class", "A")  # htmx swaps the results in place
    page.get_by_test_id("result-count").filter(has_text="2 customers").wait_for()
    assert "customer_class=A" in page.url
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2 and "陌生人" not in page.content()

    page.get_by_role("link", name="Age").click()  # sort by a column keeps the filter
    page.wait_for_url(re.compile(r"sort=age"))
    assert "customer_class=A" in page.url

    page.get_by_role("link", name="赵一").click()
    page.wait_for_url(re.compile(r"/workspace/customers/\d+/$"))
    explanation = page.get_by_test_id("match-explanation")
    assert explanation.get_by_text("理财规划").is_visible() and explanation.get_by_text("摄影").is_visible()
    assert csp_violations(page) == []
    screenshot(page, "manager-customer-desktop-en")


def test_switching_the_language_and_editing_the_profile_in_chinese(live_server, page, rm, vocabulary):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()

    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", name="登录").wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    sign_in(page, live_server.url, "rm_wang")
    page.wait_for_url(f"{live_server.url}/workspace/")
    assert page.get_by_role("heading", name="我的客户").is_visible()  # the choice stays after signing in
    screenshot(page, "manager-workspace-desktop-zh")

    page.get_by_role("link", name="我的资料").click()
    page.get_by_label("接受新客户").uncheck()
    page.get_by_label("外汇业务").check()
    page.get_by_role("button", name="保存我的资料").click()
    page.get_by_text("您的资料已保存，将从下一次匹配批次起生效。").wait_for()
    rm.refresh_from_db()
    assert rm.accepting_customers is False and rm.capabilities.filter(name="外汇业务").exists()
    screenshot(page, "manager-profile-desktop-zh")

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="My profile").wait_for()


@pytest.fixture
def phone_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def test_the_pages_work_at_a_phones_width_in_chinese(live_server, browser, phone_context_args, rm, vocabulary):
    services, hobbies = vocabulary
    customer = CustomerFactory(user__username="phone_user", user__name="韩梅梅", manager=rm, customer_class="B",
                               needs=services[:3], hobbies=hobbies[:2])
    context = browser.new_context(**phone_context_args)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "phone_user")
        page.wait_for_url(f"{live_server.url}/me/")
        assert page.get_by_role("heading", name="您好，韩梅梅").is_visible()
        assert page.get_by_test_id("my-manager").get_by_text("王芳", exact=True).is_visible()
        assert no_horizontal_scroll(page)
        screenshot(page, "customer-me-phone-zh")

        page.get_by_role("button", name="菜单").click()  # the navbar folds into a menu
        page.get_by_role("link", name="我的画像").wait_for()

        page.get_by_test_id("user-menu").wait_for()
        page.wait_for_timeout(400)  # the menu's opening transition
        screenshot(page, "customer-menu-phone-zh", full_page=False)

        page.goto(f"{live_server.url}/workspace/customers/{customer.pk}/")
        assert page.get_by_role("heading", name="您的账户无权访问此页面").is_visible()

        page.get_by_role("button", name="菜单").click()
        page.get_by_test_id("user-menu").wait_for()
        page.wait_for_timeout(400)  # the menu's opening transition
        page.get_by_test_id("user-menu").click()
        page.get_by_role("button", name="退出登录").click()
        page.get_by_text("您已退出登录。").wait_for()
        assert page.url == f"{live_server.url}/accounts/login/"
    finally:
        context.close()
