"""Capacity planning on the stored data: what one seat more or less at each manager would change in the
optimal plan over every customer who is not locked (`capacity.seat_values`, exact), and who that plan leaves
out or places below their best eligible manager, by branch and tier (`capacity.shortfall_by_group`).

Reads only (a snapshot, 9 queries) and changes no customer or manager: the `capacity_plan` command shows it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import capacity
from .planning import _active_columns
from .scoring import snapshot_scores
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


@dataclass(frozen=True)
class CapacityReport:
    placed: int
    score: int  # the optimal plan's objective: totals less region penalties and move costs
    managers: list[ManagerSeat]
    groups: list[GroupShortfall]


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
        ManagerSeat(snapshot.manager_usernames[column], *(int(getattr(values, name)[j]) for name in (
            "placed_plus", "score_plus", "placed_minus", "score_minus")))
        for j, column in enumerate(active.tolist())
    ]
    return CapacityReport(
        placed=int((placement.assigned >= 0).sum()),
        score=placement.objective,
        managers=managers,
        groups=_shortfall(snapshot, scores, rows, totals, placement, eligibility),
    )


def _shortfall(snapshot, scores, rows, totals, placement, eligibility) -> list[GroupShortfall]:
    best = scores.best[rows]
    best_totals = np.zeros(len(rows), np.int64)
    has = np.flatnonzero(best >= 0)
    best_totals[has] = totals.pairs(has, best[has])
    group = eligibility.customer_group if eligibility is not None else np.zeros(len(rows), np.intp)
    n_groups = eligibility.n_groups if eligibility is not None else 1
    found = capacity.shortfall_by_group(placement, best_totals, group, n_groups)
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
        ))
    return out
