"""The console in headless Chromium against a live server: charts draw, a preview is applied, a bad
import file is reported, and the Content-Security-Policy refuses nothing on the way. Screenshots land in
screenshots/console-*.png for a look.
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.models import CustomerProfile
from matching.models import MatchingRun, PlannedChange
from matching.services import run_automatic
from accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def console_page(live_server, page, bank):
    """The shared Chromium page, signed in as an administrator, collecting script errors and CSP violations."""
    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    watch_csp(page)
    page.base_url = live_server.url
    return page


def shot(page, name):
    screenshot(page, f"console-{name}")


def test_dashboard_charts_render(console_page):
    page = console_page
    page.goto(page.base_url + "/console/")
    page.wait_for_selector("#chart-classes[data-rendered='true']")
    for chart in ("chart-managers", "chart-scores", "chart-months", "chart-occupations"):
        assert page.get_attribute(f"#{chart}", "data-rendered") == "true"
    # the pie's data is the page's figures
    counts = page.evaluate("window.portraitCharts['chart-classes'].data.datasets[0].data")
    assert sum(counts) == CustomerProfile.objects.count()
    # one palette: each match fit has the badges' colour in the pie and in the occupation chart
    from portrait.display import FIT_PALETTE, FIT_UNSET_COLOUR

    labels = page.evaluate("window.portraitCharts['chart-classes'].data.labels")
    colours = page.evaluate("window.portraitCharts['chart-classes'].data.datasets[0].backgroundColor")
    expected = [FIT_PALETTE.get(label, FIT_UNSET_COLOUR) for label in
                page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).classes"
                              ".map(function (c) { return c.label; })")]
    assert colours == expected and len(labels) == len(colours)
    series = page.evaluate("window.portraitCharts['chart-occupations'].data.datasets"
                           ".map(function (d) { return [d.label, d.backgroundColor]; })")
    assert all(colour == FIT_PALETTE[label] for label, colour in series if label in FIT_PALETTE)
    assert page.js_errors == []
    assert csp_violations(page) == []  # the production policy: no inline script, chart data as JSON
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
    page.click("[data-testid=confirm-dialog-yes]")  # the page's own dialog: test_browser_actions.py
    page.wait_for_selector("[data-testid=run-changes]")
    assert page.locator("[data-testid=run-changes] tbody tr").count() == rows
    shot(page, "applied")
    page.goto(page.base_url + f"/console/matching/previews/{preview.pk}/")
    assert page.is_visible("[data-testid=applied]")
    assert page.js_errors == []
    assert csp_violations(page) == []


def test_import_with_a_bad_file_shows_every_problem(console_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "username,name,age,occupation,total_assets,needs,hobbies\nnew1,N,12,,100,,\nnew2,M,40,,-1,,\n", encoding="utf-8"
    )
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
    page.goto(page.base_url + "/console/customers/?unassigned=true")
    assert page.locator("tbody tr").count() == 3
    shot(page, "customers")
    page.click("text=carol")
    page.wait_for_selector("[data-testid=candidates]")
    assert page.locator("[data-testid=candidates] tbody tr").count() == 2
    shot(page, "customer")
    page.goto(page.base_url + f"/console/managers/{bank['m1'].pk}/")
    shot(page, "manager")
    page.goto(page.base_url + "/console/managers/")
    fills = page.locator("[data-testid=managers] meter")  # a load's length is its value: no style attribute
    assert fills.count() == len(page.locator("[data-testid=managers] tbody tr").all()) > 0
    m1 = page.locator("[data-testid=managers] tbody tr").filter(has=page.get_by_role("link", name="m1", exact=True))
    assert m1.locator("meter").evaluate("m => [m.value, m.max]") == [2, 2]  # full, not over: not red
    assert "bar-over" not in m1.locator("meter").get_attribute("class")
    shot(page, "managers")
    assert page.js_errors == []
    assert csp_violations(page) == []


def test_select_all_and_the_undo_question_work_under_the_csp(console_page):
    """Both were inline handlers, which the policy refuses: select-all did nothing, and Undo went
    ahead without asking. Undo now asks in the page's dialog (console.js), never a native one."""
    page = console_page
    page.goto(page.base_url + "/console/customers/")
    page.check("[data-testid=select-all]")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 5 and all(boxes.nth(i).is_checked() for i in range(5))

    run = run_automatic().run
    page.goto(page.base_url + "/console/matching/")
    page.click(f"[data-testid=undo-{run.pk}]")
    page.click("[data-testid=confirm-dialog-no]")
    assert page.url.endswith("/console/matching/")
    assert not MatchingRun.objects.filter(kind="undo").exists()  # the question was asked, and declined

    page.click(f"[data-testid=undo-{run.pk}]")
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=run-notice]")
    assert MatchingRun.objects.filter(kind="undo").count() == 1
    assert page.js_errors == []
    assert csp_violations(page) == []


def test_the_preview_chart_of_moves_against_gain_previews_a_point_on_click(console_page, bank):
    from matching.services.previews import preview_create
    from matching.tests.conftest import SERVICES

    portraits = bank["portraits"]
    old = portraits.manager("m_old")
    portraits.manager("m_new", capabilities=SERVICES[:12], capacity=10)
    for gain in (3, 7, 12):  # moving gains 3, 7 and 12 points: each move cost keeps a different number
        portraits.customer(needs=SERVICES[:gain], manager=old)
    page = console_page
    preview = preview_create(actor=None, rebalance=True, move_cost=7)
    page.goto(page.base_url + f"/console/matching/previews/{preview.pk}/")
    assert page.locator("#chart-move-cost").count() == 0  # the preview solved its own move cost only
    page.click("[data-testid=curve-compute]")
    # the job runs in-process; its page then forwards back to the preview, which draws the chart
    page.wait_for_selector("#chart-move-cost[data-rendered='true']", timeout=60_000)
    assert page.url.endswith(f"/previews/{preview.pk}/")
    preview.refresh_from_db()
    points = page.evaluate(
        "window.portraitCharts['chart-move-cost'].getDatasetMeta(0).data.map(function (p) { return [p.x, p.y]; })"
    )
    costs = [point["move_cost"] for point in preview.summary["move_cost_curve"]]
    assert len(points) == len(costs) == 6
    shot(page, "preview-move-cost")
    box = page.locator("#chart-move-cost").bounding_box()
    x, y = points[costs.index(5)]
    assert [tuple(point) for point in points].count((x, y)) == 1
    before = MatchingRun.objects.count()
    page.mouse.click(box["x"] + x, box["y"] + y)
    # the new preview's job runs in-process; its page then forwards to the new preview
    page.wait_for_url(lambda url: "/previews/" in url and not url.endswith(f"/previews/{preview.pk}/"), timeout=60_000)
    assert MatchingRun.objects.count() == before + 1
    assert MatchingRun.objects.order_by("-pk").first().options["move_cost"] == 5
    assert page.js_errors == [] and csp_violations(page) == []
