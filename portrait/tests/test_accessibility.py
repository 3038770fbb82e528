"""Every page for every role passes axe-core (issue 24): no serious or critical violation, in English and Chinese,
on a desktop and at a phone's width.

The pages are the access matrix's (`test_access_matrix.ROUTES`): each route a role may GET with a 200, filled
with the same world of customers, managers, runs and jobs, less the answers that are no page (`NOT_PAGES`).
One test per language and width; it signs each role in once and walks that role's pages, so a failure lists
every page and rule at once.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from core.testing.axe import axe_violations, describe
from portrait.tests.test_access_matrix import EXPECTED, ROLES, ROUTES, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: GET routes that answer 200 with something other than a page, and why they are not checked here.
NOT_PAGES = {
    "console:customer_export": "a CSV download",
    "console:import_template": "a CSV or .xlsx template download",
    "console:manager_report_export": "an .xlsx download",
    "console:report_overview_export": "an .xlsx download",
    "console:branch_report_export": "an .xlsx download",
    "portal:workspace_report_export": "an .xlsx download",
    "console:manager_suggestions": "an htmx fragment: the options of a manager box's datalist",
}
ROLES_CHECKED = ("anonymous", "customer", "manager", "admin")
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: Both languages, on a desktop and at a phone's width (menus folded, rows as cards): longer English words
#: wrap and overflow where Chinese does not.
VIEWS = [(language, width) for width in WIDTHS for language in ("en", "zh-hans")]


def pages_for(role: str) -> list[str]:
    """The route names `role` may open as pages, from the access matrix."""
    column = ROLES.index(role)
    return sorted(
        route.name for route in ROUTES
        if route.surface != "api"  # JSON, and the schema's docs page is Swagger UI's own
        and route.name not in NOT_PAGES
        and EXPECTED[route.name].get("get", ())[column:column + 1] == (200,)
    )


def test_every_role_has_pages_to_check():
    assert len(pages_for("admin")) > 15
    assert {"portal:me", "portal:password_change"} <= set(pages_for("customer"))
    assert {"portal:workspace", "portal:workspace_customer", "portal:workspace_profile"} <= set(pages_for("manager"))
    assert {"portal:login", "portal:register"} <= set(pages_for("anonymous"))
    assert set(NOT_PAGES) <= {route.name for route in ROUTES}


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_no_page_has_a_serious_accessibility_violation(live_server, browser, language, width):
    world = World()
    problems = []
    for role in ROLES_CHECKED:
        context = browser.new_context(locale="en-US", viewport=WIDTHS[width], timezone_id="Asia/Shanghai")
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if role != "anonymous":
            session = world.client(role, api=False).cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        page = context.new_page()
        try:
            for route in ROUTES:
                if route.name not in pages_for(role):
                    continue
                url = reverse(route.name, kwargs=world.kwargs(route))
                response = page.goto(live_server.url + url)
                assert response.status == 200, f"{url} as {role}: {response.status}"
                if violations := axe_violations(page):
                    problems.append(f"{url} as {role}:\n{describe(violations)}")
        finally:
            context.close()

    assert problems == [], "\n".join(problems)


#: The Django admin a superuser keeps data with: the index, and a list and a change form of each kind of data
#: staff look after there (the audit log is read-only: its change form is the event's page).
ADMIN_PAGES = [
    ("admin:index", None),
    *((f"admin:{model}_changelist", None) for model in (
        "customers_customerprofile", "managers_managerprofile", "vocabularies_branch", "audit_auditevent",
    )),
    *((f"admin:{model}_change", target) for model, target in (
        ("customers_customerprofile", "customer"), ("managers_managerprofile", "manager"),
        ("vocabularies_branch", "branch"), ("audit_auditevent", "event"),
    )),
]


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_django_admin_has_no_serious_accessibility_violation(live_server, browser, language, width):
    from accounts.tests.factories import UserFactory
    from audit.models import AuditEvent

    world = World()
    targets = {
        "customer": world.customer.pk, "manager": world.manager.pk, "branch": world.branch.pk,
        "event": AuditEvent.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = _signed_in_page(browser, live_server, superuser, viewport=WIDTHS[width])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    problems = []
    try:
        for name, target in ADMIN_PAGES:
            url = reverse(name, args=[targets[target]] if target else [])
            response = page.goto(live_server.url + url)
            assert response.status == 200, f"{url}: {response.status}"
            if violations := axe_violations(page):
                problems.append(f"{url}:\n{describe(violations)}")
    finally:
        page.context.close()

    assert problems == [], "\n".join(problems)


_SWAP_AWAITED = """() => { window.__swapped = false;
  document.body.addEventListener("htmx:afterSettle", () => { window.__swapped = true; }, {once: true}); }"""


def _swapped(page, trigger: str) -> None:
    """Run `trigger` (JavaScript that makes htmx ask the server) and wait until htmx has swapped the answer in."""
    page.evaluate(_SWAP_AWAITED)
    page.evaluate(trigger)
    page.wait_for_function("() => window.__swapped === true")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_htmx_fragments_once_swapped_in_have_no_serious_accessibility_violation(
    live_server, browser, language, width,
):
    """What htmx swaps into a page is checked as the page then is: the workspace's results after a filter
    changed, the state of a job still running (polled every second), a manager box's suggestions."""
    from jobs.models import BackgroundJob, JobStatus

    world = World()
    running = BackgroundJob.objects.create(kind="run", status=JobStatus.RUNNING, actor=world.admin, options={})
    steps = [
        ("manager", reverse("portal:workspace"),
         "document.querySelector('#id_customer_class').value = 'A'; htmx.trigger('#filters', 'change')"),
        ("admin", reverse("console:job", args=[running.pk]),
         f"htmx.ajax('GET', '{reverse('console:job', args=[running.pk])}', "
         "{target: '#job-state', swap: 'outerHTML'})"),
        ("admin", reverse("console:customers"),
         "document.querySelector('#id_manager').value = 'm'; htmx.trigger('#id_manager', 'focus')"),
    ]
    problems = []
    for role, url, trigger in steps:
        page = _signed_in_page(browser, live_server, world.user(role), viewport=WIDTHS[width])
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        try:
            assert page.goto(live_server.url + url).status == 200
            _swapped(page, trigger)
            if violations := axe_violations(page):
                problems.append(f"{url} as {role}, once swapped:\n{describe(violations)}")
        finally:
            page.context.close()

    assert problems == [], "\n".join(problems)


def _signed_in_page(browser, live_server, user, **context_args):
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        **{"locale": "en-US", "viewport": WIDTHS["desktop"], "timezone_id": "Asia/Shanghai", **context_args}
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


_FOCUSED = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return {tag: element.tagName, text: (element.innerText || element.name || "").trim().slice(0, 40),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def test_the_keyboard_reaches_the_page_with_a_visible_focus_ring(live_server, browser):
    """Tab from the top: the skip link first, then every stop shows a ring of at least 2 px."""
    world = World()
    page = _signed_in_page(browser, live_server, world.admin)
    try:
        page.goto(live_server.url + reverse("console:customers"))
        stops = []
        for _ in range(12):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(_FOCUSED))
    finally:
        page.context.close()

    assert stops[0]["text"] == "Skip to content"
    assert [stop for stop in stops if stop["outline"] == "none" or stop["width"] < 2] == []
    assert {"A", "INPUT", "BUTTON"} <= {stop["tag"] for stop in stops}


def test_every_chart_is_described_by_a_table_or_list_of_its_figures(live_server, browser):
    world = World()
    page = _signed_in_page(browser, live_server, world.admin)
    try:
        page.goto(live_server.url + reverse("console:dashboard"))
        described = [canvas.get_attribute("aria-describedby") for canvas in page.locator("canvas").all()]
        alternatives = {name: page.locator(f"#{name}") for name in described if name}
        rows = {name: alternative.locator("tr, .card").count() for name, alternative in alternatives.items()}
        page.locator("#table-classes").locator("xpath=..").locator("summary").click()  # opens with a click
        visible = page.locator("#table-classes").is_visible()
    finally:
        page.context.close()

    assert len(described) >= 5 and None not in described
    assert all(count > 0 for count in rows.values()), rows
    assert visible
