"""Time the matching engine on random portraits, without Django.

    python benchmarks/bench_engine.py --customers 5000 --managers 120 --seed 0
    python benchmarks/bench_engine.py --customers 100000 --managers 1000 --branches 20 --regions 4 --tiers 3 \
        --policy branch --no-greedy --capacity-plan
    python benchmarks/bench_engine.py --customers 100000 --managers 500 --flat --capacity 300 --no-greedy
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching import capacity as capacity_planning  # noqa: E402
from matching import engine  # noqa: E402
from matching.planning import optimal_limits  # noqa: E402


def random_terms(rng, n_rows, n_terms, low, high):
    """Multi-hot rows with ``low..high`` distinct terms each."""
    counts = rng.integers(low, high + 1, size=n_rows)
    ranks = rng.random((n_rows, n_terms)).argsort(axis=1).argsort(axis=1)
    return (ranks < counts[:, None]).astype(np.uint8)


def timed(label, func, *args, **kwargs):
    """Run and print wall and CPU time (on a shared machine the CPU time is the one to compare)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    print(f"{label:<28}{time.perf_counter() - start:9.3f} s wall {time.process_time() - cpu:9.3f} s cpu")
    return result


def trace_solves():
    """Wrap the engine's min-cost flows (plain and constrained) and restricted-price steps to print what each
    costs (figures only)."""
    solve, prices = engine._min_cost_flow, engine._restricted_prices

    def traced_solve(totals, free, load, n_place, candidates, extra=None):
        start, cpu = time.perf_counter(), time.process_time()
        assigned = solve(totals, free, load, n_place, candidates, extra=extra)
        added = 0 if extra is None else len(extra[0])
        kept = "every pair" if candidates is None else f"{candidates.shape[1]} candidates + {added} added pairs"
        print(f"  min-cost flow on {kept}: {time.perf_counter() - start:.1f} s wall "
              f"{time.process_time() - cpu:.1f} s cpu", flush=True)
        return assigned

    def traced_prices(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        found = prices(*args, **kwargs)
        print(f"  the solve's dual prices: {time.perf_counter() - start:.1f} s wall {time.process_time() - cpu:.1f} s "
              f"cpu{'' if found is not None else ' (none: falls back)'}", flush=True)
        return found

    engine._min_cost_flow, engine._restricted_prices = traced_solve, traced_prices
    constrained = engine._constrained_flow

    def traced_constrained(scored, free, load, n_place, arc_rows, arc_cols, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        assigned = constrained(scored, free, load, n_place, arc_rows, arc_cols, **kwargs)
        print(f"  constrained min-cost flow on {arc_rows.size} pairs of {scored.shape[0]} customers x "
              f"{scored.shape[1]} managers: {time.perf_counter() - start:.1f} s wall "
              f"{time.process_time() - cpu:.1f} s cpu", flush=True)
        return assigned

    engine._constrained_flow = traced_constrained


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--managers", type=int, default=120)
    parser.add_argument("--terms", type=int, default=16)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-arcs",
        type=int,
        default=None,
        help="arc budget of the pruned run (default: the run's, with its candidates and target gap)",
    )
    parser.add_argument(
        "--max-candidates",
        type=int,
        default=None,
        help="candidates per customer the pruned run starts with (default: the run's, planning.optimal_limits)",
    )
    parser.add_argument(
        "--target-gap", type=float,
        help="proven gap the pruned run widens to reach (default: the run's, planning.optimal_limits)",
    )
    parser.add_argument(
        "--exact-limit",
        type=int,
        default=engine.DEFAULT_MAX_ARCS * 4,
        help="skip the exact run above this many customer-manager arcs",
    )
    parser.add_argument("--branches", type=int, default=0, help="branches (0: none); customers and managers get one")
    parser.add_argument("--regions", type=int, default=1, help="regions the branches fall in")
    parser.add_argument("--tiers", type=int, default=1, help="service tiers (customers 70/25/5%%, managers 1-2 each)")
    parser.add_argument("--policy", choices=engine.BRANCH_POLICIES, default="branch")
    parser.add_argument("--region-penalty", type=int, default=2)
    parser.add_argument("--move-cost", type=int, default=0, help="score points a move costs (current: random)")
    parser.add_argument(
        "--flat", action="store_true",
        help="uniformly random portraits (each term with probability 1/2, managers too), no load, all eligible",
    )
    parser.add_argument("--no-greedy", action="store_true")
    parser.add_argument(
        "--trace", action="store_true",
        help="print each min-cost flow solve of the optimal placement (arcs added by widening, CPU time) and the "
             "time spent on the solves' own dual prices",
    )
    parser.add_argument("--capacity-plan", action="store_true", help="time capacity.seat_values")
    args = parser.parse_args()
    if args.terms < 6:
        parser.error("--terms must be at least 6 (customers have up to 6 of each)")

    rng = np.random.default_rng(args.seed)
    n_c, n_m, n_t = args.customers, args.managers, args.terms
    capacity = np.full(n_m, args.capacity)
    if args.flat:
        customer_needs, customer_hobbies = ((rng.random((n_c, n_t)) < 0.5).astype(np.uint8) for _ in range(2))
        manager_skills, manager_hobbies = ((rng.random((n_m, n_t)) < 0.5).astype(np.uint8) for _ in range(2))
        eligible, load = np.ones(n_m, bool), np.zeros(n_m, np.int64)
    else:
        customer_needs = random_terms(rng, n_c, n_t, 2, 6)
        customer_hobbies = random_terms(rng, n_c, n_t, 2, 6)
        manager_skills = random_terms(rng, n_m, n_t, min(4, n_t), min(10, n_t))
        manager_hobbies = random_terms(rng, n_m, n_t, 3, min(8, n_t))
        eligible = rng.random(n_m) < 0.9
        # Some load of customers who are not being placed in this run.
        load = rng.integers(0, args.capacity // 3 + 1, size=n_m)
    eligibility = None
    if args.branches or args.tiers > 1:
        branches = max(args.branches, 1)
        tier_share = np.array([0.70, 0.25, 0.05])[:args.tiers] if args.tiers <= 3 else np.full(args.tiers, 1.0)
        customer_tier = rng.choice(args.tiers, size=n_c, p=tier_share / tier_share.sum())
        manager_tiers = np.zeros((n_m, args.tiers), bool)
        manager_tiers[np.arange(n_m), rng.integers(0, args.tiers, n_m)] = True
        manager_tiers[np.arange(n_m), rng.integers(0, args.tiers, n_m)] = True
        eligibility = engine.eligibility_groups(
            rng.integers(0, branches, n_c), customer_tier, np.arange(n_m) % branches, manager_tiers,
            np.arange(branches) % max(args.regions, 1), policy=args.policy, region_penalty=args.region_penalty,
        )
        print(f"{branches} branches in {args.regions} regions, {args.tiers} tiers, policy {args.policy}: "
              f"{eligibility.n_groups} groups, {int(eligibility.allowed.sum())} allowed group-manager pairs")
    current = rng.integers(-1, n_m, n_c) if args.move_cost else None
    room = int(np.where(eligible, np.maximum(capacity - load, 0), 0).sum())
    print(f"{n_c} customers x {n_m} managers, {n_t} terms, seed {args.seed}")
    print(f"free room {room} on {int(eligible.sum())} eligible managers")

    start = time.perf_counter()
    # As a run scores: totals computed from the terms when read, never held whole.
    totals = engine.TermTotals(customer_needs, customer_hobbies, manager_skills, manager_hobbies)
    best, needs_best, hobbies_best = totals.best(eligibility)
    classes = engine.classify(needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0))
    print(f"{'best/classify':<28}{time.perf_counter() - start:9.3f} s")
    counts = np.bincount(classes, minlength=len(engine.CLASS_LABELS))
    print("classes " + " ".join(f"{c}={n}" for c, n in zip(engine.CLASS_LABELS, counts)))

    if args.trace:
        trace_solves()
    managers = dict(eligible=eligible, capacity=capacity, load=load)
    constraints = {"eligibility": eligibility}
    results = {}
    if not args.no_greedy:
        results["greedy"] = timed("greedy", engine.place_greedy, totals, best, classes, **managers, **constraints)
    if current is not None:
        constraints.update(current=current, move_cost=args.move_cost)
    full_arcs = n_c * n_m
    if full_arcs <= args.exact_limit:
        results["optimal exact"] = timed(
            "optimal exact",
            engine.place_optimal,
            totals,
            best,
            max_arcs=full_arcs,
            **managers,
            **constraints,
        )
    pruning = {"max_arcs": args.max_arcs} if args.max_arcs else optimal_limits(n_c, room)
    if args.max_candidates:
        pruning["max_candidates"] = args.max_candidates
    if args.target_gap is not None:
        pruning["target_gap"] = args.target_gap
    results["optimal pruned"] = timed(
        "optimal pruned", engine.place_optimal, totals, best, **pruning, **managers, **constraints
    )
    if args.capacity_plan:
        limits = {key: value for key, value in pruning.items() if key != "target_gap"}
        values = timed("capacity plan (seat values)", capacity_planning.seat_values, totals, **managers,
                       **constraints, **limits)
        exact = values.placement
        print(f"capacity plan's exact plan: placed {int((exact.assigned >= 0).sum())}, objective {exact.objective}")
        print(f"seats: one more places {int(values.placed_plus.sum())} more over all managers "
              f"({int((values.placed_plus > 0).sum())} managers), best extra seat +{int(values.score_plus.max())} "
              f"points, {int((values.score_plus == 0).sum())} worth nothing; one fewer costs up to "
              f"{int(-values.score_minus.min())} points")

    for label, placement in results.items():
        placed = int((placement.assigned >= 0).sum())
        kept = placement.candidates_per_customer
        extra = (
            f"  (top {kept} per customer; proven within {100 * placement.optimality_gap:.3f} % of exact)"
            if placement.pruned else ""
        )
        objective = "" if placement.objective_scores is None else f"  objective {placement.objective:>9}"
        print(f"{label:<16}placed {placed:>7}  total {placement.total_score:>9}{objective}{extra}")
    if "optimal exact" in results:
        exact = results["optimal exact"].total_score
        pruned = results["optimal pruned"].total_score
        print(f"pruned vs exact gap {100 * (exact - pruned) / max(exact, 1):.4f} %")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
