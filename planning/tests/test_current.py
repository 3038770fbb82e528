"""Today's plan is solved once per state of the data: a scenario evaluated on unchanged data takes today's from
the newest evaluation; any change to what a plan depends on (`matching.selectors.plan_inputs_stamp`) makes
stored results out of date."""
from __future__ import annotations

import pytest

from customers.services import customer_branch_set
from matching.selectors import plan_inputs_stamp
from matching.services import manager_availability_update
from matching.tests.conftest import SERVICES
from planning.selectors import result_current, scenario_today_stored
from planning.services import capacity_plan_figures, scenario_create, scenario_evaluate
from vocabularies.models import Service

pytestmark = pytest.mark.django_db


def scenarios(pool):
    return (
        scenario_create(name="a+1", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 3}}),
        scenario_create(name="no b", actor=pool.admin, changes={"removed": [pool.b.pk]}),
    )


def test_a_second_evaluation_on_the_same_data_reuses_todays_plan(pool, solves):
    first, second = scenarios(pool)
    scenario_evaluate(scenario=first)
    scenario_evaluate(scenario=second)

    assert solves == ["today", "scenario", "scenario"]
    assert second.result["today"] == first.result["today"] and second.result["stamp"] == first.result["stamp"]
    # The same answer as solving it again.
    solves.clear()
    assert scenario_today_stored(stamp=plan_inputs_stamp(), move_cost=0) == first.result["today"]


def test_todays_plan_is_solved_again_for_another_move_cost_or_after_a_change(pool, solves):
    first, second = scenarios(pool)
    scenario_evaluate(scenario=first)
    scenario_evaluate(scenario=second, move_cost=5)
    manager_availability_update(manager=pool.c, actor=pool.admin, capacity=6)
    scenario_evaluate(scenario=first)

    assert solves == ["today", "scenario"] * 3


@pytest.mark.parametrize("change", [
    "capacity", "customer_branch", "manager_deactivated", "customer_deleted", "service_deleted", "branch_region",
    "policy",
])
def test_what_a_plan_depends_on_moves_the_stamp(pool, settings, change):
    before = plan_inputs_stamp()
    if change == "capacity":
        manager_availability_update(manager=pool.a, actor=pool.admin, capacity=3)
    elif change == "customer_branch":
        customer_branch_set(customer=pool.customers[0], branch=pool.sh, actor=pool.admin)
    elif change == "manager_deactivated":
        pool.b.user.is_active = False
        pool.b.user.save(update_fields=["is_active"])
    elif change == "customer_deleted":
        pool.customers[-1].user.delete()
    elif change == "service_deleted":
        Service.objects.filter(pk=pool.portraits.services[SERVICES[0]].pk).delete()
    elif change == "branch_region":
        pool.sh.region = "华东"
        pool.sh.save()
    else:
        settings.PORTRAIT_BRANCH_POLICY = "region"
    assert plan_inputs_stamp() != before


def test_results_say_whether_they_are_current(pool):
    scenario, _other = scenarios(pool)
    assert result_current(scenario.result, plan_inputs_stamp()) is None
    scenario_evaluate(scenario=scenario)
    plan = capacity_plan_figures(move_cost=0)
    stamp = plan_inputs_stamp()
    assert result_current(scenario.result, stamp) and result_current(plan, stamp)

    manager_availability_update(manager=pool.a, actor=pool.admin, capacity=4)

    stamp = plan_inputs_stamp()
    assert result_current(scenario.result, stamp) is False and result_current(plan, stamp) is False
    assert result_current({"today": {}, "scenario": {}}, stamp) is False  # computed before stamps were kept
