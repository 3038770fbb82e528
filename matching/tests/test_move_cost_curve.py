"""The rebalance preview's chart of moves against gain (issue 21.4): asked for when wanted (a job), a handful of
move costs planned together with the preview's own, on one load and one scoring of the data."""
from unittest import mock

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from jobs.services import job_enqueue
from matching import engine
from matching.capacity import move_cost_curve
from matching.models import JobKind, MatchingRun, Strategy
from matching.services.previews import CURVE_MOVE_COSTS, preview_create, preview_curve_compute

from .conftest import SERVICES

pytestmark = pytest.mark.django_db

GAINS = (3, 7, 12)  # what each customer gains by moving from the old manager (who offers nothing) to the new one


def _book(portraits, gains=GAINS):
    old = portraits.manager("m_old")
    portraits.manager("m_new", capabilities=SERVICES[:max(gains)])
    return [portraits.customer(needs=SERVICES[:gain], manager=old) for gain in gains]


def _curve(preview):
    return {point["move_cost"]: (point["moves"], point["score_gained"]) for point in preview.summary["move_cost_curve"]}


def _counting(name):
    return mock.patch.object(engine, name, side_effect=getattr(engine, name))


def test_a_preview_solves_its_own_move_cost_only(portraits):
    _book(portraits)
    with _counting("place_optimal") as optimal, _counting("place_greedy") as greedy:
        preview = preview_create(actor=None, rebalance=True, move_cost=6)
    # the chosen rule and the other, for the comparison: no curve unless asked for
    assert (optimal.call_count, greedy.call_count) == (1, 1)
    assert "move_cost_curve" not in preview.summary


def test_comparing_plans_a_handful_of_move_costs_with_the_preview_s_own(portraits):
    _book(portraits)
    preview = preview_curve_compute(preview=preview_create(actor=None, rebalance=True, move_cost=6), actor=None)
    curve = _curve(preview)
    assert list(curve) == sorted({*CURVE_MOVE_COSTS, 6})
    # A customer moves only when the move gains more than N.
    assert curve == {0: (3, 22), 5: (2, 19), 6: (2, 19), 10: (1, 12), 20: (0, 0), 40: (0, 0)}
    assert preview.summary["move_cost_curve_at"]
    assert MatchingRun.objects.get(pk=preview.pk).summary["move_cost_curve"] == preview.summary["move_cost_curve"]
    assert AuditEvent.objects.filter(action="matching.move_cost_curve", target_id=str(preview.pk)).exists()


def test_a_move_that_gains_exactly_the_move_cost_is_not_made_though_loads_would_even_out(portraits):
    # Four customers sit with the old manager, two with nothing to gain: moving the one that gains exactly 5
    # with the one that gains 12 would split the book two and two.
    _book(portraits, gains=(5, 12, 0, 0))
    preview = preview_create(actor=None, rebalance=True, move_cost=5)
    assert (preview.customers_moved, preview.summary["score_gained"]) == (1, 12)
    curve = _curve(preview_curve_compute(preview=preview, actor=None))
    assert (curve[0][1], curve[5], curve[10]) == (17, (1, 12), (1, 12))


def test_each_point_is_the_plan_a_preview_with_that_move_cost_makes(portraits):
    _book(portraits)
    curve = _curve(preview_curve_compute(preview=preview_create(actor=None, rebalance=True), actor=None))
    for move_cost, (moves, gained) in curve.items():
        alone = preview_create(actor=None, rebalance=True, move_cost=move_cost)
        assert (alone.customers_moved, alone.summary["score_gained"]) == (moves, gained), move_cost


def test_the_chosen_point_is_the_preview_itself_on_unchanged_data(portraits):
    _book(portraits)
    preview = preview_create(actor=None, rebalance=True, move_cost=10)
    assert _curve(preview_curve_compute(preview=preview, actor=None))[10] == (
        preview.customers_moved, preview.summary["score_gained"]
    )


def test_costs_above_one_that_moves_no_one_are_not_solved(portraits):
    _book(portraits)
    preview = preview_create(actor=None, rebalance=True)
    with _counting("place_optimal") as optimal, _counting("place_greedy") as greedy:
        preview_curve_compute(preview=preview, actor=None)
    # 0, 5 and 10 move someone; 20 moves no one, so 40 moves no one and gains the same: not solved
    assert (optimal.call_count, greedy.call_count) == (4, 0)


@pytest.mark.parametrize(
    "options", [{"strategy": Strategy.GREEDY, "rebalance": True}, {"strategy": Strategy.OPTIMAL, "rebalance": False}],
)
def test_only_a_rebalance_with_the_optimal_rule_has_a_curve(portraits, options):
    _book(portraits)
    with pytest.raises(ValidationError):
        preview_curve_compute(preview=preview_create(actor=None, **options), actor=None)


def test_the_curve_costs_no_query_more_for_a_larger_pool(portraits):
    _book(portraits, gains=(3,))
    preview = preview_create(actor=None, rebalance=True)
    with CaptureQueriesContext(connection) as small:
        preview_curve_compute(preview=preview, actor=None)
    portraits.customer(needs=SERVICES[:5], manager=None)
    for gain in (2, 9, 14):
        portraits.customer(needs=SERVICES[:gain])
    with CaptureQueriesContext(connection) as large:
        preview_curve_compute(preview=preview, actor=None)
    assert len(large) == len(small)


def test_the_job_plans_the_curve_and_names_the_preview(portraits):
    _book(portraits)
    preview = preview_create(actor=None, rebalance=True)
    job = job_enqueue(kind=JobKind.CURVE, actor=None, options={"preview": preview.pk})
    assert job.status == "succeeded", job.error
    assert job.run_id == preview.pk and job.result["move_costs"] == len(CURVE_MOVE_COSTS)
    assert _curve(MatchingRun.objects.get(pk=preview.pk))[0] == (3, 22)


# --- planned together equals planned apart (the engine alone, random small pools) ----------------------


def _apart(totals, kwargs, current, costs, eligibility=None):
    figures = []
    staying = int(np.where(current >= 0, totals[np.arange(len(current)), np.maximum(current, 0)], 0).sum())
    for n in costs:
        placement = engine.place_optimal(
            totals, np.zeros(len(current), int), **kwargs, current=current, move_cost=n, eligibility=eligibility
        )
        figures.append((int(((current >= 0) & (placement.assigned != current)).sum()),
                        placement.total_score - staying))
    return figures


@pytest.mark.parametrize("seed", range(12))
def test_the_curve_equals_solving_each_move_cost_apart(seed):
    rng = np.random.default_rng(seed)
    n_customers, n_managers = int(rng.integers(5, 40)), int(rng.integers(2, 7))
    totals = rng.integers(0, int(rng.choice([3, 12, 40])), (n_customers, n_managers))  # flat and varied scores
    capacity = rng.integers(1, 2 * n_customers // n_managers + 2, n_managers)
    kwargs = {"eligible": rng.random(n_managers) < 0.9, "capacity": capacity, "load": np.zeros(n_managers, int)}
    current = np.where(rng.random(n_customers) < 0.8, rng.integers(0, n_managers, n_customers), -1)
    eligibility = None
    if seed % 3 == 0:  # branches: two groups, each allowed a part of the team
        allowed = rng.random((2, n_managers)) < 0.7
        allowed[:, 0] = True
        eligibility = engine.Eligibility(rng.integers(0, 2, n_customers), allowed)
    costs = sorted({0, 1, 2, 3, 5, 8, 13, 40, int(rng.integers(0, 20))})
    points = move_cost_curve(
        totals, np.zeros(n_customers, int), **kwargs, current=current, move_costs=costs, eligibility=eligibility
    )
    assert [(p.moves, p.score_gained) for p in points] == _apart(totals, kwargs, current, costs, eligibility)
    assert [p.move_cost for p in points] == costs


def test_with_region_penalties_every_cost_is_solved():
    rng = np.random.default_rng(7)
    totals = rng.integers(0, 10, (30, 4))
    kwargs = {"eligible": np.ones(4, bool), "capacity": np.full(4, 10), "load": np.zeros(4, int)}
    current = rng.integers(0, 4, 30)
    eligibility = engine.Eligibility(np.zeros(30, np.intp), np.ones((1, 4), bool), np.array([[0, 2, 2, 0]]))
    costs = [0, 5, 10, 20, 40]
    with _counting("place_optimal") as optimal:
        points = move_cost_curve(
            totals, np.zeros(30, int), **kwargs, current=current, move_costs=costs, eligibility=eligibility
        )
    assert optimal.call_count == len(costs) and all(p.solved for p in points)
    assert [(p.moves, p.score_gained) for p in points] == _apart(totals, kwargs, current, costs, eligibility)
