"""Planning a run, without Django: the named types a run passes around and the steps between the
loaded arrays and the rows to write.

Like `engine.py` this module imports no Django: selectors fill a `Snapshot`, `scoring` turns it into
`Scores`, the functions here decide who moves where (`plan_placement`, `plan_changes`), and the
services write the resulting `Change`s (see `services/history.py`). Indices are rows of the snapshot's
customer arrays and columns of its manager arrays; -1 means "no manager".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import engine
from .capacity import move_cost_curve

# Above this many customer-manager pairs the optimal placement keeps each customer's best candidates by
# price (plus an overflow route, so as many are placed as room allows); measured at 100k x 1,000 the total
# equals the one kept with 4M arcs, in a smaller graph. It widens them until the proven gap is within
# PLACEMENT_TARGET_GAP of the exact optimum (docs/performance.md).
PLACEMENT_MAX_ARCS = 1_000_000
PLACEMENT_TARGET_GAP = 0.005
# Once pruned, more candidates than this bought nothing measurable while every customer fits: at 20k x 205
# (capacity 100, 110 or 150) the 49 per customer that 1M arcs allowed gave the same totals as 16, in twice
# the CPU time, and 8 the same totals again (proven gaps unchanged) with the min-cost flow 40% shorter
# (0.52 -> 0.31 s of a 0.85 s placement). At 100k x 1,000 (engine only, bench_engine.py, three data sets,
# capacity 136 and 150) 8, 10 and 16 gave the same totals; 8 placed in 6.3, 6.3 and 8.1 s where 10 (the
# 1M-arc budget's) took 6.9, 6.3 and 10.2 s. Four lost a few points (7 of 133,939 at 20k, 18 of 699,206 at
# 100k), proven within 0.02% and 0.21% all the same: the bound never asks for them back.
PLACEMENT_MAX_CANDIDATES = 8
# ... but when the room is short of the customers to place, who is left without a manager depends on every
# customer's alternatives and more candidates kept paying: at 100k x 1,000, capacity 120 (89.5% placed),
# 8, 10 and 16 gave 635,071, 635,610 and 636,035, all proven within 0.5% (0.42, 0.30, 0.22%), so the
# target gap never widened them. (At 20k, capacity 90 or 97, 4, 8 and 16 gave the same totals.)
PLACEMENT_SHORT_ROOM_CANDIDATES = 16
# ... and never fewer than this: at 1M customers the arc budget alone allows one each, which sent so many to
# the zero-score overflow that proving 0.5% took four solves of a million customers.
PLACEMENT_MIN_CANDIDATES = 4


# Why a customer got a second choice, told apart once the placement is known (the engine says only
# `engine.REASON_FALLBACK`: placed with a manager of a lower total than their best-fitting one's):
REASON_FALLBACK_CLOSED = 4   # the best-fitting manager takes no new customers (not accepting; a book move's own)
REASON_FALLBACK_FULL = 5     # ... was full before the run: no free place to give
REASON_FALLBACK_TAKEN = 6    # ... had free places, and this run gave them all to other customers
REASON_FALLBACK_OVERALL = 7  # ... still has room: the plan as a whole fits better so (a region, a move's cost)
FALLBACK_REASONS = (REASON_FALLBACK_CLOSED, REASON_FALLBACK_FULL, REASON_FALLBACK_TAKEN, REASON_FALLBACK_OVERALL)


def optimal_limits(n_customers: int, room: int | None = None) -> dict:
    """The pruning `engine.place_optimal` gets when placing this many customers on this much free room
    (slots on eligible managers; None: not known, taken as short). See the constants above."""
    short = room is None or room < n_customers
    return {
        "max_arcs": max(PLACEMENT_MAX_ARCS, PLACEMENT_MIN_CANDIDATES * n_customers),
        "max_candidates": PLACEMENT_SHORT_ROOM_CANDIDATES if short else PLACEMENT_MAX_CANDIDATES,
        "target_gap": PLACEMENT_TARGET_GAP,
    }


@dataclass(frozen=True)
class Snapshot:
    """Everything a run needs, as arrays. Rows and columns are sorted by username.

    Sorting in Python (not by the database's collation) keeps tie-breaks identical on SQLite and MySQL.
    """

    customer_ids: np.ndarray          # (n_c,) int64
    customer_usernames: list[str]
    customer_manager: np.ndarray      # (n_c,) index into the manager arrays, -1 when none
    customer_locked: np.ndarray       # (n_c,) bool
    customer_class: list[str]         # current class letters ('' when not classified)
    customer_needs: np.ndarray        # (n_c, n_services) uint8
    customer_hobbies: np.ndarray      # (n_c, n_hobbies) uint8
    manager_ids: np.ndarray           # (n_m,) int64
    manager_usernames: list[str]
    manager_active: np.ndarray        # (n_m,) bool: the manager's account is active
    manager_accepting: np.ndarray     # (n_m,) bool
    manager_capacity: np.ndarray      # (n_m,) int64
    manager_capabilities: np.ndarray  # (n_m, n_services) uint8
    manager_hobbies: np.ndarray       # (n_m, n_hobbies) uint8
    service_names: list[str]
    hobby_names: list[str]
    # Branches and service tiers (see `snapshot_eligibility`); None: not loaded, nothing constrains.
    customer_branch: np.ndarray | None = None  # (n_c,) intp index into branch_region, -1: none
    customer_tier: np.ndarray | None = None    # (n_c,) intp index of the tier the assets set
    manager_branch: np.ndarray | None = None   # (n_m,) intp, -1: none
    manager_tiers: np.ndarray | None = None    # (n_m, n_tiers) bool: the tiers each serves
    branch_region: np.ndarray | None = None    # (n_branches,) intp
    branch_names: list[str] | None = None      # (n_branches,) for people
    tier_names: list[str] | None = None        # (n_tiers,) for people

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    def manager_id(self, index: int) -> int | None:
        return int(self.manager_ids[index]) if index >= 0 else None

    def manager_username(self, index: int) -> str | None:
        return self.manager_usernames[index] if index >= 0 else None

    def manager_index(self, manager_id: int) -> int:
        """Column of a manager id, -1 when it is not in the snapshot."""
        found = np.flatnonzero(self.manager_ids == manager_id)
        return int(found[0]) if len(found) else -1

    def customer_rows(self, rows: list[int]) -> Snapshot:
        """The same snapshot restricted to some customer rows (managers and vocabularies unchanged)."""
        index = np.asarray(rows, dtype=np.intp)
        return Snapshot(
            **{
                **self.__dict__,
                "customer_ids": self.customer_ids[index],
                "customer_usernames": [self.customer_usernames[i] for i in rows],
                "customer_manager": self.customer_manager[index],
                "customer_locked": self.customer_locked[index],
                "customer_class": [self.customer_class[i] for i in rows],
                "customer_needs": self.customer_needs[index],
                "customer_hobbies": self.customer_hobbies[index],
                **{
                    name: getattr(self, name)[index]
                    for name in ("customer_branch", "customer_tier")
                    if getattr(self, name) is not None
                },
            }
        )


def snapshot_eligibility(snapshot, *, policy: str, region_penalty: int) -> engine.Eligibility | None:
    """Who may serve whom by branch and service tier (`engine.eligibility_groups`), over every row and manager
    column of `snapshot` (a `Snapshot`, or anything with its five branch and tier arrays); None when nothing
    constrains (the policy is "none", or no customer or no manager has a branch, and every manager serves
    every tier): today's placement, unchanged."""
    if snapshot.customer_tier is None:
        return None
    branches_matter = (
        policy != "none" and bool((snapshot.customer_branch >= 0).any()) and bool((snapshot.manager_branch >= 0).any())
    )
    if not branches_matter and bool(snapshot.manager_tiers.all()):
        return None
    customer_branch, manager_branch = snapshot.customer_branch, snapshot.manager_branch
    if not branches_matter:  # fewer groups: only tiers tell customers apart
        customer_branch, manager_branch = np.full_like(customer_branch, -1), np.full_like(manager_branch, -1)
    return engine.eligibility_groups(
        customer_branch, snapshot.customer_tier, manager_branch, snapshot.manager_tiers, snapshot.branch_region,
        policy=policy if branches_matter else "none", region_penalty=int(region_penalty),
    )


@dataclass(frozen=True)
class Scores:
    """Every customer against every *active* manager, and what follows from it."""

    active: np.ndarray          # (n_a,) indices of active managers into the manager arrays
    totals: engine.TermTotals   # (n_c, n_a) computed when read, never held whole
    best: np.ndarray            # (n_c,) column into `active`, -1 when there is no active manager
    classes: np.ndarray         # (n_c,) class codes 0=A .. 4=E
    # Over every snapshot row and manager column (not only the active ones); None: anyone may serve anyone.
    # `best` and `classes` are then the best *eligible* manager's.
    eligibility: engine.Eligibility | None = None

    def class_letters(self) -> list[str]:
        return [engine.CLASS_LABELS[code] for code in self.classes]


@dataclass(frozen=True)
class Plan:
    """A computed placement: who is placed where and why, in manager-array indices."""

    rows: np.ndarray           # customers being placed (rows of the snapshot)
    new_manager: np.ndarray    # (len(rows),) manager index, -1 when none
    reasons: np.ndarray        # (len(rows),) engine reason codes
    totals: np.ndarray         # (len(rows),) score with the new manager (0 when none)
    needs: np.ndarray
    hobbies: np.ndarray
    pruned: bool
    candidates_per_customer: int | None
    optimality_gap: float

    @property
    def placed(self) -> np.ndarray:
        return self.new_manager >= 0

    @property
    def fallbacks(self) -> int:
        """How many customers got a second choice, whatever the cause."""
        return int(np.isin(self.reasons, FALLBACK_REASONS).sum())


@dataclass(slots=True)
class Change:
    """One customer whose manager changes: what the history records and the dry-run preview shows.

    `reason` is a `matching.models.Reason` value; usernames are for people, ids for the database.
    Not frozen: a run builds one per change, and 100k frozen instances took 0.35 s longer to build.
    """

    customer_id: int
    customer: str
    previous_manager_id: int | None
    previous_manager: str | None
    new_manager_id: int | None
    new_manager: str | None
    reason: str
    customer_class: str
    needs_match: int = 0
    hobbies_match: int = 0
    total: int = 0
    shared_needs: tuple[str, ...] = ()
    shared_hobbies: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """From one manager to another (not a first placement, not left without one)."""
        return self.previous_manager_id is not None and self.new_manager_id is not None


@dataclass(frozen=True)
class RunFigures:
    """The counts a run stores on its row."""

    customers_classified: int
    customers_placed: int
    customers_moved: int
    customers_unassigned: int
    fallbacks: int
    total_score: int


def placing_mask(snapshot: Snapshot, *, rebalance: bool) -> np.ndarray:
    """Customers an automatic run places: unlocked ones without an active manager (all unlocked ones
    when rebalancing). Locked customers never move."""
    movable = ~snapshot.customer_locked
    if rebalance:
        return movable
    manager = snapshot.customer_manager
    has_manager = manager >= 0
    has_active_manager = np.zeros_like(has_manager)
    has_active_manager[has_manager] = snapshot.manager_active[manager[has_manager]]
    return movable & ~has_active_manager


def plan_placement(
    snapshot: Snapshot,
    scores: Scores,
    *,
    placing: np.ndarray,
    greedy: bool,
    eligible_override: np.ndarray | None = None,
    eligibility: engine.Eligibility | None = None,
    move_cost: int = 0,
) -> Plan:
    """Place the customers in `placing` (bool mask over rows) on eligible active managers.

    Customers not in `placing` keep their manager and count towards that manager's load.
    `eligible_override` (bool over all managers) narrows who may receive customers.
    `eligibility` (over every snapshot row and manager column, see `engine.eligibility_groups`) makes branches
    and tiers hard constraints; `scores` must then have been computed with it (best eligible manager and
    class); by default the one `scores` was computed with. `move_cost` (optimal rule only) makes moving a
    customer away from their current manager cost that many points.
    """
    inputs = _placement_inputs(
        snapshot, scores, placing=placing, eligible_override=eligible_override, eligibility=eligibility
    )
    active, rows, totals, best = inputs.active, inputs.rows, inputs.totals, inputs.best
    eligible, capacity, load, constraints = inputs.eligible, inputs.capacity, inputs.load, dict(inputs.constraints)
    if greedy:
        placement = engine.place_greedy(
            totals, best, scores.classes[rows], eligible=eligible, capacity=capacity, load=load, **constraints
        )
    else:
        if move_cost:
            constraints["current"] = inputs.current(snapshot)
            constraints["move_cost"] = move_cost
        placement = engine.place_optimal(totals, best, eligible=eligible, capacity=capacity, load=load,
                                         **inputs.limits, **constraints)

    assigned = placement.assigned
    placed = assigned >= 0
    column = np.where(placed, assigned, 0)
    needs, hobbies = np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    needs[placed], hobbies[placed] = totals.overlaps(np.flatnonzero(placed), assigned[placed])

    return Plan(
        rows=rows,
        new_manager=np.where(placed, active[column] if len(active) else -1, -1),
        reasons=fallback_causes(placement.reasons, best, assigned, eligible=eligible, capacity=capacity, load=load),
        totals=placement.scores,
        needs=needs,
        hobbies=hobbies,
        pruned=placement.pruned,
        candidates_per_customer=placement.candidates_per_customer,
        optimality_gap=placement.optimality_gap,
    )


@dataclass(frozen=True)
class _PlacementInputs:
    """What the engine is given to place the customers of `placing`: one home for `plan_placement` and
    `plan_move_cost_curve`, so the curve's plans are those previews with each move cost would make."""

    active: np.ndarray      # (n_a,) the active managers' indices
    rows: np.ndarray        # (n_p,) the rows placed
    totals: engine.TermTotals
    best: np.ndarray
    eligible: np.ndarray
    capacity: np.ndarray
    load: np.ndarray
    constraints: dict       # the eligibility, when branches or tiers constrain
    limits: dict            # `optimal_limits`

    def current(self, snapshot: Snapshot) -> np.ndarray:
        """Each placed customer's manager today as a column of `active` (-1: none, or an inactive one)."""
        return _active_columns(snapshot.customer_manager[self.rows], self.active, len(snapshot.manager_ids))


def _placement_inputs(snapshot, scores, *, placing, eligible_override=None, eligibility=None) -> _PlacementInputs:
    if eligibility is None:
        eligibility = scores.eligibility
    active = scores.active
    eligible = snapshot.manager_accepting[active].copy()
    if eligible_override is not None:
        eligible &= eligible_override[active]
    staying_managers = snapshot.customer_manager[~placing]
    staying_managers = staying_managers[staying_managers >= 0]
    load = np.bincount(staying_managers, minlength=len(snapshot.manager_ids))[active]
    capacity = snapshot.manager_capacity[active]

    rows = np.flatnonzero(placing)
    everyone = len(rows) == snapshot.n_customers  # a rebalance: no copy of the customers' terms
    totals = scores.totals if everyone else scores.totals.customer_rows(rows)
    constraints = {}
    if eligibility is not None:
        constraints["eligibility"] = eligibility.customer_rows(rows).manager_columns(active)
    room = int(engine.free_room(eligible, capacity, load).sum())
    return _PlacementInputs(
        active=active, rows=rows, totals=totals, best=scores.best[rows], eligible=eligible, capacity=capacity,
        load=load, constraints=constraints, limits=optimal_limits(len(rows), room),
    )


@dataclass(frozen=True)
class MoveCostPoint:
    """One move cost's optimal plan, as the preview's chart of moves against gain shows it."""

    move_cost: int
    moves: int          # customers who would leave an active manager they have today
    score_gained: int   # the plan's total score less the placed customers' total with today's managers


def plan_move_cost_curve(
    snapshot: Snapshot, scores: Scores, *, placing: np.ndarray, move_costs,
) -> list[MoveCostPoint]:
    """The optimal rule's plan for each of `move_costs` (lowest first) on the data a preview places, planned
    together (`capacity.move_cost_curve`) with the inputs `plan_placement` gives the engine."""
    inputs = _placement_inputs(snapshot, scores, placing=placing)
    return [
        MoveCostPoint(point.move_cost, point.moves, point.score_gained)
        for point in move_cost_curve(
            inputs.totals, inputs.best, eligible=inputs.eligible, capacity=inputs.capacity, load=inputs.load,
            current=inputs.current(snapshot), move_costs=sorted({int(n) for n in move_costs}),
            **inputs.limits, **inputs.constraints,
        )
    ]


def fallback_causes(
    reasons: np.ndarray, best: np.ndarray, assigned: np.ndarray, *, eligible: np.ndarray, capacity: np.ndarray,
    load: np.ndarray,
) -> np.ndarray:
    """The engine's reasons with each `engine.REASON_FALLBACK` replaced by its cause, read off the
    best-fitting manager: not taking customers (`eligible` false), full before the run (`load`, the
    customers who stay, at `capacity`), full after it (the run gave their free places to others), or
    neither (the plan as a whole fits better without this customer there).

    reasons, best, assigned : ndarray of shape (n_placing,), the placement's reasons, best-fitting and
        assigned columns (into the active managers)
    eligible, capacity, load : ndarray of shape (n_active,), as given to the placement
    """
    out = reasons.copy()
    second = np.flatnonzero(reasons == engine.REASON_FALLBACK)
    if not len(second):
        return out
    after = load + np.bincount(assigned[assigned >= 0], minlength=len(load))
    column = best[second]
    out[second] = np.select(
        [~eligible[column], load[column] >= capacity[column], after[column] >= capacity[column]],
        [REASON_FALLBACK_CLOSED, REASON_FALLBACK_FULL, REASON_FALLBACK_TAKEN],
        default=REASON_FALLBACK_OVERALL,
    )
    return out


def _active_columns(managers: np.ndarray, active: np.ndarray, n_managers: int) -> np.ndarray:
    """Manager indices as columns of `active` (-1 for none or an inactive manager)."""
    lookup = np.full(n_managers + 1, -1, dtype=np.intp)
    lookup[active] = np.arange(len(active))
    return lookup[managers]


def shared_terms(snapshot: Snapshot, customer: int, manager: int) -> tuple[list[str], list[str]]:
    """Names of the needs and hobbies a customer row shares with a manager column: the "why" staff read."""
    if manager < 0:
        return [], []
    needs = np.flatnonzero(snapshot.customer_needs[customer] & snapshot.manager_capabilities[manager])
    hobbies = np.flatnonzero(snapshot.customer_hobbies[customer] & snapshot.manager_hobbies[manager])
    return [snapshot.service_names[i] for i in needs], [snapshot.hobby_names[i] for i in hobbies]


def change_to(
    snapshot: Snapshot, row: int, manager: int, *, reason: str, customer_class: str
) -> Change:
    """The change of one customer row to one manager column, scored by the terms they share."""
    needs, hobbies = shared_terms(snapshot, row, manager)
    previous = int(snapshot.customer_manager[row])
    return Change(
        customer_id=int(snapshot.customer_ids[row]),
        customer=snapshot.customer_usernames[row],
        previous_manager_id=snapshot.manager_id(previous),
        previous_manager=snapshot.manager_username(previous),
        new_manager_id=snapshot.manager_id(manager),
        new_manager=snapshot.manager_username(manager),
        reason=reason,
        customer_class=customer_class,
        needs_match=len(needs),
        hobbies_match=len(hobbies),
        total=len(needs) + len(hobbies),
        shared_needs=tuple(needs),
        shared_hobbies=tuple(hobbies),
    )


def managers_after(snapshot: Snapshot, plan: Plan, *, keep_unplaced: bool = False) -> np.ndarray:
    """Each customer row's manager column once the plan is applied (-1: none); the one rule of who changes.

    `keep_unplaced` leaves customers the plan could not place with the manager they have (a book
    transfer: nobody is orphaned) instead of leaving them without one.
    """
    after = snapshot.customer_manager.copy()
    new = plan.new_manager
    if keep_unplaced:
        kept = new >= 0
        after[plan.rows[kept]] = new[kept]
    else:
        after[plan.rows] = new
    return after


def plan_changes(
    snapshot: Snapshot,
    plan: Plan,
    letters: list[str],
    *,
    reasons: Mapping[int, str],
    keep_unplaced: bool = False,
) -> list[Change]:
    """Every customer of the plan whose manager changes (see `managers_after`); `reasons` maps engine
    codes to reason values."""
    after = managers_after(snapshot, plan, keep_unplaced=keep_unplaced)
    previous = snapshot.customer_manager[plan.rows]
    positions = np.flatnonzero(previous != after[plan.rows])
    rows = plan.rows[positions]
    shared = _shared_terms_many(snapshot, rows, plan.new_manager[positions])
    olds, news = previous[positions].tolist(), plan.new_manager[positions].tolist()
    customer_ids, usernames, manager_ids = snapshot.customer_ids.tolist(), snapshot.customer_usernames, [
        *snapshot.manager_ids.tolist(), None  # index -1: no manager
    ]
    manager_names = [*snapshot.manager_usernames, None]
    codes, needs_match, hobbies_match, totals = (
        plan.reasons[positions].tolist(), plan.needs[positions].tolist(), plan.hobbies[positions].tolist(),
        plan.totals[positions].tolist(),
    )
    return [
        Change(
            customer_id=customer_ids[row],
            customer=usernames[row],
            previous_manager_id=manager_ids[old],
            previous_manager=manager_names[old],
            new_manager_id=manager_ids[new],
            new_manager=manager_names[new],
            reason=reasons[code],
            customer_class=letters[row],
            needs_match=needs,
            hobbies_match=hobbies,
            total=total,
            shared_needs=shared_needs,
            shared_hobbies=shared_hobbies,
        )
        for row, old, new, code, needs, hobbies, total, (shared_needs, shared_hobbies) in zip(
            rows.tolist(), olds, news, codes, needs_match, hobbies_match, totals, shared
        )
    ]


def _shared_terms_many(
    snapshot: Snapshot, rows: np.ndarray, managers: np.ndarray
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """`shared_terms` of many (customer row, manager column) pairs at once, as tuples of names.

    The shared sets are computed as arrays, and each distinct set is turned into names once: a
    100k-customer run shares a few thousand distinct sets, not 100k.
    """
    if not len(rows):
        return []
    has = managers >= 0
    column = np.where(has, managers, 0)
    out = []
    for customer_terms, manager_terms, names in (
        (snapshot.customer_needs, snapshot.manager_capabilities, snapshot.service_names),
        (snapshot.customer_hobbies, snapshot.manager_hobbies, snapshot.hobby_names),
    ):
        if manager_terms.shape[0] == 0 or customer_terms.shape[1] == 0:
            out.append([()] * len(rows))
            continue
        masks = customer_terms[rows] & manager_terms[column]
        masks[~has] = 0
        first, inverse = engine.distinct_rows(masks)
        distinct = [tuple(names[i] for i in np.flatnonzero(masks[f])) for f in first.tolist()]
        out.append([distinct[i] for i in inverse.tolist()])
    return list(zip(out[0], out[1]))


def run_figures(snapshot: Snapshot, plan: Plan, changes: list[Change]) -> RunFigures:
    """The counts of a run: classified, placed, moved, left without a manager, fallbacks, total score."""
    placed = plan.placed
    return RunFigures(
        customers_classified=snapshot.n_customers,
        customers_placed=int(placed.sum()),
        customers_moved=sum(1 for change in changes if change.moved),
        customers_unassigned=int((~placed).sum()),
        fallbacks=plan.fallbacks,
        total_score=int(plan.totals[placed].sum()),
    )
