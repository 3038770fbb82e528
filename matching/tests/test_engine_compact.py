"""Compact scoring: one-byte counts, bit-packed overlaps and row blocks give the same answers as the plain maths."""
import numpy as np
import pytest

from matching import engine


@pytest.mark.parametrize("n_terms", [0, 1, 7, 8, 9, 20, 33, 64, 65, 100])
def test_overlap_in_any_dtype_equals_the_integer_product(n_terms):
    rng = np.random.default_rng(n_terms)
    customers = rng.integers(0, 2, (37, n_terms), dtype=np.uint8)
    managers = rng.integers(0, 2, (5, n_terms), dtype=np.uint8)
    expected = customers.astype(np.int64) @ managers.T.astype(np.int64)
    for dtype in (np.uint8, np.int16, np.int32):
        out = engine.overlap(customers, managers, dtype=dtype)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, expected)


def test_overlap_refuses_a_dtype_too_small_for_the_vocabulary():
    with pytest.raises(ValueError, match="cannot hold counts of up to 300 terms"):
        engine.overlap(np.zeros((1, 300), np.uint8), np.zeros((1, 300), np.uint8), dtype=np.uint8)
    with pytest.raises(ValueError, match="cannot hold"):
        engine.overlap(np.zeros((1, 3), np.uint8), np.zeros((1, 3), np.uint8), dtype=np.float32)


def test_best_managers_in_row_blocks_equals_one_pass(monkeypatch):
    rng = np.random.default_rng(5)
    needs = rng.integers(0, 9, (23, 6)).astype(np.uint8)
    hobbies = rng.integers(0, 9, (23, 6)).astype(np.uint8)
    whole = engine.best_managers(needs, hobbies)
    monkeypatch.setattr("matching.engine._BLOCK_CELLS", 7)
    np.testing.assert_array_equal(engine.best_managers(needs, hobbies), whole)
    key = (needs.astype(np.int64) + hobbies) * 100 + needs
    np.testing.assert_array_equal(whole, key.argmax(axis=1))


def _greedy_by_argmin(totals, best, classes, free, load):
    """The rule written plainly: an argmin over every manager at each fallback."""
    order = np.lexsort((np.arange(len(best)), -np.array([totals[i, b] if b >= 0 else 0 for i, b in enumerate(best)]),
                        classes))
    room, current = free.copy(), np.where(free > 0, load, np.iinfo(np.int64).max)
    assigned = np.full(len(best), -1)
    for i in order:
        j = best[i]
        if j < 0 or room[j] == 0:
            j = int(np.argmin(current))
            if room[j] == 0:
                break
        assigned[i] = j
        room[j] -= 1
        current[j] = current[j] + 1 if room[j] else np.iinfo(np.int64).max
    return assigned


@pytest.mark.parametrize("seed", range(40))
def test_greedy_with_a_heap_places_like_an_argmin_over_every_manager(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 50)), int(rng.integers(1, 7))
    totals = rng.integers(0, 4, (n, m))
    best = totals.argmax(axis=1)
    best[rng.random(n) < 0.1] = -1
    classes = rng.integers(0, 5, n)
    eligible = rng.random(m) < 0.8
    capacity, load = rng.integers(1, 8, m), rng.integers(0, 3, m)
    placement = engine.place_greedy(totals, best, classes, eligible=eligible, capacity=capacity, load=load)
    free = np.where(eligible, np.maximum(capacity - load, 0), 0)
    np.testing.assert_array_equal(placement.assigned, _greedy_by_argmin(totals, best, classes, free, load))


def test_max_candidates_caps_the_candidates_of_a_pruned_placement_only():
    rng = np.random.default_rng(8)
    totals = rng.integers(0, 10, (60, 12))
    room = {"eligible": np.ones(12, bool), "capacity": np.full(12, 6), "load": np.zeros(12, np.int64)}
    best = totals.argmax(axis=1)
    capped = engine.place_optimal(totals, best, **room, max_arcs=60 * 8, max_candidates=3)
    assert capped.pruned and capped.candidates_per_customer == 3
    assert capped.upper_bound >= engine.place_optimal(totals, best, **room).total_score >= capped.total_score
    exact = engine.place_optimal(totals, best, **room, max_candidates=3)  # few pairs: not pruned, exact
    assert not exact.pruned and exact.total_score == engine.place_optimal(totals, best, **room).total_score
    with pytest.raises(ValueError, match="max_candidates"):
        engine.place_optimal(totals, best, **room, max_candidates=0)
