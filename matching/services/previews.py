"""Stored plans: a preview computes who would move where without writing it, and keeps it; "apply"
writes exactly that plan later, or refuses when what it touches changed since.

A preview is a `MatchingRun` of kind "preview" (a dry run) with one `PlannedChange` per customer whose
manager would change, plus the figures of both placement rules on the same data (so staff see what the
optimal rule gains over the greedy one). Applying creates an ordinary run (`preview` points back at the
plan) whose `Assignment`s `run_undo` reverses like any other run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict
from matching.errors import StalePlan
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import managers_with_load

from ..events import ChangeCause
from ..models import MatchingRun, PlannedChange, RunKind, RunStatus, Strategy

from ..planning import (
    Change, Plan, RunFigures, placing_mask, plan_move_cost_curve, plan_placement, shared_terms,
)
from ..scoring import snapshot_scores
from ..selectors import matching_snapshot
from .history import ENGINE_REASONS, run_changes_write
from .runs import move_cost_checked
from .lifecycle import Phases, Progress, no_progress, run_finish
from .lock import acquire_run_lock, failure_recorded

PHASES = ["load", "score", "place", "store"]
CURVE_PHASES = ["load", "score", "place"]
APPLY_PHASES = ["check", "write"]
ID_LIST_LIMIT = 500
# The move costs a rebalance preview's chart of moves against gain plans, with the preview's own, when staff
# ask for it (issue 21: "a handful of N computed together").
CURVE_MOVE_COSTS = (0, 5, 10, 20, 40)

@dataclass(frozen=True)
class StaleItem:
    """Why one customer or manager of a plan no longer matches the data."""

    kind: str  # "customer" or "manager"
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


# --- preview -----------------------------------------------------------------------------------


def _figures(snapshot, plan: Plan) -> dict:
    placed = plan.placed
    previous = snapshot.customer_manager[plan.rows]
    return {
        "customers_to_place": int(len(plan.rows)),
        "placed": int(placed.sum()),
        "unassigned": int((~placed).sum()),
        "moved": int(((previous >= 0) & placed & (previous != plan.new_manager)).sum()),
        "fallbacks": plan.fallbacks,
        "total_score": int(plan.totals[placed].sum()),
        "mean_score": round(float(plan.totals[placed].mean()), 3) if placed.any() else 0.0,
    }


def preview_create(
    *,
    actor: User | None,
    strategy: Strategy = Strategy.OPTIMAL,
    rebalance: bool = False,
    move_cost: int = 0,
    transfer_of: ManagerProfile | None = None,
    progress: Progress = no_progress,
) -> MatchingRun:
    """Compute a placement like `run_automatic` (or like `manager_book_transfer` when `transfer_of` is
    given) without changing any customer, and store it to be applied later: the product's dry run,
    which writes only the preview. `move_cost` as in `run_automatic` (the optimal rule's plan).

    It plans that one move cost only: the chart of moves against gain is `preview_curve_compute`, on request."""
    move_cost = move_cost_checked(move_cost)
    options = {"strategy": strategy, "rebalance": bool(rebalance), "move_cost": move_cost}
    if transfer_of is not None:
        strategy = Strategy.OPTIMAL
        options = {"strategy": strategy, "rebalance": False, "transfer_of": transfer_of.pk,
                   "manager": transfer_of.user.username}
    phases = Phases(PHASES, progress, desc=_("preview"))
    with transaction.atomic():
        run = MatchingRun.objects.create(kind=RunKind.PREVIEW, actor=actor, strategy=strategy, options=options)
        with phases("load"):
            snapshot = matching_snapshot()
        with phases("score"):
            scores = snapshot_scores(snapshot)
            letters = scores.class_letters()
        with phases("place"):
            override = None
            if transfer_of is not None:
                placing = snapshot.customer_manager == _manager_index(snapshot, transfer_of.pk)
                override = snapshot.manager_ids != transfer_of.pk
            else:
                placing = placing_mask(snapshot, rebalance=rebalance)
            results = {
                rule: plan_placement(
                    snapshot, scores, placing=placing, greedy=rule == Strategy.GREEDY, eligible_override=override,
                    move_cost=move_cost,
                )
                for rule in (Strategy.OPTIMAL, Strategy.GREEDY)
            }
            plan = results[strategy]
        with phases("store"):
            planned = _planned_changes(run, snapshot, scores, letters, plan, transfer=transfer_of is not None)
            PlannedChange.objects.bulk_create(planned, batch_size=1000)
        phases.close()

        figures = _figures(snapshot, plan)
        run.customers_classified = snapshot.n_customers
        run.customers_placed = figures["placed"]
        run.customers_moved = figures["moved"]
        run.customers_unassigned = figures["unassigned"]
        run.fallbacks = figures["fallbacks"]
        run.total_score = figures["total_score"]
        run_finish(
            run,
            action="matching.previewed",
            phases=phases,
            summary={
                "changes": len(planned),
                "class_counts": dict(sorted(Counter(letters).items())),
                "compare": {rule: _figures(snapshot, result) for rule, result in results.items()},
                "score_gained": _score_gained(snapshot, scores, plan),
                "pruned": bool(plan.pruned),
                "optimality_gap": round(plan.optimality_gap, 6),
            },
            audit_data={**options, "changes": len(planned), "total_score": run.total_score},
        )
    return run


def preview_has_curve(preview: MatchingRun) -> bool:
    """Whether a chart of moves against gain fits `preview`: a rebalance with the optimal rule."""
    options = preview.options
    return (
        preview.kind == RunKind.PREVIEW and preview.strategy == Strategy.OPTIMAL and bool(options.get("rebalance"))
        and "transfer_of" not in options
    )


def preview_curve_compute(
    *, preview: MatchingRun, actor: User | None, progress: Progress = no_progress
) -> MatchingRun:
    """Plan `CURVE_MOVE_COSTS` and the preview's own move cost together on today's data
    (`planning.plan_move_cost_curve`) and keep each one's moves and score gained in the preview's summary
    (`move_cost_curve`, with `move_cost_curve_at` and the phases' `move_cost_curve_seconds`): the trade-off
    staff choose by eye, asked for when wanted rather than solved with every preview. One load and one scoring
    for the handful of costs; the preview's plan and its changes are not touched. Refused (`ValidationError`)
    for a preview that is not a rebalance with the optimal rule, or did not succeed."""
    if not preview_has_curve(preview) or preview.status != RunStatus.SUCCEEDED:
        raise ValidationError(
            _("Moves against gain are planned for a finished rebalance preview with the optimal rule only."),
            code="no_curve",
        )
    move_cost = int(preview.options.get("move_cost", 0))
    phases = Phases(CURVE_PHASES, progress, desc=_("move costs"))
    with phases("load"):
        snapshot = matching_snapshot()
    with phases("score"):
        scores = snapshot_scores(snapshot)
    with phases("place"):
        curve = plan_move_cost_curve(
            snapshot, scores, placing=placing_mask(snapshot, rebalance=True),
            move_costs=(*CURVE_MOVE_COSTS, move_cost),
        )
    phases.close()
    with transaction.atomic():
        preview = MatchingRun.objects.select_for_update().get(pk=preview.pk)
        preview.summary = {
            **preview.summary,
            "move_cost_curve": [asdict(point) for point in curve],
            "move_cost_curve_at": timezone.now().isoformat(),
            "move_cost_curve_seconds": phases.rounded(),
        }
        preview.save(update_fields=["summary"])
        audit_record(
            actor=actor, action="matching.move_cost_curve", target=preview, summary=preview.title,
            data={"move_costs": [point.move_cost for point in curve]},
        )
    return preview


def _score_gained(snapshot, scores, plan: Plan) -> int:
    """The plan's total over the customers it places less their total with their managers today: what the
    moves buy, read beside how many there are (the continuity trade-off)."""
    before = _totals_with(snapshot, scores, plan.rows, snapshot.customer_manager[plan.rows])
    return int(plan.totals[plan.placed].sum() - before.sum())


def _planned_changes(run, snapshot, scores, letters, plan: Plan, *, transfer: bool) -> list[PlannedChange]:
    previous = snapshot.customer_manager[plan.rows]
    changed = np.flatnonzero(previous != plan.new_manager)
    if transfer:  # who fits nowhere stays with the leaving manager
        changed = changed[plan.new_manager[changed] >= 0]
    previous_totals = _totals_with(snapshot, scores, plan.rows[changed], previous[changed])
    planned = []
    for position, previous_total in zip(changed.tolist(), previous_totals.tolist()):
        row = int(plan.rows[position])
        old, new = int(previous[position]), int(plan.new_manager[position])
        planned.append(
            PlannedChange(
                run=run,
                customer_id=int(snapshot.customer_ids[row]),
                previous_manager_id=snapshot.manager_id(old),
                new_manager_id=snapshot.manager_id(new),
                reason=ENGINE_REASONS[int(plan.reasons[position])],
                previous_total=previous_total,
                needs_match=int(plan.needs[position]),
                hobbies_match=int(plan.hobbies[position]),
                total=int(plan.totals[position]),
                customer_class=letters[row],
            )
        )
    return planned


def _totals_with(snapshot, scores, rows: np.ndarray, managers: np.ndarray) -> np.ndarray:
    """Total of each customer row with a manager index (0 where there is none, or the manager is inactive)."""
    column = np.full(len(snapshot.manager_ids) + 1, -1, dtype=np.intp)  # index -1 (no manager) reads the last
    column[scores.active] = np.arange(len(scores.active))
    columns = column[managers]
    scored = columns >= 0
    out = np.zeros(len(rows), dtype=np.int64)
    out[scored] = scores.totals.pairs(rows[scored], columns[scored])
    return out


def _manager_index(snapshot, manager_id: int) -> int:
    index = np.flatnonzero(snapshot.manager_ids == manager_id)
    return int(index[0]) if len(index) else -2


# --- apply -------------------------------------------------------------------------------------


def _rows_by_id(queryset, ids: list[int], fields: tuple[str, ...]) -> dict[int, tuple]:
    """{id: values} for `ids`, with a short IN list or by reading everything (long plans)."""
    if len(ids) <= ID_LIST_LIMIT:
        queryset = queryset.filter(id__in=ids)
    wanted = set(ids)
    return {
        row[0]: row[1:] for row in queryset.values_list("id", *fields).iterator(chunk_size=20_000) if row[0] in wanted
    }


def preview_staleness(*, preview: MatchingRun) -> list[StaleItem]:
    """What changed since the preview among the customers and managers its plan touches (empty: fresh).

    A customer is stale when their manager, lock or portrait changed; a manager who would receive customers
    when their account is inactive, they stopped accepting customers, their profile changed, or the plan
    would now put them over capacity.
    """
    since = preview.started_at
    changes = list(preview.planned_changes.values_list("customer_id", "previous_manager_id", "new_manager_id"))
    transfer = "transfer_of" in preview.options
    customers = _rows_by_id(
        CustomerProfile.objects.all(),
        [c for c, _p, _n in changes],
        ("user__username", "manager_id", "manager_locked", "updated_at"),
    )
    stale: list[StaleItem] = []
    for customer_id, previous_id, _new in changes:
        current = customers.get(customer_id)
        if current is None:
            stale.append(StaleItem("customer", f"#{customer_id}", _("deleted since the preview")))
            continue
        username, manager_id, locked, updated_at = current
        if manager_id != previous_id:
            stale.append(StaleItem("customer", username, _("their manager changed since the preview")))
        elif locked and not transfer:
            stale.append(StaleItem("customer", username, _("assigned by hand and locked since the preview")))
        elif updated_at > since:
            stale.append(StaleItem("customer", username, _("their portrait changed since the preview")))

    arriving = Counter(new for _c, _p, new in changes if new)
    leaving = Counter(previous for _c, previous, _n in changes if previous)
    touched = sorted(set(arriving) | set(leaving))
    managers = _rows_by_id(
        managers_with_load(),
        touched,
        ("user__username", "capacity", "accepting_customers", "user__is_active", "updated_at", "load"),
    )
    for manager_id in touched:
        current = managers.get(manager_id)
        if current is None:
            stale.append(StaleItem("manager", f"#{manager_id}", _("deleted since the preview")))
            continue
        username, capacity, accepting, active, updated_at, load = current
        if manager_id not in arriving:
            continue
        # The flags first: deactivating an account does not touch the profile's updated_at.
        if not active:
            stale.append(StaleItem("manager", username, _("their account is inactive")))
        elif not accepting:
            stale.append(StaleItem("manager", username, _("no longer accepting customers")))
        elif updated_at > since:
            stale.append(StaleItem("manager", username, _("their capacity or availability changed since the preview")))
        elif load - leaving[manager_id] + arriving[manager_id] > capacity:
            stale.append(
                StaleItem(
                    "manager", username, _("would exceed their capacity: customers were assigned since the preview")
                )
            )
    return stale


def _refuse_if_stale(preview: MatchingRun) -> None:
    stale = preview_staleness(preview=preview)
    if not stale:
        return
    shown = "; ".join(str(item) for item in stale[:10])
    more = len(stale) - 10
    raise StalePlan(
        _("The plan of preview %(id)s is out of date (%(count)d change(s) since): %(items)s%(more)s. Preview again.")
        % {
            "id": preview.pk,
            "count": len(stale),
            "items": shown,
            "more": _(" and %(n)d more") % {"n": more} if more > 0 else "",
        },
        code="stale_plan",
        details=[{"kind": item.kind, "name": item.name, "reason": item.reason} for item in stale],
    )


def _applied_changes(planned: list[PlannedChange]) -> list[Change]:
    """The stored plan as changes, with the terms shared now (the portraits are as previewed: checked)."""
    snapshot = matching_snapshot(customer_ids=[change.customer_id for change in planned])
    rows = {customer_id: row for row, customer_id in enumerate(snapshot.customer_ids.tolist())}
    columns = {manager_id: column for column, manager_id in enumerate(snapshot.manager_ids.tolist())}
    changes = []
    for change in planned:
        needs, hobbies = shared_terms(snapshot, rows[change.customer_id], columns.get(change.new_manager_id, -1))
        changes.append(
            Change(
                customer_id=change.customer_id,
                customer="",
                previous_manager_id=change.previous_manager_id,
                previous_manager=None,
                new_manager_id=change.new_manager_id,
                new_manager=None,
                reason=change.reason,
                customer_class=change.customer_class,
                needs_match=change.needs_match,
                hobbies_match=change.hobbies_match,
                total=change.total,
                shared_needs=tuple(needs),
                shared_hobbies=tuple(hobbies),
            )
        )
    return changes


def preview_apply(*, preview: MatchingRun, actor: User | None, progress: Progress = no_progress) -> MatchingRun:
    """Write exactly the stored plan of `preview` as a new run, under the run lock.

    Refused with `StalePlan` (naming each customer and manager and why) when anything the plan touches
    changed since the preview, and with `Conflict` when the preview was already applied. A failure once
    it started writing writes nothing and leaves the run FAILED; the preview can be applied again.
    """
    phases = Phases(APPLY_PHASES, progress, desc=_("apply"))
    transfer_of = preview.options.get("transfer_of")
    run = MatchingRun(kind=RunKind.TRANSFER if transfer_of else RunKind.AUTOMATIC, actor=actor, preview=preview)
    with failure_recorded(run), transaction.atomic():
        with phases("check"):
            acquire_run_lock(f"apply of preview {preview.pk} by {actor or 'system'}")
            preview = MatchingRun.objects.select_for_update().get(pk=preview.pk)
            if preview.kind != RunKind.PREVIEW or preview.status != RunStatus.SUCCEEDED:
                raise ValidationError(_("Run %(id)s is not a stored plan that can be applied.") % {"id": preview.pk})
            if preview.applied_by.filter(status=RunStatus.SUCCEEDED).exists():
                raise Conflict(
                    _("Preview %(id)s has already been applied.") % {"id": preview.pk}, code="already_applied"
                )
            _refuse_if_stale(preview)

        with phases("write"):
            options = {**preview.options, "preview": preview.pk}
            if transfer_of:  # what run_undo reads to give the manager their flag back
                options.update(
                    manager_id=transfer_of,
                    was_accepting=ManagerProfile.objects.filter(pk=transfer_of)
                    .values_list("accepting_customers", flat=True)
                    .get(),
                )
            run.strategy, run.options = preview.strategy, options
            for figure in dataclass_fields(RunFigures):
                setattr(run, figure.name, getattr(preview, figure.name))
            run.save()
            if transfer_of:
                ManagerProfile.objects.filter(pk=transfer_of).update(
                    accepting_customers=False, updated_at=timezone.now()
                )
            planned = list(preview.planned_changes.all())
            changes = _applied_changes(planned)
            run_changes_write(
                changes=changes, run=run, actor=actor, cause=ChangeCause.PLAN_APPLIED,
                lock=False if transfer_of else None, note=_("Applied from preview %(id)s") % {"id": preview.pk},
            )
            run_finish(
                run,
                action="matching.plan_applied",
                summary={**preview.summary, "preview": preview.pk, "applied_changes": len(planned)},
                audit_data={"preview": preview.pk, "changes": len(planned), "total_score": run.total_score},
            )
    phases.close()
    return run
