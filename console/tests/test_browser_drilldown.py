"""Drill-down and search in headless Chromium: a dashboard card and a chart slice open the customers behind
them, the manager box suggests by name, the navigation's search finds a customer, a saved view reopens its
filters; in English and in Chinese."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.tests.factories import UserFactory
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.models import CustomerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["en-US", "zh-CN"])
def browser_context_args(request, browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": request.param}


@pytest.fixture
def admin_page(live_server, page, bank):
    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    watch_csp(page)
    page.base_url = live_server.url
    yield page
    assert page.js_errors == []
    assert csp_violations(page) == []  # the production policy refuses inline scripts and styles


def listed(page):
    return sorted(page.locator("#bulk tbody tr td:nth-child(2) a").all_inner_texts())


def test_the_unassigned_card_and_a_class_slice_open_their_customers(admin_page, bank):
    page = admin_page
    page.goto(page.base_url + "/console/")
    page.click("[data-testid=unassigned-link]")
    page.wait_for_url("**/console/customers/?unassigned=true")
    assert listed(page) == ["carol", "dave", "erin"]

    page.goto(page.base_url + "/console/")
    page.wait_for_selector("#chart-classes[data-rendered='true']")
    # the slice of the first class that has customers, clicked where Chart.js drew it
    index, letter = page.evaluate("""() => {
        const chart = window.portraitCharts['chart-classes'];
        const i = chart.data.datasets[0].data.findIndex(n => n > 0);
        return [i, JSON.parse(document.getElementById('dashboard-data').textContent).classes[i].label];
    }""")
    point = page.evaluate(f"window.portraitCharts['chart-classes'].getDatasetMeta(0).data[{index}].tooltipPosition()")
    box = page.locator("#chart-classes").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**/console/customers/?customer_class=*")
    expected = CustomerProfile.objects.filter(customer_class=letter).values_list("user__username", flat=True)
    assert listed(page) == sorted(expected)
    assert page.js_errors == []
    screenshot(page, "console-drilldown-class")


def test_the_manager_box_suggests_by_name_and_filters(admin_page, bank):
    m1 = bank["m1"].user
    m1.name = "王小明"
    m1.save()
    page = admin_page
    page.goto(page.base_url + "/console/customers/")
    page.fill("#id_manager", "小明")
    page.wait_for_selector("#id_manager-suggestions option[value='m1']", state="attached")
    page.fill("#id_manager", "m1")
    page.press("#id_manager", "Enter")
    page.wait_for_url("**manager=m1*")
    assert listed(page) == ["alice", "bob"]
    page.fill("#id_manager", "nobody")
    page.press("#id_manager", "Enter")
    page.wait_for_url("**manager=nobody*")
    assert page.locator("[data-testid=customer-filters] .text-danger").count() == 1
    page.fill("#id_manager", "无")
    page.press("#id_manager", "Enter")
    page.wait_for_load_state()
    assert listed(page) == ["carol", "dave", "erin"]


def test_the_navigation_search_finds_a_customer(admin_page, bank):
    page = admin_page
    page.goto(page.base_url + "/console/")
    page.fill("#global-search-q", "caro")
    page.press("#global-search-q", "Enter")
    page.wait_for_selector("[data-testid=search-results]")
    page.click("[data-testid=search-results] a:text('carol')")
    page.wait_for_url(f"**/console/customers/{bank['customers']['carol'].pk}/")


def test_a_saved_view_reopens_its_filters(admin_page, bank):
    page = admin_page
    page.goto(page.base_url + "/console/customers/?unassigned=true&age_min=50")
    page.fill("#saved-view-name", "Older, no manager")
    page.click("[data-testid=saved-views] button[type=submit]:not([aria-label])")
    page.wait_for_selector("[data-view='Older, no manager']")
    page.goto(page.base_url + "/console/customers/")
    page.click("[data-view='Older, no manager']")
    page.wait_for_url("**unassigned=true*")
    assert listed(page) == ["carol", "erin"]


def test_the_manager_page_shows_the_book_and_links_back(admin_page, bank):
    page = admin_page
    page.goto(page.base_url + f"/console/customers/{bank['customers']['alice'].pk}/")
    page.click("[data-testid=manager] a >> nth=0")
    page.wait_for_selector("[data-testid=load-history]")
    assert page.locator("[data-testid=load-history] meter").count() == 6
    screenshot(page, "console-manager-book")
    page.click("[data-testid=book-link]")
    page.wait_for_url(f"**/console/customers/?manager={bank['m1'].user_id}")
    assert listed(page) == ["alice", "bob"]
