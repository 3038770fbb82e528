"""Capacity planning for the optimal rule, without Django: what a seat is worth, what continuity costs,
and what a changed team would do.

Like `engine.py` this module imports no Django and takes arrays: rows are customers being placed,
columns are managers, as in `engine.place_optimal`.

The optimal rule's objective is lexicographic: first the number of customers placed (P), then the score
S (the sum of totals, less region penalties, less ``move_cost`` for each customer moved away from their
current manager; a move that gains exactly ``move_cost`` is a tie in S, which the plan breaks by keeping the
customer), then even loads. The seat values are
defined on (P, S): for manager j,

    placed_plus[j], score_plus[j]   = P(c + e_j) - P(c), S(c + e_j) - S(c)
    placed_minus[j], score_minus[j] = P(c - e_j) - P(c), S(c - e_j) - S(c)

where c are the capacities, e_j is one seat at j, and (P, S) are those of an optimal plan (every optimal
plan has the same P and S; evenness only chooses among them). So a seat whose only use is to place one
more customer at a worse fit elsewhere shows ``placed_plus = 1`` with a negative ``score_plus``: placing
comes first.

How they are computed, exactly: the plan is a flow that is optimal when its residual graph has no cycle
of negative cost in (P, S). Customers are many and managers few, so the residual graph is condensed to
the managers plus a source s and a sink t (moving one customer from manager a to b; dropping a customer
of a; placing an unplaced customer at b; a free seat). Each independent part that fits the arc budget is
solved on every pair; otherwise the plan starts from a few candidates per customer and is certified by
column generation: Bellman-Ford over the candidates' condensed graph gives potentials, one pass prices
every pair with them, and pairs of negative reduced cost join the candidates until none is left (a
cycle among the candidates themselves doubles them). Then:

- one more seat at j is worth the best path from t to j (take a seat somewhere, or place someone, and
  shift customers along until one lands at j), or nothing when no path gains;
- one fewer seat at a full j costs the best path from j to t (move one of j's customers on, along a
  chain, to a free seat, or drop someone); a seat j does not fill costs nothing.

Both are single-source shortest paths, so every manager's four numbers come from two passes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import engine


@dataclass(frozen=True)
class SeatValues:
    """What one seat more or less at each manager changes in the optimal plan.

    Attributes
    ----------
    placed_plus, score_plus, placed_minus, score_minus : ndarray of shape (n_managers,), dtype int64
        Change in customers placed and in the objective's score (see the module's docstring) with the
        manager's capacity one higher / one lower than today; 0 for a manager that takes no customers
        (not eligible) or whose load already exceeds the changed capacity.
    placement : engine.Placement
        An optimal plan, certified exact in placed count and score (loads are not evened out: the
        numbers do not depend on it).
    """

    placed_plus: np.ndarray
    score_plus: np.ndarray
    placed_minus: np.ndarray
    score_minus: np.ndarray
    placement: engine.Placement


def seat_values(
    totals,
    *,
    eligible,
    capacity,
    load,
    eligibility=None,
    current=None,
    move_cost=0,
    max_arcs=1_000_000,
    max_candidates=4,
):
    """Every manager's ``placed_plus``, ``score_plus``, ``placed_minus`` and ``score_minus``, exactly.

    Parameters
    ----------
    totals : ndarray of shape (n_customers, n_managers), or engine.TermTotals
        Non-negative integer scores of the customers being placed.
    eligible : ndarray of shape (n_managers,), dtype bool
    capacity : ndarray of shape (n_managers,), int >= 1
    load : ndarray of shape (n_managers,), int >= 0
        Customers held that are not being placed.
    eligibility : engine.Eligibility or None
    current : ndarray of shape (n_customers,), integer in [-1, n_managers), or None
    move_cost : int >= 0
    max_arcs : int
        Up to this many allowed pairs the plan is solved on every pair.
    max_candidates : int
        Above, each customer's best pairs by price it starts from; pairs are added until the residual
        graph certifies the plan exact on every pair.

    Returns
    -------
    SeatValues
    """
    problem = _Problem(totals, eligible, capacity, load, eligibility, current, move_cost)
    # Independent parts (groups and the managers that could take them with one seat more) apart: each
    # part's passes over its pairs only.
    could_grow = engine.free_room(problem.eligible, problem.capacity + 1, problem.load)
    parts = list(engine._parts(problem.eligibility, could_grow))
    if len(parts) <= 1:
        return _seat_values(problem, max_arcs=max_arcs, max_candidates=max_candidates)
    n_customers, n_managers = problem.n_customers, problem.n_managers
    assigned = np.full(n_customers, -1, dtype=np.intp)
    numbers = [np.zeros(n_managers, np.int64) for _ in range(4)]
    for rows, cols in parts:
        part = _seat_values(problem.part(rows, cols), max_arcs=max_arcs, max_candidates=max_candidates)
        placed = part.placement.assigned >= 0
        assigned[rows[placed]] = cols[part.placement.assigned[placed]]
        for whole, of_part in zip(numbers, (part.placed_plus, part.score_plus, part.placed_minus, part.score_minus)):
            whole[cols] = of_part
    placement = engine._placement(
        problem.totals, np.full(n_customers, -1), assigned, eligibility=problem.eligibility, free=problem.free,
        objective_scores=engine._objective_scores(
            problem.totals, problem.eligibility, problem.current if problem.move_cost else None,
            problem.move_cost, assigned,
        ),
    )
    return SeatValues(*numbers, placement)


def _seat_values(problem, *, max_arcs, max_candidates):
    placement, condensed = problem.exact_plan(max_arcs=max_arcs, max_candidates=max_candidates)
    n_managers = problem.n_managers
    placed_plus, score_plus = np.zeros(n_managers, np.int64), np.zeros(n_managers, np.int64)
    placed_minus, score_minus = np.zeros(n_managers, np.int64), np.zeros(n_managers, np.int64)

    cost, big, t = condensed.cost, condensed.big, condensed.sink
    # One more seat: the best path t -> j (edges into t are of no use on it).
    into = cost.copy()
    into[:, t] = np.inf
    gain = -_shortest_from(into, t)[:n_managers]
    grows = problem.eligible & (problem.capacity + 1 - problem.load > 0)
    gain = np.where(grows & np.isfinite(gain), np.maximum(gain, 0), 0)
    placed_plus[:], score_plus[:] = _split(gain, big)
    # One fewer seat at a manager whose free seats are all used: the best path j -> t.
    out = cost.copy()
    out[t, :] = np.inf
    loss = _shortest_from(out.T, t)[:n_managers]
    full = (problem.free > 0) & (condensed.flow == problem.free)
    loss = np.where(full, -loss, 0)
    placed_minus[:], score_minus[:] = _split(loss, big)
    return SeatValues(placed_plus, score_plus, placed_minus, score_minus, placement)


@dataclass(frozen=True)
class Shortfall:
    """Per customer group (a branch and tier of `engine.eligibility_groups`): who the plan leaves out or
    places below their best eligible manager.

    Attributes
    ----------
    customers, unassigned, below_best : ndarray of shape (n_groups,), dtype int64
    points_short : ndarray of shape (n_groups,), dtype int64
        Sum, over the group's placed customers, of their best eligible total less the total they got.
    """

    customers: np.ndarray
    unassigned: np.ndarray
    below_best: np.ndarray
    points_short: np.ndarray


def shortfall_by_group(placement, best_totals, customer_group, n_groups):
    """The bottleneck customers of a plan, counted by group.

    Parameters
    ----------
    placement : engine.Placement
    best_totals : ndarray of shape (n_customers,), integer
        Each customer's total with their best eligible manager (0 without one).
    customer_group : ndarray of shape (n_customers,), integer in [0, n_groups)
    n_groups : int

    Returns
    -------
    Shortfall
    """
    assigned = np.asarray(placement.assigned)
    best_totals, customer_group = np.asarray(best_totals), np.asarray(customer_group)
    if best_totals.shape != assigned.shape or customer_group.shape != assigned.shape:
        raise ValueError(
            f"best_totals of shape {best_totals.shape} and customer_group of shape {customer_group.shape} "
            f"must match assigned of shape {assigned.shape}"
        )
    if customer_group.size and (customer_group.min() < 0 or customer_group.max() >= n_groups):
        raise ValueError(f"customer_group must lie in [0, {n_groups})")
    placed = assigned >= 0
    short = np.where(placed, best_totals - placement.scores, 0)

    def count(weights=None):
        return np.bincount(customer_group, weights=weights, minlength=n_groups).astype(np.int64)

    return Shortfall(
        customers=count(),
        unassigned=count((~placed).astype(np.int64)),
        below_best=count((short > 0).astype(np.int64)),
        points_short=count(short),
    )


def seat_values_by(values, manager_key, n_keys):
    """Sum each manager's four seat numbers over a key of the managers (branch, region, tier served):
    where seats are worth most.

    Parameters
    ----------
    values : SeatValues
    manager_key : ndarray of shape (n_managers,), integer in [-1, n_keys)
        -1: counted under no key.
    n_keys : int

    Returns
    -------
    dict of str to ndarray of shape (n_keys,), dtype int64
        ``placed_plus``, ``score_plus``, ``placed_minus``, ``score_minus``.
    """
    manager_key = np.asarray(manager_key)
    if manager_key.shape != values.placed_plus.shape:
        raise ValueError(f"manager_key of shape {manager_key.shape} must be of shape {values.placed_plus.shape}")
    keyed = manager_key >= 0
    return {
        name: np.bincount(manager_key[keyed], weights=getattr(values, name)[keyed], minlength=n_keys).astype(np.int64)
        for name in ("placed_plus", "score_plus", "placed_minus", "score_minus")
    }


@dataclass(frozen=True)
class PlanFigures:
    """The figures of a plan that staff compare: placed, unassigned, total and mean score, class mix,
    moves against today.

    Attributes
    ----------
    placed, unassigned : int
    total_score : int
        Sum of the plain totals of placed customers.
    mean_score : float
        ``total_score / placed`` (0.0 when nobody is placed).
    class_counts : tuple of 5 ints
        Customers per class A..E, each class the fit with the best eligible manager of the plan's team.
    moves : int
        Customers with a manager today whose manager differs in the plan (or who have none in it).
    """

    placed: int
    unassigned: int
    total_score: int
    mean_score: float
    class_counts: tuple
    moves: int


def plan_figures(placement, classes, current=None):
    """`PlanFigures` of a placement.

    Parameters
    ----------
    placement : engine.Placement
    classes : ndarray of shape (n_customers,), integer in [0, 4]
    current : ndarray of shape (n_customers,), integer, or None
        Each customer's manager today, in the placement's columns (-1: none; a manager that is not in
        the plan's team, such as a removed one, any value that no placement uses).

    Returns
    -------
    PlanFigures
    """
    assigned = np.asarray(placement.assigned)
    classes = np.asarray(classes)
    if classes.shape != assigned.shape:
        raise ValueError(f"classes of shape {classes.shape} and assigned of shape {assigned.shape} differ")
    placed = int((assigned >= 0).sum())
    moves = 0
    if current is not None:
        current = np.asarray(current)
        if current.shape != assigned.shape:
            raise ValueError(f"current of shape {current.shape} and assigned of shape {assigned.shape} differ")
        moves = int(((current >= 0) & (current != assigned)).sum())
    counts = np.bincount(classes, minlength=len(engine.CLASS_LABELS))
    return PlanFigures(
        placed=placed,
        unassigned=int(assigned.size - placed),
        total_score=placement.total_score,
        mean_score=placement.total_score / placed if placed else 0.0,
        class_counts=tuple(int(c) for c in counts),
        moves=moves,
    )


@dataclass(frozen=True)
class CurvePoint:
    """One move cost's plan: how many customers move and how much score that gains over staying put.

    ``solved`` is False when the point was not solved: its plan is a lower cost's, which moves no one and is
    optimal for this cost too (see `move_cost_curve`)."""

    move_cost: int
    moves: int
    score_gained: int
    placement: engine.Placement
    solved: bool = True


def move_cost_curve(totals, best, *, eligible, capacity, load, current, move_costs, eligibility=None, **limits):
    """The optimal plan for each of a handful of move costs, for the preview's chart of moves against gain.

    The costs are planned together, lowest first, on the same inputs, and a cost is not solved when the
    objective shows its plan already. With move cost N a plan is worth S + N * K (S its score, K the
    customers it keeps with their manager): a line in N. Once the plan of some cost moves no one, any plan
    that moves someone loses (N' - N) per move more at a higher cost N', while the plans that move no one
    all shift alike: so every higher cost has a plan that moves no one with the same score, and is not
    solved. With region penalties S is not the plain score, so every cost is solved.

    Parameters
    ----------
    totals, best, eligible, capacity, load, eligibility : as in `engine.place_optimal`
    current : ndarray of shape (n_customers,), integer in [-1, n_managers)
        Each customer's manager today.
    move_costs : sequence of int >= 0
    **limits
        ``max_arcs``, ``max_candidates``, ``target_gap`` for every solve.

    Returns
    -------
    list of CurvePoint
        In the order of ``move_costs``. ``score_gained`` is the plan's total score less the total of
        the customers with their current managers (plain totals: what staff read). When plans are pruned
        (proven within a gap rather than exact) a point not solved is within the gap of the plan it reuses.
    """
    move_costs = [int(n) for n in move_costs]
    if any(n < 0 for n in move_costs):
        raise ValueError(f"move_costs must be non-negative, got {move_costs}")
    current = engine._column_vector("current", current, *totals.shape)
    before = int(engine._at_columns(totals, current).sum())
    shortcut = eligibility is None or eligibility.penalty is None or not np.any(eligibility.penalty)
    points: dict[int, CurvePoint] = {}
    still = None  # the first plan that moves no one
    for n in sorted(set(move_costs)):
        if still is not None:
            points[n] = CurvePoint(n, 0, still.score_gained, still.placement, solved=False)
            continue
        placement = engine.place_optimal(
            totals, best, eligible=eligible, capacity=capacity, load=load, eligibility=eligibility,
            current=current, move_cost=n, **limits,
        )
        moves = int(((current >= 0) & (placement.assigned != current)).sum())
        points[n] = CurvePoint(n, moves, placement.total_score - before, placement)
        if shortcut and moves == 0:
            still = points[n]
    return [points[n] for n in move_costs]


@dataclass(frozen=True)
class HypotheticalManager:
    """A manager who does not exist yet, for a what-if scenario.

    Attributes
    ----------
    capabilities : ndarray of shape (n_services,), 0/1
    hobbies : ndarray of shape (n_hobbies,), 0/1
    capacity : int >= 1
    allowed : ndarray of shape (n_groups,), dtype bool, or None
        The customer groups of the scenario's eligibility this manager may serve (None: every group).
    penalty : ndarray of shape (n_groups,), integer >= 0, or None
    """

    capabilities: np.ndarray
    hobbies: np.ndarray
    capacity: int
    allowed: np.ndarray | None = None
    penalty: np.ndarray | None = None


@dataclass(frozen=True)
class Scenario:
    """Changes to today's team: capacities by manager column, managers removed, managers added.

    Attributes
    ----------
    capacity : dict of int to int
        New capacity (>= 0) per manager column; 0 takes no new customer.
    removed : tuple of int
        Manager columns taken out of the team: their customers must move, and they are nobody's best.
    added : tuple of HypotheticalManager
        Appended after the kept managers, in order.
    """

    capacity: dict = None
    removed: tuple = ()
    added: tuple = ()


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's optimal plan and its figures.

    Attributes
    ----------
    placement : engine.Placement
        Over the scenario's team: ``columns[k]`` is the manager column of today's team of its column k,
        -1 for an added manager (the i-th added one is column ``len(kept) + i``).
    classes : ndarray of shape (n_customers,), dtype int8
    figures : PlanFigures
        Moves counted against ``current`` (a customer of a removed manager always moves).
    columns : ndarray of shape (n_team,), dtype intp
    """

    placement: engine.Placement
    classes: np.ndarray
    figures: PlanFigures
    columns: np.ndarray


def solve_scenario(
    customer_needs,
    customer_hobbies,
    manager_capabilities,
    manager_hobbies,
    *,
    eligible,
    capacity,
    load,
    scenario=None,
    eligibility=None,
    current=None,
    move_cost=0,
    thresholds=engine.DEFAULT_THRESHOLDS,
    upgrade_margin=engine.DEFAULT_UPGRADE_MARGIN,
    **limits,
):
    """The optimal plan of a what-if team, and the figures staff compare with today's (no Scenario).

    Parameters
    ----------
    customer_needs : ndarray of shape (n_customers, n_services), 0/1
    customer_hobbies : ndarray of shape (n_customers, n_hobbies), 0/1
    manager_capabilities : ndarray of shape (n_managers, n_services), 0/1
    manager_hobbies : ndarray of shape (n_managers, n_hobbies), 0/1
    eligible, capacity, load : ndarray of shape (n_managers,)
        As in `engine.place_optimal`, for today's team.
    scenario : Scenario or None
        None: today's team.
    eligibility : engine.Eligibility or None
        Over today's team; added managers bring their own column.
    current : ndarray of shape (n_customers,), integer in [-1, n_managers), or None
    move_cost : int >= 0
    thresholds, upgrade_margin : as in `engine.classify`
    **limits
        ``max_arcs``, ``max_candidates``, ``target_gap`` of the placement.

    Returns
    -------
    ScenarioResult
    """
    scenario = scenario or Scenario()
    manager_capabilities, manager_hobbies = np.asarray(manager_capabilities), np.asarray(manager_hobbies)
    n_managers = manager_capabilities.shape[0]
    eligible, capacity, load = (np.asarray(v) for v in (eligible, capacity, load))
    for name, values in (("eligible", eligible), ("capacity", capacity), ("load", load)):
        if values.shape != (n_managers,):
            raise ValueError(f"{name} must be of shape ({n_managers},), got shape {values.shape}")
    n_customers = np.asarray(customer_needs).shape[0]
    # Nothing constrains: the engine's plain placement, as a run without branches or tiers gets.
    unconstrained = eligibility is None and all(h.allowed is None and h.penalty is None for h in scenario.added)
    if eligibility is None:
        eligibility = engine.Eligibility(np.zeros(n_customers, np.intp), np.ones((1, n_managers), bool))
    eligibility = engine._eligibility_inputs(eligibility, n_customers, n_managers)
    removed = set(int(j) for j in scenario.removed)
    if any(not 0 <= j < n_managers for j in removed):
        raise ValueError(f"removed managers must lie in [0, {n_managers}), got {sorted(removed)}")
    kept = np.array([j for j in range(n_managers) if j not in removed], dtype=np.intp)
    new_capacity = capacity.astype(np.int64).copy()
    for j, value in (scenario.capacity or {}).items():
        if not 0 <= int(j) < n_managers or int(value) < 0:
            raise ValueError(f"capacity changes must name a manager in [0, {n_managers}) and be >= 0, got {j}: {value}")
        new_capacity[int(j)] = int(value)
    added = tuple(scenario.added)
    n_groups = eligibility.n_groups
    allowed_added = np.array(
        [np.ones(n_groups, bool) if h.allowed is None else np.asarray(h.allowed, bool) for h in added], dtype=bool
    ).reshape(len(added), n_groups)
    penalty_added = np.array(
        [np.zeros(n_groups, np.int64) if h.penalty is None else np.asarray(h.penalty, np.int64) for h in added],
        dtype=np.int64,
    ).reshape(len(added), n_groups)
    team_capabilities = np.vstack([manager_capabilities[kept], *(np.asarray(h.capabilities)[None] for h in added)])
    team_hobbies = np.vstack([manager_hobbies[kept], *(np.asarray(h.hobbies)[None] for h in added)])
    team_capacity = np.concatenate([new_capacity[kept], [int(h.capacity) for h in added]]).astype(np.int64)
    team_eligible = np.concatenate([eligible[kept], np.ones(len(added), bool)]) & (team_capacity > 0)
    team_load = np.concatenate([load[kept], np.zeros(len(added), np.int64)]).astype(np.int64)
    team_eligibility = None if unconstrained else engine.Eligibility(
        eligibility.customer_group,
        np.hstack([eligibility.allowed[:, kept], allowed_added.T]),
        None if eligibility.penalty is None and not penalty_added.any() else np.hstack([
            np.zeros((n_groups, kept.size), np.int64) if eligibility.penalty is None else eligibility.penalty[:, kept],
            penalty_added.T,
        ]),
    )
    columns = np.concatenate([kept, np.full(len(added), -1, dtype=np.intp)])
    team_current = None
    if current is not None:
        current = engine._column_vector("current", current, n_customers, n_managers)
        lookup = np.full(n_managers + 1, -1, dtype=np.intp)
        lookup[kept] = np.arange(kept.size)
        team_current = lookup[current]
    totals = engine.TermTotals(customer_needs, customer_hobbies, team_capabilities, team_hobbies)
    best, needs_best, hobbies_best = totals.best(team_eligibility)
    classes = engine.classify(
        needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0),
        thresholds=thresholds, upgrade_margin=upgrade_margin,
    )
    placement = engine.place_optimal(
        totals, best, eligible=team_eligible, capacity=np.maximum(team_capacity, 1), load=team_load,
        eligibility=team_eligibility, current=team_current, move_cost=move_cost, **limits,
    )
    moved_from = None
    if current is not None:
        # A customer of a removed manager moves whatever the plan does: compare with a column nobody gets.
        moved_from = np.where((current >= 0) & (team_current < 0), columns.size, team_current)
    return ScenarioResult(placement, classes, plan_figures(placement, classes, moved_from), columns)


# --- the certified plan and its condensed residual graph ------------------------------------------------


@dataclass(frozen=True)
class _Condensed:
    cost: np.ndarray   # (n_managers + 2, n_managers + 2) float64, +inf: no edge; lexicographic big * P + S
    big: int
    flow: np.ndarray   # (n_managers,) customers of this run placed at each manager
    source: int
    sink: int


class _Problem:
    """The checked inputs of one optimal placement, and the engine's view of them."""

    def __init__(self, totals, eligible, capacity, load, eligibility, current, move_cost):
        totals, _, eligible, capacity, load = engine._placement_inputs(
            totals, np.full(totals.shape[0], -1), eligible, capacity, load
        )
        n_customers, n_managers = totals.shape
        if eligibility is None:
            eligibility = engine.Eligibility(np.zeros(n_customers, np.intp), np.ones((1, n_managers), bool))
        eligibility = engine._eligibility_inputs(eligibility, n_customers, n_managers)
        if current is not None:
            current = engine._column_vector("current", current, n_customers, n_managers)
        if not isinstance(move_cost, (int, np.integer)) or move_cost < 0:
            raise ValueError(f"move_cost must be a non-negative int, got {move_cost!r}")
        self.totals, self.eligible, self.capacity, self.load = totals, eligible, capacity, load
        self.eligibility, self.current, self.move_cost = eligibility, current, int(move_cost)
        self.n_customers, self.n_managers = n_customers, n_managers
        self.free = engine.free_room(eligible, capacity, load)
        self.scored = engine._Effective(totals, eligibility, current if move_cost else None, int(move_cost))

    def part(self, rows, cols):
        """The same problem for some customers and managers only (an independent part)."""
        groups, part_group = np.unique(self.eligibility.customer_group[rows], return_inverse=True)
        penalty = self.eligibility.penalty
        eligibility = engine.Eligibility(
            part_group.astype(np.intp),
            self.eligibility.allowed[np.ix_(groups, cols)],
            None if penalty is None else penalty[np.ix_(groups, cols)],
        )
        current = None
        if self.current is not None:
            lookup = np.full(self.n_managers + 1, -1, dtype=np.intp)
            lookup[cols] = np.arange(cols.size)
            current = lookup[self.current[rows]]
        return _Problem(
            engine._sub_totals(self.totals, rows, cols), self.eligible[cols], self.capacity[cols], self.load[cols],
            eligibility, current, self.move_cost,
        )

    def place(self, *, max_arcs, max_candidates):
        # Without the even-loads tie-break: the same placed count and score, a smaller and faster flow.
        return engine._place_constrained(
            self.totals, np.full(self.n_customers, -1), self.free, self.load, self.eligibility,
            self.current if self.move_cost else None, self.move_cost,
            max_arcs=max_arcs, max_candidates=max_candidates, target_gap=None, even=False,
        )

    def exact_plan(self, *, max_arcs, max_candidates):
        """An optimal placement (placed count, then score) and its condensed residual graph, certified exact.

        Small problems (each independent part, as the branch policy makes them) are solved on every
        allowed pair. Larger ones start from each customer's
        ``max_candidates`` best pairs by price (and their current manager's), then add columns: the
        residual graph of the candidates gives potentials (Bellman-Ford), every pair is priced with them
        in one pass over the totals, and pairs of negative reduced cost join the candidates for another
        solve; none left means the plan is exact on every pair.
        """
        eligibility, free = self.eligibility, self.free
        open_pairs = (eligibility.allowed & (free > 0)).sum(axis=1)
        part_arcs = [
            int(open_pairs[eligibility.customer_group[rows]].sum()) for rows, _ in engine._parts(eligibility, free)
        ]
        if max(part_arcs, default=0) <= max_arcs:  # each independent part on every pair (one per branch, say)
            placement = self.place(max_arcs=max_arcs, max_candidates=None)
            return placement, self.condense(placement.assigned)
        n_place = engine._max_placed(eligibility, free)
        k = min(max_candidates or 4, self.n_managers)
        rows, cols = self.candidates(k)
        while True:
            assigned = engine._constrained_flow(
                self.scored, free, self.load, n_place, rows, cols, overflow=True, even=False
            )
            placed = np.flatnonzero(assigned >= 0)
            arc_rows, arc_cols = np.concatenate([rows, placed]), np.concatenate([cols, assigned[placed]])
            restricted = self.condense(assigned, arcs=(arc_rows, arc_cols))
            potentials = _potentials(restricted.cost)
            if potentials is None:  # the candidates' own residual graph has a cycle: widen them all
                k = min(2 * k, self.n_managers)
                rows, cols = self.candidates(k)
                continue
            extra_rows, extra_cols = self.violations(assigned, restricted.big, potentials)
            if not extra_rows.size:
                placement = engine._placement(
                    self.totals, np.full(self.n_customers, -1), assigned, eligibility=eligibility, free=free,
                    objective_scores=engine._objective_scores(
                        self.totals, eligibility, self.current if self.move_cost else None, self.move_cost, assigned
                    ),
                    pruned=True, candidates_per_customer=k,
                )
                return placement, self.condense(assigned)
            rows, cols = np.concatenate([arc_rows, extra_rows]), np.concatenate([arc_cols, extra_cols])

    def candidates(self, k):
        """(rows, cols) of each customer's k best allowed pairs by price, and of their current manager."""
        scored, free = self.scored, self.free
        sample = engine._sample_rows(
            self.n_customers, max(engine._PRICE_SAMPLE, engine._PRICE_ROWS_PER_MANAGER * self.n_managers)
        )
        sample_scores = engine._dense_rows(scored, slice(None) if sample is None else sample)
        share = sample_scores.shape[0] / self.n_customers
        target = float(np.maximum(sample_scores.max(axis=1), 0).sum()) if sample_scores.size else 0.0
        prices, _ = engine._dual_prices(sample_scores, free * share, target=0.9 * target)
        top, _ = engine._top_k_by_price(scored, free, prices, k)
        rows, cols = np.repeat(np.arange(self.n_customers), k), top.ravel()
        if self.current is not None and self.move_cost:
            has = np.flatnonzero(self.current >= 0)
            rows, cols = np.concatenate([rows, has]), np.concatenate([cols, self.current[has]])
        keep = scored.allowed_pairs(rows, cols)
        return rows[keep], cols[keep]

    def violations(self, assigned, big, potentials, per_customer=4):
        """Pairs of negative reduced cost under the potentials (at most ``per_customer`` each, most negative
        first), in one pass over every pair."""
        m = self.n_managers
        s = m
        worth = np.zeros(self.n_customers, dtype=np.float64)
        placed = np.flatnonzero(assigned >= 0)
        worth[placed] = self.scored.pairs(placed, assigned[placed])
        # Reduced cost of pair (i, j): base_i - eff_ij - potential_j.
        base = np.where(assigned >= 0, worth + potentials[np.maximum(assigned, 0)], -big + potentials[s])
        found_rows, found_cols = [], []
        for start, block in self.scored.blocks():
            eff = block.astype(np.float64)
            eff[block == engine._NO_ARC] = -np.inf  # no pair: an infinite reduced cost
            reduced = base[start:start + len(block), None] - eff - potentials[None, :m]
            own = assigned[start:start + len(block)]
            has = np.flatnonzero(own >= 0)
            reduced[has, own[has]] = 0.0
            bad_rows = np.flatnonzero((reduced < 0).any(axis=1))
            if not bad_rows.size:
                continue
            worst = engine._top_k(-reduced[bad_rows], min(per_customer, m))
            r = np.repeat(bad_rows, worst.shape[1])
            c = worst.ravel()
            keep = reduced[r, c] < 0
            found_rows.append(start + r[keep])
            found_cols.append(c[keep])
        if not found_rows:
            return np.empty(0, np.intp), np.empty(0, np.intp)
        return np.concatenate(found_rows), np.concatenate(found_cols)

    def condense(self, assigned, arcs=None):
        """The residual graph of a placement, condensed to managers, a source s and a sink t (over every
        allowed pair, or over the pairs ``arcs = (rows, cols)`` only).

        Edge costs are ``-(big * dP + dS)`` of the change the edge makes: manager a -> b moves the
        cheapest-to-move customer of a to b; a -> s drops a customer of a; s -> b places the best
        unplaced customer at b; t -> a frees a seat a uses; b -> t takes a free seat at b; t -> s and
        s -> t change the number of units the flow carries.
        """
        n, m = self.n_customers, self.n_managers
        placed = np.flatnonzero(assigned >= 0)
        flow = np.bincount(assigned[placed], minlength=m).astype(np.int64)
        worth = np.zeros(n, dtype=np.int64)
        worth[placed] = self.scored.pairs(placed, assigned[placed])
        top = self.scored.max_abs()
        big = 4 * (m + 2) * (top + 1) + 1
        cost = np.full((m + 2, m + 2), np.inf)
        move = cost[:m, :m]  # a view: moves between managers
        drop = np.full(m, np.inf)
        best_unplaced = np.full(m, -np.inf)
        if arcs is not None:
            rows, cols = arcs
            eff = self.scored.pairs(rows, cols).astype(np.float64)
            owner = assigned[rows]
            on = owner >= 0
            np.minimum.at(cost, (owner[on], cols[on]), worth[rows[on]] - eff[on])
            np.maximum.at(best_unplaced, cols[~on], eff[~on])
            np.minimum.at(drop, assigned[placed], big + worth[placed])
            return self._finish(cost, drop, best_unplaced, flow, big, placed)
        order = placed[np.argsort(assigned[placed], kind="stable")]
        unplaced = np.flatnonzero(assigned < 0)
        step = max(1, engine._BLOCK_CELLS // max(m, 1))
        for start in range(0, order.size, step):
            rows = order[start:start + step]
            eff = self.scored.rows(rows).astype(np.float64)
            eff[eff == engine._NO_ARC] = -np.inf
            moved = worth[rows, None] - eff  # +inf where not allowed
            owners = assigned[rows]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            heads = owners[starts]
            move[heads] = np.minimum(move[heads], np.minimum.reduceat(moved, starts, axis=0))
            drop[heads] = np.minimum(drop[heads], np.minimum.reduceat(big + worth[rows], starts))
        for start in range(0, unplaced.size, step):
            eff = self.scored.rows(unplaced[start:start + step]).astype(np.float64)
            eff[eff == engine._NO_ARC] = -np.inf
            best_unplaced = np.maximum(best_unplaced, eff.max(axis=0))
        return self._finish(cost, drop, best_unplaced, flow, big, placed)

    def _finish(self, cost, drop, best_unplaced, flow, big, placed):
        m = self.n_managers
        s, t = m, m + 1
        np.fill_diagonal(cost[:m, :m], np.inf)
        cost[:m, s] = drop
        cost[s, :m] = -(big + best_unplaced)
        cost[t, s] = 0
        cost[t, :m] = np.where(flow > 0, 0, np.inf)
        cost[:m, t] = np.where(flow < self.free, 0, np.inf)
        if placed.size:
            cost[s, t] = 0
        return _Condensed(cost=cost, big=big, flow=flow, source=s, sink=t)


def _shortest_from(cost, source):
    """Bellman-Ford distances from ``source`` over a dense cost matrix with no negative cycle."""
    dist = np.full(cost.shape[0], np.inf)
    dist[source] = 0.0
    for _ in range(cost.shape[0]):
        relaxed = np.minimum(dist, (dist[:, None] + cost).min(axis=0))
        if (relaxed == dist).all():
            return dist
        dist = relaxed
    raise RuntimeError("negative cycle in a certified residual graph")


def _potentials(cost):
    """Bellman-Ford distances from a virtual root joined to every node at cost 0 (feasible potentials:
    every edge's reduced cost is >= 0), or None when the graph has a negative cycle."""
    dist = np.zeros(cost.shape[0])
    for _ in range(cost.shape[0] + 1):
        relaxed = np.minimum(dist, (dist[:, None] + cost).min(axis=0))
        if (relaxed == dist).all():
            return dist
        dist = relaxed
    return None


def _split(value, big):
    """(dP, dS) of lexicographic values ``big * dP + dS`` with ``|dS| < big / 2``."""
    value = np.asarray(value, dtype=np.float64)
    placed = np.rint(value / big).astype(np.int64)
    return placed, (value - placed * float(big)).astype(np.int64)
