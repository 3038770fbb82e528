"""The console's actions in headless Chromium, in English and in Chinese: a plan is applied through the
page's confirmation dialog with its count, the notice offers Undo and the changed customers; a customer is
given a candidate manager from the ranked table with a reason; the import template is downloaded, filled as
it is and imported. The Content-Security-Policy refuses nothing on the way."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.tests.factories import UserFactory
from core.testing.browser import screenshot
from core.testing.csp import csp_violations, watch_csp
from customers.models import CustomerProfile
from customers.selectors import CUSTOMER_IMPORT_COLUMNS
from matching.models import MatchingRun, RunKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en-US": {
        "apply": "Change the manager of 3 customers?",
        "applied": "Done: the manager of 3 customers changed.",
        "undo": "Undo this run and give 3 customers their previous manager back?",
        "undone": "Undone: 3 customers have their previous manager again.",
        "view": "View changes",
        "bulk": "Change the manager of 2 customers?",
        "assigned": "carol is now served by m2.",
        "run": "Automatic assignment",
        "import": "Import 1 row of this file (1 new, 0 changed)?",
        "reassigned": "2 customers assigned to m2.",
        "manual": "Manual reassignment",
        "undo_two": "Undo this run and give 2 customers their previous manager back?",
        "undone_two": "Undone: 2 customers have their previous manager again.",
    },
    "zh-CN": {
        "apply": "将调整 3 位客户的客户经理？",
        "applied": "已完成：3 位客户的客户经理已调整。",
        "undo": "撤销该批次，让 3 位客户恢复原客户经理？",
        "undone": "已撤销：3 位客户已恢复原客户经理。",
        "view": "查看变更",
        "bulk": "将调整 2 位客户的客户经理？",
        "assigned": "carol 现由 m2 服务。",
        "run": "自动分配",
        "import": "导入此文件的 1 行（新建 1 行，修改 0 行）？",
        "reassigned": "已将 2 名客户分配给 m2。",
        "manual": "手动调整客户经理",
        "undo_two": "撤销该批次，让 2 位客户恢复原客户经理？",
        "undone_two": "已撤销：2 位客户已恢复原客户经理。",
    },
}


@pytest.fixture(params=["en-US", "zh-CN"])
def browser_context_args(request, browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": request.param}


@pytest.fixture
def words(browser_context_args):
    return WORDS[browser_context_args["locale"]]


@pytest.fixture
def admin_page(live_server, page, bank, browser_context_args):
    client = Client()
    client.force_login(UserFactory(username="boss", admin=True))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on("dialog", lambda dialog: page.js_errors.append(f"a native {dialog.type} dialog: {dialog.message}"))
    watch_csp(page)
    page.base_url = live_server.url
    page.shot = lambda name: screenshot(page, f"console-actions-{name}-{browser_context_args['locale']}")
    yield page
    assert page.js_errors == []
    assert csp_violations(page) == []  # the production policy refuses inline scripts and styles


def dialog_question(page):
    dialog = page.locator("[data-testid=confirm-dialog]")
    dialog.wait_for(state="visible")
    return dialog.locator("#confirm-dialog-question").inner_text()


def test_a_plan_is_applied_through_the_dialog_then_undone_from_the_notice(admin_page, words):
    page = admin_page
    page.goto(page.base_url + "/console/matching/")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=plan]")

    page.click("[data-testid=apply]")
    assert dialog_question(page) == words["apply"]
    page.shot("apply-dialog")
    page.click("[data-testid=confirm-dialog-no]")
    assert not page.is_visible("[data-testid=confirm-dialog]")
    assert not MatchingRun.objects.filter(preview__isnull=False).exists()  # declined: nothing applied

    page.click("[data-testid=apply]")
    assert dialog_question(page) == words["apply"]
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=run-notice]")
    run = MatchingRun.objects.get(preview__isnull=False)
    assert words["applied"] in page.inner_text(".messages")
    assert page.inner_text("h1").startswith(words["run"])  # named by kind, time and who, not a number
    page.shot("applied")

    page.click("[data-testid=notice-undo]")
    assert dialog_question(page) == words["undo"]
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=run-notice]")
    assert words["undone"] in page.inner_text(".messages")
    undo = MatchingRun.objects.get(kind=RunKind.UNDO, undo_of=run)
    assert CustomerProfile.objects.filter(manager__isnull=True).count() == 3

    page.get_by_role("link", name=words["view"]).first.click()
    page.wait_for_url(f"**/console/customers/?run={undo.pk}")
    assert sorted(page.locator("#bulk tbody tr td:nth-child(2) a").all_inner_texts()) == ["carol", "dave", "erin"]
    assert page.is_visible("[data-testid=run-filter]")
    page.shot("changes")


def test_view_changes_from_the_notice_lists_the_changed_customers(admin_page, words):
    page = admin_page
    page.goto(page.base_url + "/console/matching/")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=plan]")
    page.click("[data-testid=apply]")
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=run-notice]")

    page.click("[data-testid=notice-changes]")

    run = MatchingRun.objects.get(preview__isnull=False)
    page.wait_for_url(f"**/console/customers/?run={run.pk}")
    assert sorted(page.locator("#bulk tbody tr td:nth-child(2) a").all_inner_texts()) == ["carol", "dave", "erin"]


def test_reassigning_ticked_customers_asks_with_their_count(admin_page, bank, words):
    page = admin_page
    page.goto(page.base_url + "/console/customers/?unassigned=true")
    page.check(f"input[name=ids][value='{bank['customers']['carol'].pk}']")
    page.check(f"input[name=ids][value='{bank['customers']['dave'].pk}']")
    page.fill("#id_bulk_manager", "m2")
    page.fill("#id_bulk_reason", "closer")

    page.click("[data-testid=bulk-reassign]")
    assert dialog_question(page) == words["bulk"]
    page.click("[data-testid=confirm-dialog-yes]")

    page.wait_for_selector(".messages .alert-success")
    assert CustomerProfile.objects.filter(manager=bank["m2"]).count() == 2
    # A manual reassignment is a run too: its notice offers the changed customers and Undo.
    assert words["reassigned"] in page.inner_text(".messages")
    run = MatchingRun.objects.get(kind=RunKind.MANUAL)
    changes = page.get_attribute("[data-testid=notice-changes]", "href")
    assert changes == f"/console/customers/?run={run.pk}"
    listing = page.context.new_page()  # "View changes" in a tab of its own: the notice stays for Undo
    listing.goto(page.base_url + changes)
    assert sorted(listing.locator("#bulk tbody tr td:nth-child(2) a").all_inner_texts()) == ["carol", "dave"]
    assert listing.inner_text("[data-testid=run-filter]").count(words["manual"]) == 1
    listing.close()

    page.click("[data-testid=notice-undo]")
    assert dialog_question(page) == words["undo_two"]
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=run-notice]")
    assert words["undone_two"] in page.inner_text(".messages")
    assert CustomerProfile.objects.filter(manager=bank["m2"]).count() == 0
    page.shot("manual-undone")


def test_a_customer_is_given_a_candidate_from_the_ranked_table_with_a_reason(admin_page, bank, words):
    page = admin_page
    carol = bank["customers"]["carol"]
    page.goto(page.base_url + f"/console/customers/{carol.pk}/")

    page.click("[data-testid=assign-m2]")  # no reason yet: the browser asks for one, nothing is sent
    assert page.evaluate("document.getElementById('id_reason').validity.valueMissing")
    carol.refresh_from_db()
    assert carol.manager is None

    page.fill("#id_reason", "fits her needs")
    page.click("[data-testid=assign-m2]")
    page.wait_for_selector(".messages .alert-success")
    assert words["assigned"] in page.inner_text(".messages")
    carol.refresh_from_db()
    assert carol.manager == bank["m2"] and not carol.manager_locked  # locking is a choice of its own
    assert "fits her needs" in page.inner_text("[data-testid=history]")
    page.shot("assigned")


def test_the_template_is_downloaded_and_imports_as_it_is(admin_page, words, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = admin_page
    page.goto(page.base_url + "/console/import/")
    assert page.locator("[data-testid=columns-customers] tbody tr").count() == len(CUSTOMER_IMPORT_COLUMNS)
    page.shot("import")

    with page.expect_download() as download:
        page.click("[data-testid=template-customers-xlsx]")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "customers-template.xlsx"

    page.set_input_files("#id_file", str(template))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=confirm-import]")
    page.click("[data-testid=confirm-import]")
    assert dialog_question(page) == words["import"]
    page.click("[data-testid=confirm-dialog-yes]")
    page.wait_for_selector("[data-testid=next-steps]")
    assert CustomerProfile.objects.filter(user__username="customer001").exists()
    page.shot("imported")

    page.click("[data-testid=new-people]")
    page.wait_for_url("**/console/customers/?id_from=*")
    assert page.locator("#bulk tbody tr td:nth-child(2) a").first.inner_text() == "customer001"
    page.go_back()
    page.click("[data-testid=make-preview]")
    page.wait_for_url("**/console/matching/#preview")
