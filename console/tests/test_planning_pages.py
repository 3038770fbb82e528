"""Capacity planning in the console: the newest plan and its recompute button, scenarios saved, evaluated,
compared and applied; in both languages, at a bounded number of queries, for admins only."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from customers.models import CustomerProfile
from jobs.services import job_enqueue
from managers.models import ManagerProfile
from matching.services import manager_availability_update
from matching.tests.conftest import SERVICES
from planning.jobs import CAPACITY_JOB
from planning.models import CapacityScenario
from planning.services import scenario_create
from planning.tests.conftest import build_pool
from planning.tests.test_services import added_manager, digest

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def pool(db, settings):
    return build_pool(settings)


@pytest.fixture
def admin(pool):
    client = Client()
    client.force_login(pool.admin)
    return client


def test_the_capacity_page_asks_for_a_first_plan_in_both_languages(admin):
    english = admin.get(reverse("console:capacity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = admin.get(reverse("console:capacity"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "No plan computed yet" in english and 'data-testid="capacity-none"' in english
    assert "Capacity planning" not in chinese and "服务上限规划" in chinese


def test_recompute_shows_every_managers_four_numbers_in_bounded_queries(admin, pool, django_assert_max_num_queries):
    response = admin.post(reverse("console:capacity_recompute"), {"move_cost": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("console:capacity")

    with django_assert_max_num_queries(15):  # 6 of them: whether the plan is current (plan_inputs_stamp)
        page = admin.get(reverse("console:capacity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    seats = page.split('data-testid="seat-table"')[1]
    assert all(f'data-manager="{name}"' in seats for name in ("a", "b", "c"))
    assert reverse("console:manager", args=[pool.a.pk]) in seats
    assert "cost of a move 2 points" in page
    assert 'id="capacity-data"' in page and 'id="chart-seats"' in page
    top = page.split('data-testid="top-branches"')[1].split("</table>")[0]
    assert "北京分行" in top
    short = page.split('data-testid="short-groups"')[1].split("</table>")[0]
    assert "Private banking customers" in short
    chinese = admin.get(reverse("console:capacity"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "私人银行客户" in chinese.split('data-testid="short-groups"')[1]


def test_the_seat_table_sorts(admin):
    admin.post(reverse("console:capacity_recompute"), {"move_cost": "0"})

    page = admin.get(reverse("console:capacity"), {"sort": "-manager"}).content.decode()

    table = page.split('data-testid="seat-table"')[1]
    assert table.index('data-manager="c"') < table.index('data-manager="b"') < table.index('data-manager="a"')
    assert 'aria-sort="descending"' in table


def test_a_bad_move_cost_is_refused(admin):
    response = admin.post(reverse("console:capacity_recompute"), {"move_cost": "-1"}, follow=True)
    assert not CapacityScenario.objects.exists()
    assert response.status_code == 200 and b"alert-danger" in response.content


def scenario_form(pool, **fields) -> dict:
    data = {
        "name": "北京加座", "capacity-TOTAL_FORMS": "3", "capacity-INITIAL_FORMS": "0",
        "capacity-0-manager": str(pool.a.pk), "capacity-0-capacity": "4",
        "added-TOTAL_FORMS": "2", "added-INITIAL_FORMS": "0",
        "added-0-name": "新经理", "added-0-capacity": "3", "added-0-branch": str(pool.sh.pk),
        "added-0-tiers": ["private"], "added-0-capabilities": [str(pool.portraits.services["S00"].pk)],
    }
    data.update(fields)
    return data


def test_a_scenario_is_saved_from_the_form_evaluated_and_shown_beside_today(admin, pool, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert admin.get(reverse("console:scenario_create")).status_code == 200

    response = admin.post(reverse("console:scenario_create"), scenario_form(pool))
    scenario = CapacityScenario.objects.get()
    assert response["Location"] == reverse("console:scenario", args=[scenario.pk])
    assert scenario.changes == {
        "capacity": {str(pool.a.pk): 4},
        "added": [{"name": "新经理", "capabilities": [pool.portraits.services["S00"].pk], "hobbies": [],
                   "branch": pool.sh.pk, "tiers": ["private"], "capacity": 3}],
    }
    before = (digest(CustomerProfile), digest(ManagerProfile))

    response = admin.post(reverse("console:scenario_evaluate", args=[scenario.pk]), {"move_cost": "1"})

    assert response["Location"] == reverse("console:scenario", args=[scenario.pk])
    assert (digest(CustomerProfile), digest(ManagerProfile)) == before
    with django_assert_max_num_queries(15):
        page = admin.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    figures = page.split('data-testid="scenario-figures"')[1]
    assert "Left unassigned" in figures and 'id="scenario-data"' in page
    assert "Apply these capacities" not in page  # it adds a manager too
    chinese = admin.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未能分配" in chinese.split('data-testid="scenario-figures"')[1]


def test_the_form_shows_what_is_wrong(admin, pool):
    response = admin.post(reverse("console:scenario_create"), scenario_form(
        pool, **{"capacity-0-capacity": "", "added-0-name": ""},
    ))
    assert response.status_code == 200 and not CapacityScenario.objects.exists()
    assert b"text-danger" in response.content or b"alert-danger" in response.content


def test_an_empty_scenario_is_refused_with_the_models_message(admin, pool):
    response = admin.post(reverse("console:scenario_create"), scenario_form(
        pool, **{"capacity-0-manager": "", "capacity-0-capacity": "", "added-0-name": "", "added-0-capacity": ""},
    ), HTTP_ACCEPT_LANGUAGE="en")
    assert b"A scenario changes at least one thing" in response.content
    assert not CapacityScenario.objects.exists()


def test_editing_keeps_the_rows(admin, pool):
    scenario = scenario_create(name="x", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 4},
                                                                    "removed": [pool.b.pk]})
    page = admin.get(reverse("console:scenario_edit", args=[scenario.pk])).content.decode()
    assert f'<option value="{pool.a.pk}" selected>' in page and 'value="4"' in page

    admin.post(reverse("console:scenario_edit", args=[scenario.pk]), {
        "name": "y", "removed": [str(pool.b.pk)], "capacity-TOTAL_FORMS": "1", "capacity-INITIAL_FORMS": "0",
        "capacity-0-manager": str(pool.a.pk), "capacity-0-capacity": "5",
        "added-TOTAL_FORMS": "0", "added-INITIAL_FORMS": "0",
    })
    scenario.refresh_from_db()
    assert scenario.name == "y" and scenario.changes == {"capacity": {str(pool.a.pk): 5}, "removed": [pool.b.pk]}


def test_scenarios_are_listed_and_compared_side_by_side(admin, pool, django_assert_max_num_queries):
    first = scenario_create(name="more", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 4}})
    second = scenario_create(name="private", actor=pool.admin, changes={"added": [added_manager(pool)]})
    third = scenario_create(name="fewer", actor=pool.admin, changes={"removed": [pool.b.pk]})
    for scenario in (first, second):
        admin.post(reverse("console:scenario_evaluate", args=[scenario.pk]), {"move_cost": "0"})

    listed = admin.get(reverse("console:scenarios")).content.decode()
    assert all(name in listed for name in ("more", "private", "fewer"))
    with django_assert_max_num_queries(16):
        page = admin.get(
            reverse("console:scenario_compare"), {"scenario": [first.pk, second.pk, third.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    table = page.split('data-testid="scenario-comparison"')[1]
    assert table.index("fewer") < table.index("more") < table.index("private")
    assert "Not evaluated yet." in page
    assert "(+1)" in table  # the private banking manager places one more

    alone = admin.get(reverse("console:scenario_compare"), {"scenario": [first.pk]})
    assert alone.status_code == 302


def test_results_computed_before_a_change_say_they_are_out_of_date_and_offer_to_compute_again(admin, pool):
    scenario = scenario_create(name="more", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 4}})
    admin.post(reverse("console:scenario_evaluate", args=[scenario.pk]), {"move_cost": "2"})
    admin.post(reverse("console:capacity_recompute"), {"move_cost": "2"})
    pages = {
        "capacity": reverse("console:capacity"), "scenario": reverse("console:scenario", args=[scenario.pk]),
        "list": reverse("console:scenarios"),
    }
    assert not any("-stale" in admin.get(url).content.decode() for url in pages.values())

    manager_availability_update(manager=pool.c, actor=pool.admin, capacity=7)

    english = {name: admin.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() for name, url in pages.items()}
    chinese = {name: admin.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode() for name, url in pages.items()}
    assert all("-stale" in page for page in english.values())
    assert "Out of date" in english["capacity"] and "过时" in chinese["capacity"]
    assert "Evaluate again on today" in english["scenario"] and "过时" in chinese["scenario"]
    stale = english["capacity"].split('data-testid="capacity-stale"')[1]
    assert reverse("console:capacity_recompute") in stale and 'name="move_cost" value="2"' in stale
    stale = english["scenario"].split('data-testid="scenario-stale"')[1]
    assert reverse("console:scenario_evaluate", args=[scenario.pk]) in stale and 'value="2"' in stale

    admin.post(reverse("console:scenario_evaluate", args=[scenario.pk]), {"move_cost": "2"})
    assert "-stale" not in admin.get(pages["scenario"]).content.decode()
    compared = admin.get(reverse("console:scenario_compare"), {"scenario": [scenario.pk, scenario_create(
        name="other", actor=pool.admin, changes={"removed": [pool.b.pk]}).pk]}).content.decode()
    assert "-stale" not in compared


def test_a_capacity_scenario_is_applied_after_a_confirmation_with_the_count(admin, pool):
    scenario = scenario_create(name="少一座", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 1}})
    page = admin.get(reverse("console:scenario", args=[scenario.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Set the capacity of 1 manager as this scenario says?" in page

    asked = admin.post(reverse("console:scenario_apply", args=[scenario.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200 and b'data-testid="confirmation"' in asked.content
    assert b"1 manager keeps more customers than the new capacity" in asked.content
    pool.a.refresh_from_db()
    assert pool.a.capacity == 2

    done = admin.post(reverse("console:scenario_apply", args=[scenario.pk]), {"confirmed": "yes"})

    assert done.status_code == 302
    pool.a.refresh_from_db()
    assert pool.a.capacity == 1
    assert AuditEvent.objects.filter(action="planning.scenario_applied", actor=pool.admin).count() == 1


def test_managers_and_customers_are_refused(pool):
    scenario = scenario_create(name="x", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 4}})
    for user in (pool.a.user, pool.customers[0].user):
        client = Client()
        client.force_login(user)
        for name, args in (("console:capacity", []), ("console:scenarios", []), ("console:scenario", [scenario.pk]),
                           ("console:scenario_create", [])):
            assert client.get(reverse(name, args=args)).status_code == 403
        apply = client.post(reverse("console:scenario_apply", args=[scenario.pk]), {"confirmed": "yes"})
        assert apply.status_code == 403
    pool.a.refresh_from_db()
    assert pool.a.capacity == 2


def test_the_capacity_page_reads_the_same_number_of_queries_for_more_managers(pool, client):
    client.force_login(pool.admin)

    def queries() -> int:
        job_enqueue(kind=CAPACITY_JOB, actor=pool.admin, options={"move_cost": 0})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("console:capacity")).status_code == 200
        return len(captured)

    few = queries()
    for i in range(6):
        pool.portraits.manager(f"extra{i}", capabilities=SERVICES[i:i + 2], capacity=2, branch=pool.bj)
        scenario_create(name=f"s{i}", actor=pool.admin, changes={"removed": [pool.b.pk]})
    assert queries() == few
