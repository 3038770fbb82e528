"""Lists on a phone (issue 24, finding 14): the filters fold away, rows become cards with every value named, no
column is cut off, and sortable headings show which one sorts and which way; on a desktop the filters are open.
The workspace (a manager) and the console's customers, managers and audit log (an administrator), in both
languages.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portrait.tests.test_access_matrix import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LISTS = {
    "manager": ["portal:workspace"],
    "admin": ["console:customers", "console:managers", "console:audit"],
}

_LAYOUT = """() => {
  const table = document.querySelector("table.table-cards");
  const row = table.querySelector("tbody tr");
  const cells = [...row.querySelectorAll("td")];
  const region = table.closest(".table-responsive");
  return {
    pageOverflows: document.documentElement.scrollWidth > window.innerWidth,
    regionOverflows: region.scrollWidth > region.clientWidth,
    rowDisplay: getComputedStyle(row).display,
    cellsOutside: cells.filter((cell) => cell.getBoundingClientRect().right > window.innerWidth + 1).length,
    unnamed: cells.filter((cell) => cell.dataset.label
                                    && getComputedStyle(cell, "::before").content !== `"${cell.dataset.label}"`).length,
  };
}"""


def _page(browser, live_server, user, *, viewport, language):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-US", viewport=viewport, timezone_id="Asia/Shanghai")
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
         "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
    ])
    return context.new_page()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_on_a_phone_lists_fold_their_filters_and_show_rows_as_cards(live_server, browser, language):
    world = World()
    for role, names in LISTS.items():
        page = _page(browser, live_server, world.user(role), viewport=PHONE, language=language)
        try:
            for name in names:
                page.goto(live_server.url + reverse(name))
                disclosure = page.locator("details[data-open-wide]")
                filters_closed = [disclosure.count() == 0 or not disclosure.evaluate("d => d.open")]
                if disclosure.count():
                    disclosure.locator("summary").click()  # one tap opens them
                    filters_closed.append(not disclosure.evaluate("d => d.open"))
                layout = page.evaluate(_LAYOUT)

                assert filters_closed in ([True], [True, False]), name
                assert layout == {"pageOverflows": False, "regionOverflows": False, "rowDisplay": "block",
                                  "cellsOutside": 0, "unnamed": 0}, name
        finally:
            page.context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_sortable_headings_say_which_sorts_and_which_way_on_a_phone_too(live_server, browser, language):
    world = World()
    hint = "点击列标题即可按该列排序" if language == "zh-hans" else "Select a column heading to sort by it"
    for role, name, key in (("manager", "portal:workspace", "age"), ("admin", "console:customers", "age")):
        page = _page(browser, live_server, world.user(role), viewport=PHONE, language=language)
        try:
            page.goto(f"{live_server.url}{reverse(name)}?sort=-{key}")
            heading = page.locator(f"th:has(a[data-sort='{key}'])")
            sorted_state = heading.get_attribute("aria-sort")
            arrow = heading.locator(".bi-caret-down-fill").is_visible()
            others = page.locator("th.sortable:not([aria-sort])")
            other_hints = others.locator(".sort-hint").count() == others.count() > 0
            heading.locator("a").click()
            page.wait_for_url(f"**sort={key}**")
            reversed_state = page.locator(f"th:has(a[data-sort='{key}'])").get_attribute("aria-sort")
            caption = page.get_by_test_id("sort-hint").inner_text()
        finally:
            page.context.close()

        assert (sorted_state, arrow, other_hints, reversed_state) == ("descending", True, True, "ascending"), name
        assert hint in caption, name


def test_on_a_desktop_the_filters_are_open(live_server, browser):
    world = World()
    page = _page(browser, live_server, world.admin, viewport=DESKTOP, language="en")
    try:
        page.goto(live_server.url + reverse("console:customers"))
        opened = page.locator("details[data-open-wide]").evaluate("d => d.open")
        rows = page.evaluate("getComputedStyle(document.querySelector('table.table-cards tbody tr')).display")
    finally:
        page.context.close()

    assert opened and rows == "table-row"
