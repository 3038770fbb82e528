"""The Django-free planning steps on hand-made snapshots (no database)."""
import ast
from pathlib import Path

import numpy as np

from matching import engine, planning


def snapshot(customer_manager, *, locked=None, active=(True, True), needs=None, capabilities=None):
    n_c, n_m = len(customer_manager), len(active)
    needs = np.ones((n_c, 2), dtype=np.uint8) if needs is None else np.asarray(needs, dtype=np.uint8)
    capabilities = (
        np.ones((n_m, 2), dtype=np.uint8) if capabilities is None else np.asarray(capabilities, dtype=np.uint8)
    )
    return planning.Snapshot(
        customer_ids=np.arange(1, n_c + 1, dtype=np.int64),
        customer_usernames=[f"c{i}" for i in range(n_c)],
        customer_manager=np.asarray(customer_manager, dtype=np.intp),
        customer_locked=np.asarray(locked if locked is not None else [False] * n_c, dtype=bool),
        customer_class=[""] * n_c,
        customer_needs=needs,
        customer_hobbies=np.zeros((n_c, 0), dtype=np.uint8),
        manager_ids=np.arange(101, 101 + n_m, dtype=np.int64),
        manager_usernames=[f"m{i}" for i in range(n_m)],
        manager_active=np.asarray(active, dtype=bool),
        manager_accepting=np.ones(n_m, dtype=bool),
        manager_capacity=np.full(n_m, 10, dtype=np.int64),
        manager_capabilities=capabilities,
        manager_hobbies=np.zeros((n_m, 0), dtype=np.uint8),
        service_names=["S0", "S1"],
        hobby_names=[],
    )


def test_planning_imports_no_django():
    tree = ast.parse(Path(planning.__file__).read_text())
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.startswith("django")]


def test_default_runs_place_only_unlocked_customers_without_an_active_manager():
    s = snapshot([-1, 0, 1, -1], locked=[False, False, False, True], active=(True, False))
    assert planning.placing_mask(s, rebalance=False).tolist() == [True, False, True, False]
    assert planning.placing_mask(s, rebalance=True).tolist() == [True, True, True, False]


def test_changes_are_named_and_carry_the_shared_terms():
    s = snapshot([-1, 0], needs=[[1, 1], [1, 0]], capabilities=[[1, 0], [1, 1]])
    totals = engine.TermTotals(s.customer_needs, s.customer_hobbies, s.manager_capabilities, s.manager_hobbies)
    scores = planning.Scores(
        active=np.arange(2), totals=totals, best=totals.best()[0], classes=np.zeros(2, dtype=np.intp)
    )
    plan = planning.plan_placement(s, scores, placing=np.array([True, False]), greedy=False)
    reasons = {engine.REASON_BEST: "best", engine.REASON_FALLBACK: "fallback", engine.REASON_NO_CAPACITY: "none"}
    changes = planning.plan_changes(s, plan, ["A", "A"], reasons=reasons)
    assert changes == [
        planning.Change(
            customer_id=1,
            customer="c0",
            previous_manager_id=None,
            previous_manager=None,
            new_manager_id=102,
            new_manager="m1",
            reason="best",
            customer_class="A",
            needs_match=2,
            hobbies_match=0,
            total=2,
            shared_needs=("S0", "S1"),
            shared_hobbies=(),
        )
    ]
    figures = planning.run_figures(s, plan, changes)
    assert (figures.customers_placed, figures.customers_moved, figures.total_score) == (1, 0, 2)


def test_optimal_limits_keep_fewer_candidates_when_every_customer_fits():
    """8 candidates each when the room holds everyone; 16 when it is short (or not known)."""
    fits = planning.optimal_limits(20_000, room=30_750)
    assert fits["max_candidates"] == planning.PLACEMENT_MAX_CANDIDATES == 8
    assert fits["target_gap"] == planning.PLACEMENT_TARGET_GAP
    for room in (19_999, None):
        short = planning.optimal_limits(20_000, room=room)
        assert short["max_candidates"] == planning.PLACEMENT_SHORT_ROOM_CANDIDATES == 16
    assert planning.optimal_limits(20_000, room=20_000)["max_candidates"] == 8  # exactly enough room fits
    assert fits["max_arcs"] == planning.optimal_limits(20_000)["max_arcs"]  # the arc budget does not change


def test_a_plan_keeps_customers_with_eligible_managers_and_a_move_cost_keeps_them_in_place():
    # Customer 0 may only be served by manager 1 (its branch); customer 1 is with manager 0 today (1 point)
    # and would gain one point at manager 2.
    s = snapshot([-1, 0], needs=[[1, 1], [1, 1]], capabilities=[[1, 0], [0, 1], [1, 1]], active=(True, True, True))
    totals = engine.TermTotals(s.customer_needs, s.customer_hobbies, s.manager_capabilities, s.manager_hobbies)
    eligibility = engine.Eligibility(np.array([0, 1]), np.array([[False, True, False], [True, True, True]]))
    best, needs_best, hobbies_best = totals.best(eligibility)
    classes = engine.classify(needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0))
    scores = planning.Scores(active=np.arange(3), totals=totals, best=best, classes=classes)
    everyone = np.array([True, True])
    for greedy in (True, False):
        plan = planning.plan_placement(s, scores, placing=everyone, greedy=greedy, eligibility=eligibility)
        assert plan.new_manager.tolist()[0] == 1
    moved = planning.plan_placement(s, scores, placing=everyone, greedy=False, eligibility=eligibility)
    kept = planning.plan_placement(s, scores, placing=everyone, greedy=False, eligibility=eligibility, move_cost=5)
    assert moved.new_manager.tolist() == [1, 2]
    assert kept.new_manager.tolist() == [1, 0]
