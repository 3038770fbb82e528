"""Engine pieces that keep large runs fast: distinct portraits scored once, lazy heavy imports."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.testing.hypothesis import examples
from matching import engine
from matching.engine import best_managers, classify, distinct_rows, overlap, place_optimal

ROOT = Path(__file__).resolve().parents[2]


def test_distinct_rows_groups_identical_portraits_in_row_order():
    needs = np.array([[1, 0], [0, 1], [1, 0], [1, 0]], dtype=np.uint8)
    hobbies = np.array([[0, 1], [0, 1], [0, 1], [1, 1]], dtype=np.uint8)
    first, inverse = distinct_rows(needs, hobbies)
    assert first.tolist() == [0, 1, 3]
    assert inverse.tolist() == [0, 1, 0, 2]


def test_distinct_rows_of_no_rows_is_empty():
    first, inverse = distinct_rows(np.zeros((0, 3), dtype=np.uint8))
    assert first.shape == (0,) and inverse.shape == (0,)


def test_distinct_rows_without_terms_is_one_group():
    first, inverse = distinct_rows(np.zeros((4, 0), dtype=np.uint8))
    assert first.tolist() == [0] and inverse.tolist() == [0, 0, 0, 0]


def test_distinct_rows_rejects_matrices_of_different_lengths():
    with pytest.raises(ValueError, match="same number of rows"):
        distinct_rows(np.zeros((2, 3), dtype=np.uint8), np.zeros((3, 3), dtype=np.uint8))


def test_distinct_rows_rejects_counts_that_are_not_indicators():
    with pytest.raises(ValueError, match="only 0 and 1"):
        distinct_rows(np.array([[2, 0]]))


@settings(max_examples=examples(60), deadline=None)
@given(
    customers=hnp.arrays(np.uint8, st.tuples(st.integers(0, 30), st.just(11)), elements=st.integers(0, 1)),
    managers=hnp.arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(11)), elements=st.integers(0, 1)),
)
def test_scoring_distinct_portraits_then_expanding_equals_scoring_everyone(customers, managers):
    needs, hobbies = customers[:, :5], customers[:, 5:]
    first, inverse = distinct_rows(needs, hobbies)
    assert np.array_equal(customers[first][inverse], customers)
    full_needs, full_hobbies = overlap(needs, managers[:, :5]), overlap(hobbies, managers[:, 5:])
    some_needs, some_hobbies = overlap(needs[first], managers[:, :5]), overlap(hobbies[first], managers[:, 5:])
    best = best_managers(some_needs, some_hobbies)
    assert np.array_equal(some_needs[inverse], full_needs) and np.array_equal(some_hobbies[inverse], full_hobbies)
    assert np.array_equal(best[inverse], best_managers(full_needs, full_hobbies))
    assert np.array_equal(
        classify(some_needs, some_hobbies, best)[inverse],
        classify(full_needs, full_hobbies, best_managers(full_needs, full_hobbies)),
    )


def test_loading_the_matching_services_imports_neither_the_solver_nor_scikit_learn():
    """Start-up of autoassign, the web server and a saved portrait: the heavy libraries load only when used."""
    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'portrait.settings.test'; django.setup(); "
        "import matching.services, matching.management.commands.autoassign; "
        "print(sorted(m for m in ('ortools', 'sklearn', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _instance(seed, n_c=80, n_m=8, capacity=12):
    rng = np.random.default_rng(seed)
    totals = rng.integers(0, 12, size=(n_c, n_m))
    room = dict(eligible=np.ones(n_m, bool), capacity=np.full(n_m, capacity), load=np.zeros(n_m, np.int64))
    return totals, totals.argmax(axis=1), room


def test_place_optimal_rejects_a_target_gap_outside_zero_to_one():
    totals, best, room = _instance(0)
    with pytest.raises(ValueError, match="target_gap"):
        place_optimal(totals, best, **room, max_arcs=80, target_gap=1.5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prices_from_a_sample_still_prove_the_bound_on_everyone(seed, monkeypatch):
    """Pricing on a sample of customers only ranks candidates: the bound is checked on all of them."""
    monkeypatch.setattr(engine, "_PRICE_SAMPLE", 10)
    totals, best, room = _instance(seed)
    exact = place_optimal(totals, best, **room)
    pruned = place_optimal(totals, best, **room, max_arcs=80 * 3)
    assert pruned.pruned and (pruned.assigned >= 0).sum() == (exact.assigned >= 0).sum() == 80
    assert np.bincount(pruned.assigned, minlength=8).max() <= 12
    assert pruned.upper_bound + 1e-6 >= exact.total_score >= pruned.total_score


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("k", [1, 2])
def test_widening_by_the_solves_own_prices_proves_the_exact_optimum_with_bounded_pairs(seed, k, monkeypatch):
    """Flat scores (many ties) and varied ones, room short or plentiful, some load: asked for a gap of 0, the
    pruned placement reaches the exact optimum's total, its bound is a proof at every target, and the pairs
    the widening adds never exceed max(k, 2) per customer."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 70)), int(rng.integers(3, 10))
    totals = rng.integers(0, 3 if seed % 2 else 14, size=(n, m))
    load = rng.integers(0, 3, size=m)
    capacity = load + rng.integers(1, 10, size=m)
    room = {"eligible": rng.random(m) < 0.9, "capacity": capacity, "load": load}
    room["eligible"][0] = True
    best = totals.argmax(axis=1)
    exact = place_optimal(totals, best, **room)
    extras = []
    solve = engine._min_cost_flow

    def recording(*args, extra=None):
        if extra is not None:
            extras.append(len(extra[0]))
        return solve(*args, extra=extra)

    monkeypatch.setattr(engine, "_min_cost_flow", recording)
    for target in (None, 0.05, 0.0):
        pruned = place_optimal(totals, best, **room, max_arcs=n * k, target_gap=target)
        assert (pruned.assigned >= 0).sum() == (exact.assigned >= 0).sum()
        assert pruned.pruned == (n * int(room["eligible"].sum()) > n * k)
        if pruned.pruned:
            assert pruned.upper_bound + 1e-6 >= exact.total_score >= pruned.total_score
    assert pruned.total_score == exact.total_score and pruned.optimality_gap == 0
    assert max(extras, default=0) <= n * max(k, engine._WIDEN_PER_CUSTOMER)


def test_target_gap_widens_the_candidates_until_the_gap_is_proven():
    totals, best, room = _instance(4, capacity=10)
    narrow = place_optimal(totals, best, **room, max_arcs=80)
    widened = place_optimal(totals, best, **room, max_arcs=80, target_gap=0.0)
    exact = place_optimal(totals, best, **room)
    assert narrow.candidates_per_customer == widened.candidates_per_customer == 1
    assert narrow.optimality_gap > 0
    # Only the pairs the solve's own prices show to be worth more join the next solve, until none is left:
    # the plan is then proven exact.
    assert widened.optimality_gap == 0
    assert widened.total_score == exact.total_score >= narrow.total_score


def _tied_instance(seed):
    """Flat scores (many ties) or varied ones, room short or plentiful, some load, a manager not eligible."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(15, 60)), int(rng.integers(3, 9))
    totals = rng.integers(0, 3 if seed % 2 else 14, size=(n, m))
    load = rng.integers(0, 3, size=m)
    room = {"eligible": rng.random(m) < 0.9, "capacity": load + rng.integers(1, 10, size=m), "load": load}
    room["eligible"][0] = True
    return totals, totals.argmax(axis=1), room


def _plan_proof(totals, free, plan):
    """Prices proving the plan optimal over every pair (from the pricing pass, at any prices), or None."""
    return engine._price_pairs(totals, free, plan, np.zeros(totals.shape[1]), per_customer=2)[4]


@pytest.mark.parametrize("seed", range(16))
def test_prices_over_every_pair_prove_a_plan_exactly_when_it_is_optimal(seed):
    """The pricing pass finds prices for the exact optimum (whose dual bound is its total), and for a plan
    changed by one move or one swap exactly when the change keeps the total (a tie), never for a worse plan."""
    totals, best, room = _tied_instance(seed)
    free = engine.free_room(room["eligible"], room["capacity"], room["load"])
    exact = place_optimal(totals, best, **room)
    prices = _plan_proof(totals, free, exact.assigned)
    assert prices is not None and prices.min() >= 0
    assert engine._dual_bound(totals, free, prices) == pytest.approx(exact.total_score)
    rng = np.random.default_rng(seed)
    placed = np.flatnonzero(exact.assigned >= 0)
    for _ in range(20):
        plan = exact.assigned.copy()
        first, second = rng.choice(placed, 2, replace=False)
        if rng.random() < 0.5:
            plan[first], plan[second] = plan[second], plan[first]
        else:
            roomy = np.flatnonzero(np.bincount(plan[placed], minlength=free.size) < free)
            if not roomy.size:
                continue
            plan[first] = rng.choice(roomy)
        total = int(totals[placed, plan[placed]].sum())
        assert (_plan_proof(totals, free, plan) is not None) == (total == exact.total_score)


def test_a_first_solve_that_is_already_optimal_is_proven_exact_without_another(monkeypatch):
    """The solve's own prices may prove little (ties: here, prices of 0, as poor as they get); the prices over
    every pair prove an optimal first plan exact, so no pair is added and no second solve runs."""
    solves, proven = [], 0
    solve = engine._min_cost_flow

    def counting(*args, extra=None):
        solves.append(extra is not None and len(extra[0]))
        return solve(*args, extra=extra)

    monkeypatch.setattr(engine, "_min_cost_flow", counting)
    monkeypatch.setattr(engine, "_restricted_prices", lambda totals, *args: np.zeros(totals.shape[1]))
    for seed in range(24):
        totals, best, room = _tied_instance(seed)
        exact = place_optimal(totals, best, **room)
        solves.clear()
        pruned = place_optimal(totals, best, **room, max_arcs=totals.shape[0] * 2, target_gap=0.0)
        if not pruned.pruned:
            continue
        assert pruned.upper_bound + 1e-6 >= exact.total_score >= pruned.total_score
        if pruned.optimality_gap == 0:
            assert pruned.total_score == exact.total_score
        if len(solves) == 1 and pruned.total_score == exact.total_score:
            assert pruned.optimality_gap == 0
            proven += 1
    assert proven >= 12


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("k", [2, 3])
def test_the_two_step_pruned_solve_finds_the_one_step_plans_total_and_evenness(seed, k):
    """Largest total first, then even loads among the pairs its prices keep: the same placed count, total and
    even-load cost as one solve with scaled scores and unit arcs, on flat and varied scores, short and
    plentiful room, with some pairs added beside the candidates. Customers with one such pair are placed
    before the second flow, their managers' unit costs starting after them."""
    totals, _best, room = _tied_instance(seed)
    rng = np.random.default_rng(seed)
    free = engine.free_room(room["eligible"], room["capacity"], room["load"])
    open_ = np.flatnonzero(free)
    totals, free, load = totals[:, open_], free[open_], room["load"][open_]
    n_place = min(totals.shape[0], int(free.sum()))
    candidates = engine._top_k(totals + rng.random(totals.shape), min(k, open_.size))
    extra = (rng.integers(0, totals.shape[0], 5), rng.integers(0, open_.size, 5))
    one = engine._flow(totals, free, load, n_place, candidates, extra, even=True)
    two = engine._min_cost_flow(totals, free, load, n_place, candidates, extra=extra)

    def figures(assigned):
        placed = np.flatnonzero(assigned >= 0)
        counts = np.bincount(assigned[placed], minlength=free.size)
        assert (counts <= free).all()
        allowed = set(zip(np.repeat(np.arange(totals.shape[0]), candidates.shape[1]), candidates.ravel()))
        allowed |= set(zip(*extra))
        # pairs outside the solve come from the overflow, which the model scores 0
        score = sum(int(totals[i, assigned[i]]) if (i, assigned[i]) in allowed else 0 for i in placed)
        return placed.size, score, int((counts * load + counts * (counts + 1) // 2).sum())

    assert figures(two) == figures(one)
