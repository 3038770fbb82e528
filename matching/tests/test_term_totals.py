"""Totals computed from the terms a block at a time (`engine.TermTotals`) answer exactly as the stored matrix
does, so runs give the same placements while their memory grows with customers plus managers, not their product."""
import tracemalloc

import numpy as np
import pytest

from matching import engine, planning


def random_terms(rng, n_customers, n_managers, n_services=None, n_hobbies=None):
    n_services = int(rng.integers(1, 25)) if n_services is None else n_services
    n_hobbies = int(rng.integers(0, 25)) if n_hobbies is None else n_hobbies
    density = rng.uniform(0.05, 0.6)
    return (
        (rng.random((n_customers, n_services)) < density).astype(np.uint8),
        (rng.random((n_customers, n_hobbies)) < density).astype(np.uint8),
        (rng.random((n_managers, n_services)) < density).astype(np.uint8),
        (rng.random((n_managers, n_hobbies)) < density).astype(np.uint8),
    )


def matrices(needs, hobbies, capabilities, manager_hobbies):
    needs_match = needs.astype(np.int64) @ capabilities.T.astype(np.int64)
    hobbies_match = hobbies.astype(np.int64) @ manager_hobbies.T.astype(np.int64)
    return needs_match, hobbies_match


@pytest.mark.parametrize("seed", range(12))
def test_every_read_equals_the_full_matrices(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n_c, n_m = int(rng.integers(0, 200)), int(rng.integers(0, 30))
    wide = seed % 3 == 0  # over 64 terms: products of floats instead of bits
    terms = random_terms(rng, n_c, n_m, *((40, 30) if wide else (None, None)))
    needs_match, hobbies_match = matrices(*terms)
    full = needs_match + hobbies_match
    monkeypatch.setattr(engine, "_BLOCK_CELLS", int(rng.integers(1, 300)))  # many blocks, some of one row
    totals = engine.TermTotals(*terms)

    assert totals.shape == (n_c, n_m)
    np.testing.assert_array_equal(totals.rows(slice(None)), full)
    np.testing.assert_array_equal(np.vstack([b for _start, b in totals.blocks()] or [full]), full)
    best, needs_best, hobbies_best = totals.best()
    np.testing.assert_array_equal(best, engine.best_managers(needs_match, hobbies_match))
    if n_c and n_m:
        rows, cols = rng.integers(0, n_c, 500), rng.integers(0, n_m, 500)
        needs, hobbies = totals.overlaps(rows, cols)
        np.testing.assert_array_equal(needs, needs_match[rows, cols])
        np.testing.assert_array_equal(hobbies, hobbies_match[rows, cols])
        np.testing.assert_array_equal(totals.pairs(rows, cols), full[rows, cols])
        np.testing.assert_array_equal(needs_best, needs_match[np.arange(n_c), best])
        np.testing.assert_array_equal(hobbies_best, hobbies_match[np.arange(n_c), best])
        assert totals.max() >= full.max()
        some_rows, some_cols = rng.permutation(n_c)[: n_c // 2], rng.permutation(n_m)[: n_m // 2]
        np.testing.assert_array_equal(totals.customer_rows(some_rows).rows(slice(None)), full[some_rows])
        np.testing.assert_array_equal(totals.manager_columns(some_cols).rows(slice(None)), full[:, some_cols])


@pytest.mark.parametrize("seed", range(6))
def test_placements_are_the_ones_the_matrix_gives(seed):
    rng = np.random.default_rng(100 + seed)
    n_c, n_m = int(rng.integers(50, 600)), int(rng.integers(3, 40))
    terms = random_terms(rng, n_c, n_m, *((20, 20) if seed % 2 else (50, 30)))
    full = sum(matrices(*terms))
    totals = engine.TermTotals(*terms)
    best = totals.best()[0]
    classes = rng.integers(0, 5, n_c).astype(np.int8)
    eligible = rng.random(n_m) < 0.8
    capacity = rng.integers(1, max(2, 2 * n_c // n_m), n_m)
    load = rng.integers(0, 3, n_m)
    room = dict(eligible=eligible, capacity=capacity, load=load)

    greedy = engine.place_greedy(full, best, classes, **room)
    np.testing.assert_array_equal(engine.place_greedy(totals, best, classes, **room).assigned, greedy.assigned)
    for options in ({}, {"max_arcs": n_c, "target_gap": 0.005}, {"max_arcs": n_c * 2, "max_candidates": 2}):
        expected = engine.place_optimal(full, best, **room, **options)
        got = engine.place_optimal(totals, best, **room, **options)
        np.testing.assert_array_equal(got.assigned, expected.assigned)
        np.testing.assert_array_equal(got.scores, expected.scores)
        assert got.upper_bound == pytest.approx(expected.upper_bound)


def many_customers_snapshot(n_customers, n_managers):
    rng = np.random.default_rng(3)
    needs, hobbies, capabilities, manager_hobbies = random_terms(rng, n_customers, n_managers, 20, 20)
    return planning.Snapshot(
        customer_ids=np.arange(1, n_customers + 1, dtype=np.int64),
        customer_usernames=[f"c{i:06d}" for i in range(n_customers)],
        customer_manager=np.full(n_customers, -1, dtype=np.intp),
        customer_locked=np.zeros(n_customers, dtype=bool),
        customer_class=[""] * n_customers,
        customer_needs=needs,
        customer_hobbies=hobbies,
        manager_ids=np.arange(1, n_managers + 1, dtype=np.int64),
        manager_usernames=[f"m{i:04d}" for i in range(n_managers)],
        manager_active=np.ones(n_managers, dtype=bool),
        manager_accepting=np.ones(n_managers, dtype=bool),
        manager_capacity=np.full(n_managers, 2 * n_customers // n_managers, dtype=np.int64),
        manager_capabilities=capabilities,
        manager_hobbies=manager_hobbies,
        service_names=[f"s{i}" for i in range(20)],
        hobby_names=[f"h{i}" for i in range(20)],
    )


def test_scoring_and_placing_never_hold_a_customers_by_managers_matrix():
    """What made 1M customers x 5,000 managers need 10 GB: the score matrices. Scoring and placing 40,000
    customers x 1,000 managers now peak well below one such matrix in bytes (40 MB): a few row blocks.
    (The optimal rule adds its price sample, at most 20,000 dense rows, and its candidate arcs.)"""
    from matching.scoring import snapshot_scores

    snapshot = many_customers_snapshot(40_000, 1_000)
    tracemalloc.start()
    try:
        scores = snapshot_scores(snapshot)
        plan = planning.plan_placement(snapshot, scores, placing=np.ones(snapshot.n_customers, dtype=bool), greedy=True)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.placed.all()
    assert peak < 40_000 * 1_000 / 2
