"""Capacity planning: seat values equal re-solving with the capacity changed; the move-cost curve; what-if
scenarios. No database."""

import numpy as np
import pytest

from matching.capacity import (
    HypotheticalManager,
    Scenario,
    move_cost_curve,
    plan_figures,
    seat_values,
    seat_values_by,
    shortfall_by_group,
    solve_scenario,
)
from matching.engine import Eligibility, TermTotals, eligibility_groups, place_optimal
from matching.tests.test_eligibility import exact_optimum, team


def resolved(totals, kwargs, eligibility=None, current=None, move_cost=0):
    """(placed, objective) of an exact optimum (linear_sum_assignment), capacity 0 allowed."""
    n, m = totals.shape
    if eligibility is None:
        eligibility = Eligibility(np.zeros(n, np.intp), np.ones((1, m), bool))
    return exact_optimum(totals, kwargs, eligibility, current, move_cost)


def with_capacity(kwargs, j, change):
    capacity = kwargs["capacity"].copy()
    capacity[j] += change
    return {**kwargs, "capacity": capacity}


def assert_seat_values_equal_re_solving(totals, kwargs, eligibility=None, current=None, move_cost=0, **limits):
    values = seat_values(
        totals, **kwargs, eligibility=eligibility, current=current, move_cost=move_cost, **limits
    )
    matrix = totals.rows(slice(None)).astype(np.int64) if isinstance(totals, TermTotals) else totals
    placed, score = resolved(matrix, kwargs, eligibility, current, move_cost)
    assert (int((values.placement.assigned >= 0).sum()), values.placement.objective) == (placed, score)
    for j in range(matrix.shape[1]):
        plus = resolved(matrix, with_capacity(kwargs, j, 1), eligibility, current, move_cost)
        minus = resolved(matrix, with_capacity(kwargs, j, -1), eligibility, current, move_cost)
        assert (values.placed_plus[j], values.score_plus[j]) == (plus[0] - placed, plus[1] - score), j
        assert (values.placed_minus[j], values.score_minus[j]) == (minus[0] - placed, minus[1] - score), j
    return values


# --- by hand ----------------------------------------------------------------------------------------


def test_seats_where_room_is_short_place_one_more_customer_at_what_the_seat_scores():
    # Three customers, one seat at each of two managers; manager 1 scores 0 with everyone.
    totals = np.array([[5, 0], [4, 0], [3, 0]])
    values = seat_values(totals, **team([1, 1]))
    assert values.placement.total_score == 5  # 5 at manager 0, someone at manager 1 for 0, one left out
    np.testing.assert_array_equal(values.placed_plus, [1, 1])
    np.testing.assert_array_equal(values.score_plus, [4, 0])  # manager 0 takes the 4 too; manager 1 a 0
    np.testing.assert_array_equal(values.placed_minus, [-1, -1])
    np.testing.assert_array_equal(values.score_minus, [-5, 0])  # without manager 0's seat, the 5 is lost


def test_a_spare_seat_is_worth_nothing_and_a_contested_one_what_the_runner_up_loses():
    totals = np.array([[5, 0], [4, 0], [3, 0]])
    values = seat_values(totals, **team([2, 2]))  # everyone fits: 5 and 4 at manager 0, 3 at manager 1
    np.testing.assert_array_equal(values.placed_plus, [0, 0])
    np.testing.assert_array_equal(values.score_plus, [3, 0])
    np.testing.assert_array_equal(values.placed_minus, [0, 0])
    np.testing.assert_array_equal(values.score_minus, [-4, 0])  # manager 1 has a seat to spare


def test_a_manager_who_takes_no_customers_has_seats_worth_nothing():
    totals = np.array([[5, 7]])
    values = seat_values(totals, **team([1, 1], eligible=[True, False]))
    for numbers in (values.placed_plus, values.score_plus, values.placed_minus, values.score_minus):
        assert numbers[1] == 0


def test_seat_values_reject_capacity_of_the_wrong_shape_naming_it():
    with pytest.raises(ValueError, match=r"capacity must be integer of shape \(2,\)"):
        seat_values(np.ones((1, 2), int), eligible=np.ones(2, bool), capacity=np.ones(3, int), load=np.zeros(2, int))


# --- against re-solving -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(10))
def test_seat_values_equal_re_solving_with_the_capacity_changed(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 25)), int(rng.integers(1, 6))
    totals = rng.integers(0, 9, (n, m))
    # Even seeds: room short of the customers; odd: room to spare (seats worth nothing).
    capacity = rng.integers(1, 3 if seed % 2 == 0 else 9, m)
    assert_seat_values_equal_re_solving(totals, team(capacity, load=rng.integers(0, 2, m)))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("max_arcs", [10**6, 30])  # every pair; a few candidates and columns added
def test_seat_values_with_eligibility_penalty_and_move_cost_equal_re_solving(seed, max_arcs):
    rng = np.random.default_rng(100 + seed)
    n, m, n_groups = int(rng.integers(1, 25)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
    totals = rng.integers(0, 9, (n, m))
    eligibility = Eligibility(
        rng.integers(0, n_groups, n), rng.random((n_groups, m)) < 0.6, rng.integers(0, 3, (n_groups, m))
    )
    kwargs = team(rng.integers(1, 5, m), load=rng.integers(0, 3, m), eligible=rng.random(m) < 0.9)
    assert_seat_values_equal_re_solving(
        totals, kwargs, eligibility, current=rng.integers(-1, m, n), move_cost=int(rng.integers(0, 4)),
        max_arcs=max_arcs, max_candidates=1,
    )


@pytest.mark.parametrize("policy", ["branch", "region", "none"])
def test_seat_values_under_branch_policies_from_terms_equal_re_solving(policy):
    rng = np.random.default_rng(7)
    n, m = 30, 6
    terms = (rng.random((n + m, 12)) < 0.45).astype(np.uint8)
    totals = TermTotals(terms[:n, :6], terms[:n, 6:], terms[n:, :6], terms[n:, 6:])
    eligibility = eligibility_groups(
        rng.integers(-1, 3, n), rng.integers(0, 2, n), np.array([0, 0, 1, 1, 2, -1]),
        rng.random((m, 2)) < 0.8, np.array([0, 0, 1]), policy=policy, region_penalty=2,
    )
    assert_seat_values_equal_re_solving(totals, team(np.array([3, 2, 4, 1, 3, 2])), eligibility)


def test_seat_values_from_a_pruned_start_are_certified_exact():
    rng = np.random.default_rng(3)
    totals = rng.integers(0, 9, (40, 6))
    kwargs = team(rng.integers(2, 6, 6))
    values = assert_seat_values_equal_re_solving(totals, kwargs, max_arcs=40, max_candidates=1)
    assert values.placement.objective == resolved(totals, kwargs)[1]


# --- move-cost curve ----------------------------------------------------------------------------------


def test_move_cost_curve_moves_fewer_customers_as_moving_costs_more():
    rng = np.random.default_rng(4)
    totals = rng.integers(0, 12, (60, 5))
    kwargs = team(np.full(5, 30))  # room for everyone where they are
    current = rng.integers(0, 5, 60)
    points = move_cost_curve(
        totals, np.zeros(60, int), **kwargs, current=current, move_costs=[0, 1, 3, 100]
    )
    assert [p.move_cost for p in points] == [0, 1, 3, 100]
    moves = [p.moves for p in points]
    assert moves == sorted(moves, reverse=True) and moves[-1] == 0 < moves[0]
    gains = [p.score_gained for p in points]
    assert gains == sorted(gains, reverse=True) and gains[-1] == 0
    # N = 0 is today's rebalance.
    plain = place_optimal(totals, np.zeros(60, int), **kwargs)
    assert points[0].placement.total_score == plain.total_score
    staying = int(totals[np.arange(60), current].sum())
    assert gains[0] == plain.total_score - staying


def test_move_cost_curve_rejects_a_negative_move_cost():
    with pytest.raises(ValueError, match="non-negative"):
        move_cost_curve(np.ones((1, 1), int), np.zeros(1, int), **team([1]), current=np.zeros(1, int),
                        move_costs=[-1])


# --- scenarios ------------------------------------------------------------------------------------


def scenario_pool(seed=9, n=40, m=5):
    rng = np.random.default_rng(seed)
    terms = (rng.random((n + m + 1, 12)) < 0.45).astype(np.uint8)
    customers, managers, extra = terms[:n], terms[n:n + m], terms[n + m]
    return {
        "customer_needs": customers[:, :6], "customer_hobbies": customers[:, 6:],
        "manager_capabilities": managers[:, :6], "manager_hobbies": managers[:, 6:],
        **team(np.full(m, 7)), "current": rng.integers(-1, m, n),
    }, extra


def test_todays_scenario_is_todays_optimal_plan():
    pool, _ = scenario_pool()
    result = solve_scenario(**pool)
    totals = TermTotals(pool["customer_needs"], pool["customer_hobbies"], pool["manager_capabilities"],
                        pool["manager_hobbies"])
    today = place_optimal(totals, np.zeros(40, int), eligible=pool["eligible"], capacity=pool["capacity"],
                          load=pool["load"])
    assert result.placement.total_score == today.total_score
    assert result.figures.placed == 35 and result.figures.unassigned == 5
    assert sum(result.figures.class_counts) == 40
    assert result.figures.mean_score == pytest.approx(today.total_score / 35)


def test_a_capacity_scenario_equals_placing_with_the_changed_capacity():
    pool, _ = scenario_pool()
    result = solve_scenario(**pool, scenario=Scenario(capacity={0: 12, 3: 0}))
    capacity = pool["capacity"].copy()
    capacity[0] = 12
    eligible = pool["eligible"].copy()
    eligible[3] = False
    totals = TermTotals(pool["customer_needs"], pool["customer_hobbies"], pool["manager_capabilities"],
                        pool["manager_hobbies"])
    expected = place_optimal(totals, np.zeros(40, int), eligible=eligible, capacity=capacity, load=pool["load"])
    assert result.placement.total_score == expected.total_score
    assert not (result.placement.assigned == 3).any()


def test_removing_a_manager_moves_every_customer_of_theirs_and_adding_one_takes_customers():
    pool, extra = scenario_pool()
    removed = solve_scenario(**pool, scenario=Scenario(removed=(2,)))
    np.testing.assert_array_equal(removed.columns, [0, 1, 3, 4])
    of_removed = int((pool["current"] == 2).sum())
    assert removed.figures.moves >= of_removed > 0
    assert removed.figures.placed == 28
    added = solve_scenario(
        **pool, scenario=Scenario(added=(HypotheticalManager(extra[:6], extra[6:], capacity=5),))
    )
    np.testing.assert_array_equal(added.columns, [0, 1, 2, 3, 4, -1])
    assert (added.placement.assigned == 5).sum() == 5 and added.figures.placed == 40


def test_plan_figures_count_moves_against_today():
    pool, _ = scenario_pool()
    result = solve_scenario(**pool)
    figures = plan_figures(result.placement, result.classes, pool["current"])
    current = pool["current"]
    assert figures.moves == int(((current >= 0) & (result.placement.assigned != current)).sum())


@pytest.mark.parametrize("max_arcs", [10**6, 20])
def test_seat_values_of_separate_branches_are_computed_branch_by_branch_and_equal_re_solving(max_arcs):
    rng = np.random.default_rng(12)
    n, m = 36, 6
    terms = (rng.random((n + m, 12)) < 0.45).astype(np.uint8)
    totals = TermTotals(terms[:n, :6], terms[:n, 6:], terms[n:, :6], terms[n:, 6:])
    eligibility = eligibility_groups(
        rng.integers(0, 3, n), rng.integers(0, 2, n), np.array([0, 0, 1, 1, 2, 2]),
        np.array([[True, True], [True, False], [True, True], [False, True], [True, True], [True, True]]),
        np.array([0, 0, 1]), policy="branch",
    )
    kwargs = team(np.array([4, 2, 3, 1, 5, 2]), load=np.array([0, 1, 3, 0, 0, 2]))
    values = assert_seat_values_equal_re_solving(
        totals, kwargs, eligibility, current=rng.integers(-1, m, n), move_cost=1, max_arcs=max_arcs,
        max_candidates=1,
    )
    assert values.placement.objective_scores is not None


def test_shortfall_counts_who_is_left_out_or_below_their_best_by_group():
    totals = np.array([[5, 2], [4, 4], [3, 1]])
    eligibility = Eligibility(np.array([0, 0, 1]), np.ones((2, 2), bool))
    placement = place_optimal(totals, np.zeros(3, int), **team([1, 1]), eligibility=eligibility)
    np.testing.assert_array_equal(placement.assigned, [0, 1, -1])
    shortfall = shortfall_by_group(placement, np.array([5, 4, 3]), eligibility.customer_group, 2)
    np.testing.assert_array_equal(shortfall.customers, [2, 1])
    np.testing.assert_array_equal(shortfall.unassigned, [0, 1])
    np.testing.assert_array_equal(shortfall.below_best, [0, 0])
    np.testing.assert_array_equal(shortfall.points_short, [0, 0])
    worse = place_optimal(np.array([[5, 2], [5, 1]]), np.zeros(2, int), **team([1, 1]))
    shortfall = shortfall_by_group(worse, np.array([5, 5]), np.zeros(2, int), 1)
    assert (shortfall.below_best[0], shortfall.points_short[0]) == (1, 3)


def test_seat_values_sum_by_branch():
    totals = np.array([[5, 0], [4, 0], [3, 0]])
    values = seat_values(totals, **team([1, 1]))
    by_branch = seat_values_by(values, np.array([1, 1]), 2)
    np.testing.assert_array_equal(by_branch["placed_plus"], [0, 2])
    np.testing.assert_array_equal(by_branch["score_plus"], [0, 4])
