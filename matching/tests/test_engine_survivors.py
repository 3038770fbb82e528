"""Engine rules a mutation run showed the suite did not pin down (scripts/mutation_run.py). No database."""
import numpy as np

from .test_engine import managers, optimal


def test_the_pruned_upper_bound_stays_a_proof_when_room_is_scarce():
    """Eight customers, three places: those left out add nothing to the dual bound, never a negative gain.

    Keeping one candidate each, the pruned solve finds 15; the bound must still cover the exact 21.
    """
    totals = np.array([[7, 7], [0, 1], [1, 1], [4, 2], [3, 1], [7, 5], [5, 0], [1, 7]])
    exact = optimal(totals, **managers([1, 2]))
    pruned = optimal(totals, **managers([1, 2]), max_arcs=len(totals))
    assert exact.total_score == 21  # 7 + 7 + 7
    assert pruned.pruned and pruned.candidates_per_customer == 1
    assert pruned.upper_bound >= exact.total_score >= pruned.total_score
    assert pruned.optimality_gap >= (exact.total_score - pruned.total_score) / pruned.upper_bound
