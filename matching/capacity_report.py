"""Capacity planning on the stored data: what one seat more or less at each manager would change in the
optimal plan over every customer who is not locked (`capacity.seat_values`, exact), and who that plan leaves
out or places below their best eligible manager, by branch and tier (`capacity.shortfall_by_group`); and the
optimal plan of a what-if team beside today's (`scenario_report`, `capacity.solve_scenario`).

Reads only (a snapshot, 9 queries, and the branches' codes) and changes no customer or
manager: the `capacity_plan` command and the planning app's pages show it.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from vocabularies.models import Branch
from vocabularies.tiers import service_tiers

from . import capacity, engine
from .planning import _active_columns, optimal_limits
from .scoring import class_rules, eligibility_of, snapshot_scores
from .selectors import matching_snapshot


@dataclass(frozen=True)
class ManagerSeat:
    username: str
    placed_plus: int
    score_plus: int
    placed_minus: int
    score_minus: int


@dataclass(frozen=True)
class GroupShortfall:
    branch: str  # the branch's name, "" for customers without one (or when branches do not matter)
    tier: str
    customers: int
    unassigned: int
    below_best: int
    points_short: int
    tier_code: str = ""  # the tier's code, to name it in the reader's language


@dataclass(frozen=True)
class KeyedSeats:
    """The four seat numbers summed over the managers of a branch, or over those serving a tier."""

    name: str
    managers: int
    code: str  # the branch's code, or the tier's
    placed_plus: int
    score_plus: int
    placed_minus: int
    score_minus: int


@dataclass(frozen=True)
class PlanSummary:
    """What staff compare of an optimal plan (`capacity.PlanFigures`, with the class letters and the tiers)."""

    customers: int
    placed: int
    unassigned: int
    total_score: int
    mean_score: float
    moves: int
    classes: dict[str, int]  # class letter -> customers, each the fit with their best eligible manager
    tiers: list[dict]  # {"code", "name", "placed", "customers"} per tier, in tier order


@dataclass(frozen=True)
class CapacityReport:
    placed: int
    score: int  # the optimal plan's objective: totals less region penalties and move costs
    managers: list[ManagerSeat]
    groups: list[GroupShortfall]
    manager_ids: list[int] = field(default_factory=list)  # of `managers`, in their order
    branches: list[KeyedSeats] = field(default_factory=list)  # every branch with a manager
    tiers: list[KeyedSeats] = field(default_factory=list)  # every tier, over the managers serving it
    plan: PlanSummary | None = None


def capacity_report(*, move_cost: int = 0) -> CapacityReport:
    """The seat values of every active manager and the shortfall by branch and tier, for the optimal rule."""
    snapshot = matching_snapshot()
    scores = snapshot_scores(snapshot)
    active = scores.active
    rows = np.flatnonzero(~snapshot.customer_locked)
    locked_managers = snapshot.customer_manager[snapshot.customer_locked]
    load = np.bincount(locked_managers[locked_managers >= 0], minlength=len(snapshot.manager_ids))[active]
    current = _active_columns(snapshot.customer_manager[rows], active, len(snapshot.manager_ids)) if move_cost else None
    eligibility = None
    if scores.eligibility is not None:
        eligibility = scores.eligibility.customer_rows(rows).manager_columns(active)
    totals = scores.totals.customer_rows(rows)
    values = capacity.seat_values(
        totals,
        eligible=snapshot.manager_accepting[active],
        capacity=snapshot.manager_capacity[active],
        load=load,
        eligibility=eligibility,
        current=current,
        move_cost=move_cost,
    )
    placement = values.placement
    managers = [
        ManagerSeat(snapshot.manager_usernames[column], *(int(getattr(values, name)[j]) for name in SEAT_NUMBERS))
        for j, column in enumerate(active.tolist())
    ]
    today = _active_columns(snapshot.customer_manager[rows], active, len(snapshot.manager_ids))
    figures = capacity.plan_figures(placement, scores.classes[rows], today)
    return CapacityReport(
        placed=int((placement.assigned >= 0).sum()),
        score=placement.objective,
        managers=managers,
        groups=_shortfall(snapshot, scores, rows, totals, placement, eligibility),
        manager_ids=[int(snapshot.manager_ids[column]) for column in active.tolist()],
        branches=_keyed(
            values, snapshot.manager_branch[active], snapshot.branch_names or [],
            list(Branch.objects.order_by("code").values_list("code", flat=True)),
        ),
        tiers=[
            _keyed(values, np.where(snapshot.manager_tiers[active, t], 0, -1), [name], [tier.code])[0]
            for t, (name, tier) in enumerate(zip(snapshot.tier_names or [], service_tiers()))
        ],
        plan=_summary(snapshot, rows, placement, figures),
    )


SEAT_NUMBERS = ("placed_plus", "score_plus", "placed_minus", "score_minus")


def _keyed(values, manager_key, names, codes) -> list[KeyedSeats]:
    """`capacity.seat_values_by` over `names` (keys with no manager left out)."""
    summed = capacity.seat_values_by(values, manager_key, len(names))
    counts = np.bincount(manager_key[manager_key >= 0], minlength=len(names))
    return [
        KeyedSeats(name, int(counts[k]), code, *(int(summed[number][k]) for number in SEAT_NUMBERS))
        for k, (name, code) in enumerate(zip(names, codes))
        if counts[k]
    ]


def written_plan_summary(snapshot, scores, plan) -> PlanSummary:
    """Today's plan as `scenario_report` finds it once an optimal rebalance (`plan`, over every customer who is
    not locked) has been written: every customer is then with the plan's manager, so the plan is still the
    optimum and nobody moves. An optimal run keeps it so that the next evaluation need not solve it again."""
    placement = SimpleNamespace(assigned=plan.new_manager, total_score=int(plan.totals.sum()))
    return _summary(snapshot, plan.rows, placement, capacity.plan_figures(placement, scores.classes[plan.rows]))


def _summary(snapshot, rows, placement, figures) -> PlanSummary:
    tier = snapshot.customer_tier[rows]
    names = snapshot.tier_names or []
    codes = [t.code for t in service_tiers()]
    placed = np.bincount(tier[placement.assigned >= 0], minlength=len(names))
    customers = np.bincount(tier, minlength=len(names))
    return PlanSummary(
        customers=len(rows), placed=figures.placed, unassigned=figures.unassigned,
        total_score=figures.total_score, mean_score=round(figures.mean_score, 2), moves=figures.moves,
        classes=dict(zip(engine.CLASS_LABELS, figures.class_counts)),
        tiers=[
            {"code": codes[t], "name": name, "placed": int(placed[t]), "customers": int(customers[t])}
            for t, name in enumerate(names)
        ],
    )


@dataclass(frozen=True)
class PlannedManager:
    """A manager a scenario adds: what they offer (service and hobby names), their branch and tiers."""

    capabilities: Sequence[str]
    hobbies: Sequence[str]
    capacity: int
    branch_id: int | None = None
    tiers: Sequence[str] = ()  # tier codes; none: every tier


@dataclass(frozen=True)
class ScenarioReport:
    today: PlanSummary
    scenario: PlanSummary


def scenario_report(
    *,
    capacities: Mapping[int, int] | None = None,
    removed: Collection[int] = (),
    added: Sequence[PlannedManager] = (),
    move_cost: int = 0,
    today: PlanSummary | None = None,
) -> ScenarioReport:
    """Today's optimal plan over every customer who is not locked, and the plan of today's team changed:
    `capacities` (manager id -> capacity), the managers `removed` (ids), the managers `added`.

    `today`: today's plan as an earlier evaluation found it on the same data with the same move cost (the
    caller knows it is current: `selectors.plan_inputs_stamp`); it is then not solved again.

    Ids of managers who are not active are ignored (they are in no plan). Moves are counted against each
    customer's manager today. Changes nothing: 10 queries.
    """
    snapshot = matching_snapshot()
    n_managers = len(snapshot.manager_ids)
    active = np.flatnonzero(snapshot.manager_active)
    rows = np.flatnonzero(~snapshot.customer_locked)
    locked_managers = snapshot.customer_manager[snapshot.customer_locked]
    load = np.bincount(locked_managers[locked_managers >= 0], minlength=n_managers)[active]
    current = _active_columns(snapshot.customer_manager[rows], active, n_managers)

    # Eligibility over today's managers and the added ones at once: an added manager's branch or tiers may
    # be what makes branches or tiers constrain at all.
    branch_index = {pk: i for i, pk in enumerate(Branch.objects.order_by("code").values_list("id", flat=True))}
    tier_codes = [tier.code for tier in service_tiers()]
    team = SimpleNamespace(
        customer_branch=snapshot.customer_branch, customer_tier=snapshot.customer_tier,
        branch_region=snapshot.branch_region,
        manager_branch=np.concatenate([
            snapshot.manager_branch, np.array([branch_index.get(a.branch_id, -1) for a in added], dtype=np.intp),
        ]),
        manager_tiers=np.vstack([
            snapshot.manager_tiers,
            np.array([[not a.tiers or code in a.tiers for code in tier_codes] for a in added], dtype=bool)
            .reshape(len(added), len(tier_codes)),
        ]),
    )
    found = eligibility_of(team)
    eligibility = None if found is None else found.customer_rows(rows).manager_columns(active)

    def vector(names, vocabulary):
        return np.isin(np.array(vocabulary, dtype=object), list(names)).astype(np.uint8)

    column = {int(snapshot.manager_ids[j]): k for k, j in enumerate(active.tolist())}
    scenario = capacity.Scenario(
        capacity={column[pk]: int(value) for pk, value in (capacities or {}).items() if pk in column},
        removed=tuple(column[pk] for pk in removed if pk in column),
        added=tuple(
            capacity.HypotheticalManager(
                capabilities=vector(a.capabilities, snapshot.service_names),
                hobbies=vector(a.hobbies, snapshot.hobby_names),
                capacity=int(a.capacity),
                allowed=None if found is None else found.allowed[:, n_managers + i],
                penalty=None if found is None or found.penalty is None else found.penalty[:, n_managers + i],
            )
            for i, a in enumerate(added)
        ),
    )
    eligible, room = snapshot.manager_accepting[active], snapshot.manager_capacity[active]
    inputs = dict(
        customer_needs=snapshot.customer_needs[rows], customer_hobbies=snapshot.customer_hobbies[rows],
        manager_capabilities=snapshot.manager_capabilities[active], manager_hobbies=snapshot.manager_hobbies[active],
        eligible=eligible, capacity=room, load=load, eligibility=eligibility, current=current,
        move_cost=move_cost, **class_rules(),
        **optimal_limits(len(rows), int(engine.free_room(eligible, room, load).sum())),
    )
    if today is None:
        solved = capacity.solve_scenario(**inputs)
        today = _summary(snapshot, rows, solved.placement, solved.figures)
    changed = capacity.solve_scenario(**inputs, scenario=scenario)
    return ScenarioReport(
        today=today,
        scenario=_summary(snapshot, rows, changed.placement, changed.figures),
    )


def _shortfall(snapshot, scores, rows, totals, placement, eligibility) -> list[GroupShortfall]:
    best = scores.best[rows]
    best_totals = np.zeros(len(rows), np.int64)
    has = np.flatnonzero(best >= 0)
    best_totals[has] = totals.pairs(has, best[has])
    group = eligibility.customer_group if eligibility is not None else np.zeros(len(rows), np.intp)
    n_groups = eligibility.n_groups if eligibility is not None else 1
    found = capacity.shortfall_by_group(placement, best_totals, group, n_groups)
    tier_codes = [tier.code for tier in service_tiers()]
    first = {}
    for position, g in enumerate(group.tolist()):
        first.setdefault(g, rows[position])
    out = []
    for g in range(n_groups):
        row = first.get(g)
        if row is None:
            continue
        branch = int(snapshot.customer_branch[row]) if snapshot.customer_branch is not None else -1
        out.append(GroupShortfall(
            branch=snapshot.branch_names[branch] if branch >= 0 and eligibility is not None else "",
            tier=snapshot.tier_names[int(snapshot.customer_tier[row])] if eligibility is not None else "",
            customers=int(found.customers[g]), unassigned=int(found.unassigned[g]),
            below_best=int(found.below_best[g]), points_short=int(found.points_short[g]),
            tier_code=tier_codes[int(snapshot.customer_tier[row])] if eligibility is not None else "",
        ))
    return out
