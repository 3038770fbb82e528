"""An optimal rebalance leaves today's plan behind: the first evaluation after it, on the data it wrote, solves
only the scenario; any change to what a plan depends on makes today's be solved again."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from customers.services import customer_branch_set
from matching.capacity_report import scenario_report
from matching.models import Strategy
from matching.selectors import plan_inputs_stamp
from matching.services import manager_availability_update
from matching.services.runs import run_automatic
from planning.selectors import result_current
from planning.services import scenario_create, scenario_evaluate

pytestmark = pytest.mark.django_db


def scenario(pool):
    return scenario_create(name="a+1", actor=pool.admin, changes={"capacity": {str(pool.a.pk): 3}})


@pytest.mark.parametrize("policy", ["branch", "none"])
@pytest.mark.parametrize("move_cost", [0, 5])
def test_a_first_evaluation_after_an_optimal_rebalance_takes_todays_plan_from_the_run(
    pool, solves, settings, policy, move_cost
):
    settings.PORTRAIT_BRANCH_POLICY = policy
    report = run_automatic(strategy=Strategy.OPTIMAL, rebalance=True, move_cost=move_cost, actor=pool.admin)
    assert report.changes  # the run wrote: the plan is kept for the data as written
    evaluated = scenario_evaluate(scenario=scenario(pool), move_cost=move_cost)

    assert solves == ["scenario"]
    assert result_current(evaluated.result, plan_inputs_stamp())
    # The same figures as solving today's plan afresh on these data.
    assert evaluated.result["today"] == asdict(scenario_report(move_cost=move_cost).today)
    assert evaluated.result["today"]["moves"] == 0


@pytest.mark.parametrize("change", ["customer_branch", "capacity", "policy"])
def test_a_change_after_the_run_solves_todays_plan_again(pool, solves, settings, change):
    run_automatic(strategy=Strategy.OPTIMAL, rebalance=True, actor=pool.admin)
    evaluated = scenario(pool)
    before = dict(scenario_evaluate(scenario=evaluated).result)
    if change == "customer_branch":
        customer_branch_set(customer=pool.customers[0], branch=pool.sh, actor=pool.admin)
    elif change == "capacity":
        manager_availability_update(manager=pool.c, actor=pool.admin, capacity=6)
    else:
        settings.PORTRAIT_BRANCH_POLICY = "region"
    assert result_current(before, plan_inputs_stamp()) is False
    solves.clear()

    after = scenario_evaluate(scenario=evaluated)

    assert solves == ["today", "scenario"]
    assert result_current(after.result, plan_inputs_stamp())


@pytest.mark.parametrize("run", [
    {"strategy": Strategy.GREEDY, "rebalance": True},
    {"strategy": Strategy.OPTIMAL, "rebalance": False},
    {"strategy": Strategy.OPTIMAL, "rebalance": True, "move_cost": 5},  # another move cost than the evaluation's
])
def test_only_an_optimal_rebalance_with_the_same_move_cost_stands_for_today(pool, solves, run):
    run_automatic(actor=pool.admin, **run)
    scenario_evaluate(scenario=scenario(pool))
    assert solves == ["today", "scenario"]
