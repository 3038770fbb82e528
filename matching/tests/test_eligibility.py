"""Eligibility (branches, tiers, region penalty) and the move cost as hard constraints of both placements.

No database. The exact references are independent of the engine: scipy's linear_sum_assignment on the
seat-expanded matrix, and a plain-Python restatement of the greedy rule.
"""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from matching.engine import (
    REASON_BEST,
    REASON_FALLBACK,
    REASON_NO_CAPACITY,
    REASON_NO_ELIGIBLE_MANAGER,
    Eligibility,
    TermTotals,
    best_managers,
    classify,
    eligibility_groups,
    free_room,
    place_greedy,
    place_optimal,
)

A, B, C, D, E = range(5)


def team(capacity, load=None, eligible=None):
    capacity = np.asarray(capacity)
    return {
        "eligible": np.ones(capacity.size, bool) if eligible is None else np.asarray(eligible),
        "capacity": capacity,
        "load": np.zeros(capacity.size, int) if load is None else np.asarray(load),
    }


def groups(customer_group, allowed, penalty=None):
    return Eligibility(
        np.asarray(customer_group), np.asarray(allowed, bool), None if penalty is None else np.asarray(penalty)
    )


# --- independent references ----------------------------------------------------------------------


def effective(totals, eligibility, current=None, move_cost=0):
    """Each pair's worth to the optimal rule, by loops; None where the pair is not allowed."""
    n, m = totals.shape
    out = [[None] * m for _ in range(n)]
    for i in range(n):
        g = eligibility.customer_group[i]
        for j in range(m):
            if eligibility.allowed[g][j]:
                worth = int(totals[i][j])
                if eligibility.penalty is not None:
                    worth -= int(eligibility.penalty[g][j])
                if current is not None and current[i] == j:
                    worth += move_cost
                out[i][j] = worth
    return out


def exact_optimum(totals, kwargs, eligibility, current=None, move_cost=0):
    """(most customers placed, best objective among plans placing that many): linear_sum_assignment over one
    column per free seat plus one "unplaced" column per customer, with a weight per placement larger than any
    score sum, so placing comes first."""
    worth = effective(np.asarray(totals), eligibility, current, move_cost)
    free = free_room(kwargs["eligible"], kwargs["capacity"], kwargs["load"])
    seats = [j for j in range(len(free)) for _ in range(free[j])]
    n = len(worth)
    if not seats or not n:
        return 0, 0
    big = 1 + 2 * sum(abs(w) for row in worth for w in row if w is not None)
    forbidden = -(n + 1) * 4 * big
    weights = np.array(
        [[forbidden if worth[i][j] is None else big + worth[i][j] for j in seats] + [0] * n for i in range(n)]
    )
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = [(i, seats[c]) for i, c in zip(rows, cols) if c < len(seats) and weights[i, c] > 0]
    return len(chosen), sum(worth[i][j] for i, j in chosen)


def exact_lexicographic(totals, kwargs, eligibility, current, move_cost):
    """(placed, objective, customers kept with their current manager) of the plan that places the most, then
    has the best objective, then keeps the most: `exact_optimum` with one more point per kept customer, under
    a weight per objective point larger than every customer kept together."""
    worth = effective(np.asarray(totals), eligibility, current, move_cost)
    free = free_room(kwargs["eligible"], kwargs["capacity"], kwargs["load"])
    seats = [j for j in range(len(free)) for _ in range(free[j])]
    n = len(worth)
    if not seats or not n:
        return 0, 0, 0
    point = n + 1
    big = 1 + 2 * point * sum(abs(w) + 1 for row in worth for w in row if w is not None)
    forbidden = -(n + 1) * 4 * big

    def weight(i, j):
        return forbidden if worth[i][j] is None else big + point * worth[i][j] + int(current[i] == j)

    weights = np.array([[weight(i, j) for j in seats] + [0] * n for i in range(n)])
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = [(i, seats[c]) for i, c in zip(rows, cols) if c < len(seats) and weights[i, c] > 0]
    return len(chosen), sum(worth[i][j] for i, j in chosen), sum(int(current[i] == j) for i, j in chosen)


def plain_greedy(needs, hobbies, classes, kwargs, eligibility):
    """The older system's rule with eligibility, as loops: best eligible manager by (total - penalty, needs,
    lowest index); customers by class, then that total (highest first), then row; each takes their best if
    it accepts and has room, else the allowed accepting manager with room and the lowest load (lowest index),
    else nobody."""
    n, m = needs.shape
    load = list(kwargs["load"])
    room = list(free_room(kwargs["eligible"], kwargs["capacity"], kwargs["load"]))
    penalty = eligibility.penalty

    def allowed(i, j):
        return bool(eligibility.allowed[eligibility.customer_group[i]][j])

    def worth(i, j):
        g = eligibility.customer_group[i]
        return int(needs[i][j] + hobbies[i][j]) - (0 if penalty is None else int(penalty[g][j]))

    best = []
    for i in range(n):
        options = [j for j in range(m) if allowed(i, j)]
        best.append(max(options, key=lambda j: (worth(i, j), needs[i][j], -j)) if options else None)
    order = sorted(range(n), key=lambda i: (classes[i], -(worth(i, best[i]) if best[i] is not None else 0), i))
    out = [-1] * n
    for i in order:
        j = best[i]
        if j is None or room[j] == 0:
            options = [c for c in range(m) if allowed(i, c) and room[c] > 0]
            j = min(options, key=lambda c: (load[c], c)) if options else None
        if j is not None:
            out[i] = j
            room[j] -= 1
            load[j] += 1
    return out, [-1 if j is None else j for j in best]


def random_pool(rng, n, m, n_groups=3, penalty=True):
    needs = rng.integers(0, 5, (n, m))
    hobbies = rng.integers(0, 4, (n, m))
    eligibility = groups(
        rng.integers(0, n_groups, n),
        rng.random((n_groups, m)) < 0.6,
        rng.integers(0, 3, (n_groups, m)) if penalty else None,
    )
    kwargs = team(rng.integers(1, 5, m), load=rng.integers(0, 3, m), eligible=rng.random(m) < 0.85)
    return needs, hobbies, eligibility, kwargs


def branch_pool(seed, n_customers=24, n_managers=7, *, policy, region_penalty=2):
    """Customers and managers with branches (3 in 2 regions, some without one), tiers and terms."""
    rng = np.random.default_rng(seed)
    n_terms = 12
    customer_terms = (rng.random((n_customers, n_terms)) < 0.4).astype(np.uint8)
    manager_terms = (rng.random((n_managers, n_terms)) < 0.5).astype(np.uint8)
    eligibility = eligibility_groups(
        rng.integers(-1, 3, n_customers),
        rng.integers(0, 3, n_customers),
        rng.integers(-1, 3, n_managers),
        rng.random((n_managers, 3)) < 0.7,
        np.array([0, 0, 1]),
        policy=policy,
        region_penalty=region_penalty,
    )
    totals = TermTotals(customer_terms[:, :6], customer_terms[:, 6:], manager_terms[:, :6], manager_terms[:, 6:])
    kwargs = team(rng.integers(1, 5, n_managers), load=rng.integers(0, 2, n_managers))
    current = rng.integers(-1, n_managers, n_customers)
    return totals, eligibility, kwargs, current


def dense(totals):
    return totals.rows(slice(None)).astype(np.int64)


def assert_feasible(placement, kwargs, eligibility):
    placed = np.flatnonzero(placement.assigned >= 0)
    columns = placement.assigned[placed]
    assert eligibility.allowed[eligibility.customer_group[placed], columns].all()
    free = free_room(kwargs["eligible"], kwargs["capacity"], kwargs["load"])
    assert (np.bincount(columns, minlength=free.size) <= free).all()


# --- groups from branches and tiers --------------------------------------------------------------


def test_branch_policy_allows_the_customers_branch_managers_without_one_and_their_tiers_only():
    # Branches 0 and 1 in region 0, branch 2 in region 1; customer 2 has no branch.
    eligibility = eligibility_groups(
        customer_branch=[0, 2, -1, 0],
        customer_tier=[0, 1, 0, 0],
        manager_branch=[0, 1, -1, 2],
        manager_tiers=np.array([[True, False], [True, True], [False, True], [True, True]]),
        branch_region=[0, 0, 1],
        policy="branch",
    )
    np.testing.assert_array_equal(eligibility.customer_group, [0, 1, 2, 0])
    np.testing.assert_array_equal(
        eligibility.allowed,
        [[True, False, False, False], [False, False, True, True], [True, True, False, True]],
    )
    assert eligibility.penalty is None


def test_region_policy_allows_other_branches_of_the_region_at_a_penalty():
    eligibility = eligibility_groups(
        [0], [0], [0, 1, 2, -1], np.ones((4, 1), bool), [0, 0, 1], policy="region", region_penalty=3
    )
    np.testing.assert_array_equal(eligibility.allowed, [[True, True, False, True]])
    np.testing.assert_array_equal(eligibility.penalty, [[0, 3, 0, 0]])


def test_no_policy_keeps_only_the_tiers():
    eligibility = eligibility_groups(
        [0, 1], [0, 1], [0, 2], np.array([[True, False], [True, True]]), [0, 0, 1], policy="none"
    )
    np.testing.assert_array_equal(eligibility.allowed, [[True, True], [False, True]])


def test_eligibility_groups_rejects_an_unknown_policy_and_tiers_of_the_wrong_shape():
    with pytest.raises(ValueError, match="policy must be one of"):
        eligibility_groups([0], [0], [0], np.ones((1, 1), bool), [0], policy="city")
    with pytest.raises(ValueError, match=r"manager_tiers must be bool of shape \(2, n_tiers\).*\(1, 3\)"):
        eligibility_groups([0], [0], [0, 0], np.ones((1, 3), bool), [0], policy="none")


def test_placements_reject_eligibility_of_the_wrong_shape_naming_it():
    with pytest.raises(ValueError, match=r"allowed must be bool of shape \(n_groups, 2\).*\(1, 3\)"):
        place_optimal(np.ones((1, 2), int), np.array([0]), **team([1, 1]), eligibility=groups([0], [[1, 1, 1]]))
    with pytest.raises(ValueError, match=r"customer_group must be integer of shape \(1,\)"):
        place_optimal(np.ones((1, 2), int), np.array([0]), **team([1, 1]), eligibility=groups([0, 0], [[1, 1]]))
    with pytest.raises(ValueError, match=r"penalty must be integer of shape \(1, 2\)"):
        place_optimal(np.ones((1, 2), int), np.array([0]), **team([1, 1]), eligibility=groups([0], [[1, 1]], [[1]]))


# --- best eligible manager and class --------------------------------------------------------------


def test_best_manager_is_the_best_eligible_one_and_sets_the_class():
    needs, hobbies = np.array([[9, 5, 2]]), np.array([[4, 2, 2]])
    eligibility = groups([0], [[False, True, True]])
    best = best_managers(needs, hobbies, eligibility=eligibility)
    np.testing.assert_array_equal(best, [1])
    assert classify(needs, hobbies, best)[0] == B  # 5 + 2 = 7 is C, needs lead by 3: B (13 with 0 is A)


def test_best_manager_weighs_the_region_penalty():
    needs, hobbies = np.array([[5, 4]]), np.array([[0, 0]])
    eligibility = groups([0], [[True, True]], [[2, 0]])
    np.testing.assert_array_equal(best_managers(needs, hobbies, eligibility=eligibility), [1])  # 5 - 2 < 4


def test_a_customer_no_manager_may_serve_has_no_best_manager_and_class_e():
    needs = hobbies = np.ones((1, 2), int)
    best = best_managers(needs, hobbies, eligibility=groups([0], [[False, False]]))
    np.testing.assert_array_equal(best, [-1])
    assert classify(needs, hobbies, best)[0] == E


@pytest.mark.parametrize("seed", range(6))
def test_best_eligible_from_terms_equals_best_eligible_from_overlap_matrices(seed):
    rng = np.random.default_rng(seed)
    customer = (rng.random((40, 10)) < 0.4).astype(np.uint8)
    manager = (rng.random((6, 10)) < 0.5).astype(np.uint8)
    totals = TermTotals(customer[:, :5], customer[:, 5:], manager[:, :5], manager[:, 5:])
    eligibility = groups(rng.integers(0, 4, 40), rng.random((4, 6)) < 0.5, rng.integers(0, 3, (4, 6)))
    needs = customer[:, :5].astype(int) @ manager[:, :5].T
    hobbies = customer[:, 5:].astype(int) @ manager[:, 5:].T
    best, needs_best, hobbies_best = totals.best(eligibility)
    expected = best_managers(needs, hobbies, eligibility=eligibility)
    np.testing.assert_array_equal(best, expected)
    has = expected >= 0
    np.testing.assert_array_equal(needs_best[has], needs[has, expected[has]])
    np.testing.assert_array_equal(hobbies_best[has], hobbies[has, expected[has]])


# --- greedy -----------------------------------------------------------------------------------------


def test_greedy_falls_back_among_eligible_managers_only():
    # Manager 0 (best) is full; 1 has the lowest load but does not serve the customer's group; 2 does.
    totals = np.array([[9, 1, 1]])
    eligibility = groups([0], [[True, False, True]])
    placement = place_greedy(
        totals, np.array([0]), np.array([A]), **team([1, 5, 5], load=[1, 0, 3]), eligibility=eligibility
    )
    np.testing.assert_array_equal(placement.assigned, [2])
    assert placement.reasons[0] == REASON_FALLBACK


def test_greedy_rejects_a_best_manager_that_is_not_eligible():
    with pytest.raises(ValueError, match="best must name a manager allowed"):
        place_greedy(np.ones((1, 2), int), np.array([0]), np.array([A]), **team([1, 1]),
                     eligibility=groups([0], [[False, True]]))


def test_no_eligible_manager_with_room_is_its_own_reason():
    # Group 0 may use manager 0 only (full by staying customers); group 1 manager 1 (one seat, two customers).
    totals = np.array([[5, 5], [5, 6], [5, 5]])
    eligibility = groups([0, 1, 1], [[True, False], [False, True]])
    kwargs = team([2, 1], load=[2, 0])
    for placement in (
        place_greedy(totals, np.array([0, 1, 1]), np.zeros(3, int), **kwargs, eligibility=eligibility),
        place_optimal(totals, np.array([0, 1, 1]), **kwargs, eligibility=eligibility),
    ):
        np.testing.assert_array_equal(placement.assigned, [-1, 1, -1])
        np.testing.assert_array_equal(placement.reasons, [REASON_NO_ELIGIBLE_MANAGER, REASON_BEST, REASON_NO_CAPACITY])


@pytest.mark.parametrize("seed", range(12))
def test_greedy_equals_a_plain_restatement_of_its_rule_with_eligibility(seed):
    rng = np.random.default_rng(seed)
    needs, hobbies, eligibility, kwargs = random_pool(rng, 30, 6, penalty=seed % 2 == 0)
    best = best_managers(needs, hobbies, eligibility=eligibility)
    classes = classify(needs, hobbies, best)
    expected, expected_best = plain_greedy(needs, hobbies, classes, kwargs, eligibility)
    np.testing.assert_array_equal(best, expected_best)
    placement = place_greedy(needs + hobbies, best, classes, **kwargs, eligibility=eligibility)
    np.testing.assert_array_equal(placement.assigned, expected)
    assert_feasible(placement, kwargs, eligibility)


# --- optimal ----------------------------------------------------------------------------------------


def test_optimal_has_no_arc_to_an_ineligible_manager():
    totals = np.array([[9, 1], [1, 1]])
    placement = place_optimal(totals, np.array([0, 0]), **team([1, 1]), eligibility=groups([0, 1], [[0, 1], [1, 1]]))
    np.testing.assert_array_equal(placement.assigned, [1, 0])


def test_optimal_places_as_many_as_the_constraints_allow_before_any_score():
    # Customer 0 scores 9 at manager 0 but only customer 0 can use manager 1: placing both comes first.
    totals = np.array([[9, 0], [8, 0]])
    eligibility = groups([0, 1], [[True, True], [True, False]])
    placement = place_optimal(totals, np.array([0, 0]), **team([1, 1]), eligibility=eligibility)
    np.testing.assert_array_equal(placement.assigned, [1, 0])


def test_optimal_prefers_the_own_branch_by_the_region_penalty():
    # Manager 0 is of another branch of the region: 2 points less. Customer 1 scores 1 more there, not 2.
    totals = np.array([[6, 6], [6, 5]])
    eligibility = groups([0, 0], [[True, True]], [[2, 0]])
    placement = place_optimal(totals, np.array([0, 0]), **team([2, 2]), eligibility=eligibility)
    np.testing.assert_array_equal(placement.assigned, [1, 1])
    assert placement.total_score == 11 and placement.objective == 11
    # Without the penalty the same customer takes the point.
    placement = place_optimal(totals, np.array([0, 0]), **team([2, 2]), eligibility=groups([0, 0], [[True, True]]))
    assert placement.total_score == 12


@pytest.mark.parametrize(("move_cost", "expected"), [(0, [1]), (2, [1]), (3, [0]), (4, [0]), (10, [0])])
def test_a_customer_moves_only_when_the_move_gains_more_than_the_move_cost(move_cost, expected):
    totals = np.array([[4, 7]])  # today with manager 0; manager 1 gains 3 points
    placement = place_optimal(totals, np.array([1]), **team([1, 1]), current=np.array([0]), move_cost=move_cost)
    np.testing.assert_array_equal(placement.assigned, expected)


@pytest.mark.parametrize("max_arcs", [10**6, 2])
def test_a_move_that_gains_exactly_the_move_cost_stays_even_when_loads_would_even_out(max_arcs):
    # Manager 0 already holds 5 others, manager 1 none: even loads ask for the move, which gains exactly 3.
    totals = np.array([[4, 7], [0, 0], [0, 0]])
    kwargs = team([9, 9], load=[5, 0])
    placement = place_optimal(
        totals, np.array([1, 0, 0]), **kwargs, current=np.array([0, -1, -1]), move_cost=3, max_arcs=max_arcs
    )
    assert placement.assigned[0] == 0
    assert placement.objective == 4 + 3


def test_a_chain_of_moves_worth_a_point_more_than_its_cost_is_made_though_two_of_them_only_tie():
    # Three full managers, a customer each; rotating them gains 4, 3 and 3 with a move cost of 3: one point
    # more than staying put, so the rotation is the optimum though two of its moves only gain the move cost.
    totals = np.array([[0, 4, 0], [0, 0, 3], [3, 0, 0]])
    current = np.array([0, 1, 2])
    placement = place_optimal(totals, np.array([1, 2, 0]), **team([1, 1, 1]), current=current, move_cost=3)
    np.testing.assert_array_equal(placement.assigned, [1, 2, 0])
    assert placement.objective == 10 and placement.total_score == 10


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("max_arcs", [10**6, 20])
def test_on_ties_the_plan_keeps_customers_with_their_manager(seed, max_arcs):
    """Restated: as many placed and the same objective as an exact solver, then as many kept as the exact plan
    that keeps the most; and no customer leaves a manager who still has a seat free unless the move gains more
    than the move cost."""
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(2, 22)), int(rng.integers(2, 6))
    needs, hobbies, eligibility, kwargs = random_pool(rng, n, m, penalty=seed % 2 == 0)
    totals = (needs + hobbies) // 2  # few distinct scores: many moves gain exactly the move cost
    current = rng.integers(-1, m, n)
    move_cost = int(rng.integers(1, 4))
    placement = place_optimal(
        totals, np.zeros(n, int), **kwargs, max_arcs=max_arcs, eligibility=eligibility, current=current,
        move_cost=move_cost, target_gap=0.0,
    )
    assert_feasible(placement, kwargs, eligibility)
    assigned = placement.assigned
    kept = int(((current >= 0) & (assigned == current)).sum())
    assert ((assigned >= 0).sum(), placement.objective, kept) == exact_lexicographic(
        totals, kwargs, eligibility, current, move_cost
    )
    worth = effective(totals, eligibility)
    free = free_room(kwargs["eligible"], kwargs["capacity"], kwargs["load"])
    left = free - np.bincount(assigned[assigned >= 0], minlength=m)
    for i in np.flatnonzero((current >= 0) & (assigned != current)):
        a = current[i]
        if left[a] > 0 and worth[i][a] is not None:
            gain = (worth[i][assigned[i]] if assigned[i] >= 0 else 0) - worth[i][a]
            assert gain > move_cost, (i, gain)


def test_without_constraints_or_move_cost_the_placement_is_todays():
    rng = np.random.default_rng(5)
    totals = rng.integers(0, 9, (30, 5))
    kwargs = team(rng.integers(1, 8, 5))
    plain = place_optimal(totals, np.zeros(30, int), **kwargs)
    same = place_optimal(totals, np.zeros(30, int), **kwargs, current=rng.integers(-1, 5, 30), move_cost=0)
    np.testing.assert_array_equal(plain.assigned, same.assigned)
    assert plain.objective_scores is None and same.objective_scores is None


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("max_arcs", [10**6, 20])
def test_optimal_with_eligibility_penalty_and_move_cost_equals_an_exact_solver(seed, max_arcs):
    rng = np.random.default_rng(seed)
    needs, hobbies, eligibility, kwargs = random_pool(rng, int(rng.integers(1, 26)), int(rng.integers(1, 7)))
    totals = needs + hobbies
    current = rng.integers(-1, totals.shape[1], totals.shape[0])
    move_cost = int(rng.integers(0, 4))
    placement = place_optimal(
        totals, np.zeros(totals.shape[0], int), **kwargs, max_arcs=max_arcs,
        eligibility=eligibility, current=current, move_cost=move_cost,
    )
    assert_feasible(placement, kwargs, eligibility)
    placed = int((placement.assigned >= 0).sum())
    exact_placed, exact_objective = exact_optimum(totals, kwargs, eligibility, current, move_cost)
    assert placed == exact_placed
    if placement.pruned:  # as many placed (the overflow), the objective within its proven bound
        assert placement.objective <= exact_objective <= placement.upper_bound
    else:
        assert placement.objective == exact_objective


@pytest.mark.parametrize("policy", ["none", "branch", "region"])
@pytest.mark.parametrize("seed", range(5))
def test_optimal_under_each_branch_policy_with_tiers_and_a_move_cost_equals_an_exact_solver(policy, seed):
    totals, eligibility, kwargs, current = branch_pool(seed, policy=policy)
    placement = place_optimal(
        totals, np.zeros(totals.shape[0], int), **kwargs, eligibility=eligibility, current=current, move_cost=2
    )
    assert_feasible(placement, kwargs, eligibility)
    placed = int((placement.assigned >= 0).sum())
    assert (placed, placement.objective) == exact_optimum(dense(totals), kwargs, eligibility, current, 2)
    reasons_unplaced = placement.reasons[placement.assigned < 0]
    assert set(reasons_unplaced.tolist()) <= {REASON_NO_CAPACITY, REASON_NO_ELIGIBLE_MANAGER}


@pytest.mark.parametrize("policy", ["branch", "region"])
def test_term_totals_and_their_matrix_place_alike_under_constraints(policy):
    totals, eligibility, kwargs, current = branch_pool(11, n_customers=60, n_managers=9, policy=policy)
    for max_arcs in (10**6, 100):
        from_terms = place_optimal(totals, np.zeros(60, int), **kwargs, eligibility=eligibility, max_arcs=max_arcs)
        from_matrix = place_optimal(dense(totals), np.zeros(60, int), **kwargs, eligibility=eligibility,
                                    max_arcs=max_arcs)
        np.testing.assert_array_equal(from_terms.assigned, from_matrix.assigned)


def test_reasons_without_eligibility_stay_no_capacity():
    placement = place_optimal(np.ones((3, 1), int), np.zeros(3, int), **team([1]), current=np.zeros(3, int),
                              move_cost=1)
    assert sorted(placement.reasons.tolist()) == [REASON_BEST, REASON_NO_CAPACITY, REASON_NO_CAPACITY]
