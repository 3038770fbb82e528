"""Write side of matching: classify, place, and record every change of manager.

Every function loads what it needs in a constant number of queries (see selectors), lets the pure
engine do the maths, and writes back in bulk inside one transaction.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from audit.services import audit_record, field_changes
from core import errors as core_errors
from core.errors import CapacityExceeded, RunInProgress
from core.bulk import bulk_insert, bulk_set

from . import engine, segmentation
from .models import Assignment, MatchingRun, Reason, RunKind, RunLock, RunStatus, Segment, Strategy
from .selectors import Scores, Snapshot, portrait_figures, portrait_scores, portrait_snapshot, shared_terms

WRITE_BATCH = 1000

ENGINE_REASONS = {
    engine.REASON_BEST: Reason.BEST,
    engine.REASON_FALLBACK: Reason.FALLBACK,
    engine.REASON_NO_CAPACITY: Reason.NO_CAPACITY,
}

Progress = Callable[..., Iterable]


def _no_progress(iterable: Iterable, **_kwargs) -> Iterable:
    return iterable


@dataclass(frozen=True)
class Change:
    """One customer whose manager a run changes (for the dry-run preview and the summary)."""

    customer: str
    previous_manager: str | None
    new_manager: str | None
    reason: str
    total: int
    customer_class: str


@dataclass
class RunReport:
    run: MatchingRun
    changes: list[Change]
    class_counts: dict[str, int]
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)


# --- locking -----------------------------------------------------------------------------------

def _acquire_run_lock(holder: str) -> None:
    """Take the single matching lock row for the rest of the current transaction.

    An UPDATE takes a row lock on MySQL and the write lock on SQLite, so a second run waits for the
    first to commit; if the wait times out it stops with a clear message instead of interleaving.
    """
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = %s", [settings.PORTRAIT_RUN_LOCK_WAIT_SECONDS])
    try:
        updated = RunLock.objects.filter(pk=RunLock.SINGLETON).update(holder=holder[:200], acquired_at=timezone.now())
        if not updated:
            RunLock.objects.create(pk=RunLock.SINGLETON, holder=holder[:200], acquired_at=timezone.now())
    except (OperationalError, DatabaseError) as exc:
        raise RunInProgress(_("Another matching run is in progress; try again when it has finished.")) from exc


def _record_failure(run: MatchingRun, exc: Exception) -> None:
    """The run's writes were rolled back; keep a trace of the attempt and why it failed."""
    run.pk = None
    run.status = RunStatus.FAILED
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.finished_at = timezone.now()
    run.save()


# --- classification ----------------------------------------------------------------------------

def _write_classes(snapshot: Snapshot, letters: list[str]) -> int:
    """Store the class of customers whose class changed, in a constant number of queries."""
    now = timezone.now()
    rows = [
        (customer_id, new, now)
        for customer_id, old, new in zip(snapshot.customer_ids.tolist(), snapshot.customer_class, letters)
        if old != new
    ]
    return bulk_set(CustomerProfile, fields=["customer_class", "updated_at"], rows=rows)


@transaction.atomic
def customers_reclassify(*, customer_ids: Collection[int]) -> dict[int, str]:
    """Classify the given customers now (a portrait was saved); returns {customer id: class}."""
    if not customer_ids:
        return {}
    snapshot = portrait_snapshot(customer_ids=customer_ids)
    letters = portrait_scores(snapshot).class_letters()
    _write_classes(snapshot, letters)
    return dict(zip(snapshot.customer_ids.tolist(), letters))


# --- placement ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    """A computed placement: who moves where and why, in manager-array indices."""

    rows: np.ndarray           # customers being placed (rows of the snapshot)
    new_manager: np.ndarray    # (len(rows),) manager index, -1 when none
    reasons: np.ndarray        # (len(rows),) engine reason codes
    totals: np.ndarray         # (len(rows),) score with the new manager (0 when none)
    needs: np.ndarray
    hobbies: np.ndarray
    pruned: bool
    candidates_per_customer: int | None
    optimality_gap: float


def _plan(
    snapshot: Snapshot,
    scores: Scores,
    *,
    placing: np.ndarray,
    strategy: str,
    eligible_override: np.ndarray | None = None,
) -> _Plan:
    """Place the customers in `placing` (bool mask over rows) on eligible active managers."""
    active = scores.active
    eligible = snapshot.manager_accepting[active].copy()
    if eligible_override is not None:
        eligible &= eligible_override[active]
    # Load: customers who stay where they are, counted per active manager.
    staying_managers = snapshot.customer_manager[~placing]
    staying_managers = staying_managers[staying_managers >= 0]
    load_all = np.bincount(staying_managers, minlength=len(snapshot.manager_ids))
    load = load_all[active]
    capacity = snapshot.manager_capacity[active]

    rows = np.flatnonzero(placing)
    totals = scores.totals[rows]
    best = scores.best[rows]
    if strategy == Strategy.GREEDY:
        placement = engine.place_greedy(
            totals, best, scores.classes[rows], eligible=eligible, capacity=capacity, load=load
        )
    else:
        placement = engine.place_optimal(totals, best, eligible=eligible, capacity=capacity, load=load)

    assigned = placement.assigned
    placed = assigned >= 0
    column = np.where(placed, assigned, 0)

    def at_assigned(matrix: np.ndarray) -> np.ndarray:
        if matrix.shape[1] == 0:
            return np.zeros(len(rows), dtype=np.int64)
        return np.where(placed, matrix[rows, column], 0)

    return _Plan(
        rows=rows,
        new_manager=np.where(placed, active[column] if len(active) else -1, -1),
        reasons=placement.reasons,
        totals=placement.scores,
        needs=at_assigned(scores.needs_match),
        hobbies=at_assigned(scores.hobbies_match),
        pruned=placement.pruned,
        candidates_per_customer=placement.candidates_per_customer,
        optimality_gap=placement.optimality_gap,
    )


def _changes(snapshot: Snapshot, plan: _Plan) -> list[tuple[int, int, int, int]]:
    """(position in plan, snapshot row, previous manager index, new manager index) for every change."""
    previous = snapshot.customer_manager[plan.rows]
    changed = np.flatnonzero(previous != plan.new_manager)
    return [(int(p), int(plan.rows[p]), int(previous[p]), int(plan.new_manager[p])) for p in changed]


def _manager_id(snapshot: Snapshot, index: int) -> int | None:
    return int(snapshot.manager_ids[index]) if index >= 0 else None


def _manager_username(snapshot: Snapshot, index: int) -> str | None:
    return snapshot.manager_usernames[index] if index >= 0 else None


def _apply_plan(
    *,
    run: MatchingRun,
    snapshot: Snapshot,
    plan: _Plan,
    changes: list[tuple[int, int, int, int]],
    letters: list[str],
    unlock: bool = False,
) -> None:
    """Write the new managers and one Assignment per change, in a constant number of queries."""
    now = timezone.now()
    assignments = []
    profiles = []
    for position, row, previous, new in changes:
        customer_id = int(snapshot.customer_ids[row])
        profiles.append((customer_id, _manager_id(snapshot, new), now, False))
        needs, hobbies = shared_terms(snapshot, row, new) if new >= 0 else ([], [])
        assignments.append(
            Assignment(
                run=run,
                actor=run.actor,
                customer_id=customer_id,
                previous_manager_id=_manager_id(snapshot, previous),
                new_manager_id=_manager_id(snapshot, new),
                needs_match=int(plan.needs[position]),
                hobbies_match=int(plan.hobbies[position]),
                total=int(plan.totals[position]),
                customer_class=letters[row],
                reason=ENGINE_REASONS[int(plan.reasons[position])],
                shared_needs=needs,
                shared_hobbies=hobbies,
            )
        )
    if unlock:
        bulk_set(CustomerProfile, fields=["manager", "updated_at", "manager_locked"], rows=profiles)
    else:
        bulk_set(CustomerProfile, fields=["manager", "updated_at"], rows=[row[:3] for row in profiles])
    bulk_insert(assignments)


def _summarise(
    run: MatchingRun, snapshot: Snapshot, plan: _Plan, changes: list[tuple[int, int, int, int]], letters: list[str]
) -> list[Change]:
    placed = plan.new_manager >= 0
    run.customers_classified = snapshot.n_customers
    run.customers_placed = int(placed.sum())
    run.customers_moved = sum(1 for _p, _r, previous, new in changes if previous >= 0 and new >= 0)
    run.customers_unassigned = int((~placed).sum())
    run.fallbacks = int((plan.reasons == engine.REASON_FALLBACK).sum())
    run.total_score = int(plan.totals[placed].sum())
    return [
        Change(
            customer=snapshot.customer_usernames[row],
            previous_manager=_manager_username(snapshot, previous),
            new_manager=_manager_username(snapshot, new),
            reason=ENGINE_REASONS[int(plan.reasons[position])],
            total=int(plan.totals[position]),
            customer_class=letters[row],
        )
        for position, row, previous, new in changes
    ]


def matching_run(
    *,
    strategy: str = Strategy.OPTIMAL,
    rebalance: bool = False,
    dry_run: bool = False,
    actor: User | None = None,
    progress: Progress = _no_progress,
) -> RunReport:
    """Reclassify every customer and place those who need a manager, never exceeding capacity.

    By default only customers without a manager, or whose manager's account is inactive, are placed;
    `rebalance` places every customer who is not locked. Locked customers never move.
    """
    if strategy not in Strategy.values:
        raise ValidationError(_("Unknown strategy %(strategy)s.") % {"strategy": strategy})
    run = MatchingRun(
        kind=RunKind.AUTOMATIC, actor=actor, strategy=strategy, dry_run=dry_run,
        options={"strategy": strategy, "rebalance": rebalance, "dry_run": dry_run},
    )
    try:
        with transaction.atomic():
            if not dry_run:
                _acquire_run_lock(f"autoassign by {actor or 'system'}")
            run.save()
            report = _run(run, snapshot_placing=lambda s: _placing_mask(s, rebalance=rebalance), progress=progress)
    except RunInProgress:
        raise
    except Exception as exc:
        _record_failure(run, exc)
        raise
    return report


def _placing_mask(snapshot: Snapshot, *, rebalance: bool) -> np.ndarray:
    movable = ~snapshot.customer_locked
    if rebalance:
        return movable
    manager = snapshot.customer_manager
    has_manager = manager >= 0
    has_active_manager = np.zeros_like(has_manager)
    has_active_manager[has_manager] = snapshot.manager_active[manager[has_manager]]
    return movable & ~has_active_manager


def _run(
    run: MatchingRun,
    *,
    snapshot_placing: Callable[[Snapshot], np.ndarray],
    progress: Progress,
    eligible_override: Callable[[Snapshot], np.ndarray] | None = None,
    unlock: bool = False,
    keep_unplaced: bool = False,
) -> RunReport:
    """The phases every run shares: load, score, place, write; timings kept per phase."""
    seconds: dict[str, float] = {}
    phases = iter(progress(["load", "score", "place", "write"], desc=_("matching"), unit="phase"))

    next(phases, None)
    clock = time.perf_counter()
    snapshot = portrait_snapshot()
    seconds["load"] = time.perf_counter() - clock

    next(phases, None)
    clock = time.perf_counter()
    scores = portrait_scores(snapshot)
    letters = scores.class_letters()
    seconds["score"] = time.perf_counter() - clock

    next(phases, None)
    clock = time.perf_counter()
    placing = snapshot_placing(snapshot)
    plan = _plan(
        snapshot, scores, placing=placing, strategy=run.strategy,
        eligible_override=eligible_override(snapshot) if eligible_override else None,
    )
    changes = _changes(snapshot, plan)
    if keep_unplaced:
        changes = [change for change in changes if change[3] >= 0]
    seconds["place"] = time.perf_counter() - clock

    next(phases, None)
    clock = time.perf_counter()
    if not run.dry_run:
        _write_classes(snapshot, letters)
        _apply_plan(
            run=run, snapshot=snapshot, plan=plan, changes=changes, letters=letters,
            unlock=unlock,
        )
    seconds["write"] = time.perf_counter() - clock
    for _rest in phases:
        pass

    warnings = []
    if not len(scores.active):
        warnings.append(_("No active manager: every customer is class E and nobody was placed."))
    elif not snapshot.manager_accepting[scores.active].any():
        warnings.append(_("No active manager is accepting customers: nobody was placed."))
    if plan.pruned:
        warnings.append(
            _("Optimal placement pruned candidates for speed: %(k)d managers per customer; "
              "the total is proven within %(gap).2f%% of the exact optimum.")
            % {"k": plan.candidates_per_customer, "gap": 100 * plan.optimality_gap}
        )

    change_list = _summarise(run, snapshot, plan, changes, letters)
    class_counts = dict(sorted(Counter(letters).items()))
    run.summary = {
        "class_counts": class_counts,
        "seconds": {phase: round(value, 4) for phase, value in seconds.items()},
        "customers_to_place": len(plan.rows),
        "changes": len(change_list),
        "pruned": plan.pruned,
        "candidates_per_customer": plan.candidates_per_customer,
        "optimality_gap": round(plan.optimality_gap, 6),
        "warnings": warnings,
    }
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return RunReport(run=run, changes=change_list, class_counts=class_counts, seconds=seconds, warnings=warnings)


# --- moving a manager's whole book -------------------------------------------------------------

def manager_book_transfer(*, manager: ManagerProfile, actor: User | None = None, progress: Progress = _no_progress) -> RunReport:
    """Move a leaving manager's customers to the others by the optimal rule.

    The leaving manager stops accepting customers. Their customers (locked ones too: the relationship
    ends with the manager) are placed on the other eligible managers; those who do not fit stay with
    the leaving manager and are counted as left unassigned, so nobody is orphaned.
    """
    run = MatchingRun(
        kind=RunKind.TRANSFER, actor=actor, strategy=Strategy.OPTIMAL,
        options={"manager": manager.user.username},
    )
    try:
        with transaction.atomic():
            _acquire_run_lock(f"transfer of {manager.user.username}")
            ManagerProfile.objects.filter(pk=manager.pk).update(accepting_customers=False, updated_at=timezone.now())
            manager.accepting_customers = False
            run.save()

            def leaving(snapshot: Snapshot) -> np.ndarray:
                return snapshot.manager_ids != manager.pk

            def placing(snapshot: Snapshot) -> np.ndarray:
                index = np.flatnonzero(snapshot.manager_ids == manager.pk)
                return snapshot.customer_manager == (index[0] if len(index) else -2)

            report = _run(run, snapshot_placing=placing, eligible_override=leaving, unlock=True,
                          keep_unplaced=True, progress=progress)
    except RunInProgress:
        raise
    except Exception as exc:
        _record_failure(run, exc)
        raise
    return report


# --- undo --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UndoConflict:
    customer: str
    reason: str


class UndoRefused(core_errors.UndoRefused):
    def __init__(self, message: str, conflicts: list[UndoConflict]):
        super().__init__(message, details=conflicts)
        self.conflicts = conflicts


@transaction.atomic
def run_undo(*, run: MatchingRun, actor: User | None = None) -> MatchingRun:
    """Restore the managers a run changed, if nobody was changed again since and capacity allows."""
    if run.dry_run:
        raise ValidationError(_("Run %(id)s was a dry run: it changed nothing.") % {"id": run.pk})
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Run %(id)s did not succeed: nothing to undo.") % {"id": run.pk})
    if run.undone_by.filter(status=RunStatus.SUCCEEDED).exists():
        raise ValidationError(_("Run %(id)s has already been undone.") % {"id": run.pk})
    _acquire_run_lock(f"undo of run {run.pk}")

    changed = list(
        run.assignments.select_related("customer__user", "customer__manager", "previous_manager__user")
        .order_by("id")
    )
    later = set(
        Assignment.objects.filter(customer_id__in=[a.customer_id for a in changed], id__gt=max((a.id for a in changed), default=0))
        .exclude(run=run)
        .values_list("customer_id", flat=True)
    ) if changed else set()
    conflicts = [
        UndoConflict(a.customer.user.username, _("changed again since this run"))
        for a in changed
        if a.customer_id in later or a.customer.manager_id != a.new_manager_id
    ]
    if conflicts:
        raise UndoRefused(
            _("Cannot undo run %(id)s: %(count)d customer(s) changed again since: %(names)s.")
            % {"id": run.pk, "count": len(conflicts), "names": ", ".join(c.customer for c in conflicts)},
            conflicts,
        )

    restoring = Counter(a.previous_manager_id for a in changed if a.previous_manager_id)
    leaving = Counter(a.new_manager_id for a in changed if a.new_manager_id)
    managers = ManagerProfile.objects.select_related("user").annotate(load=Count("customers")).in_bulk(list(restoring))
    full = [
        managers[manager_id].user.username
        for manager_id, count in restoring.items()
        if managers[manager_id].load - leaving.get(manager_id, 0) + count > managers[manager_id].capacity
    ]
    if full:
        raise ValidationError(
            _("Cannot undo run %(id)s: these managers would exceed their capacity: %(names)s.")
            % {"id": run.pk, "names": ", ".join(sorted(full))}
        )

    undo = MatchingRun.objects.create(
        kind=RunKind.UNDO, actor=actor, strategy=run.strategy, undo_of=run, options={"undo_of": run.pk},
    )
    now = timezone.now()
    profiles, assignments = [], []
    for a in changed:
        profiles.append((a.customer_id, a.previous_manager_id, now))
        assignments.append(
            Assignment(
                run=undo, actor=actor, customer_id=a.customer_id,
                previous_manager_id=a.new_manager_id, new_manager_id=a.previous_manager_id,
                customer_class=a.customer.customer_class, reason=Reason.UNDO,
                note=_("Undo of run %(id)s") % {"id": run.pk},
            )
        )
    bulk_set(CustomerProfile, fields=["manager", "updated_at"], rows=profiles)
    bulk_insert(assignments)
    undo.customers_moved = len(changed)
    undo.status = RunStatus.SUCCEEDED
    undo.finished_at = timezone.now()
    undo.summary = {"restored": len(changed)}
    undo.save()
    return undo


# --- manual assignment -------------------------------------------------------------------------

@transaction.atomic
def customers_assign(
    *, customer_ids: Collection[int], manager: ManagerProfile, actor: User | None, note: str = ""
) -> list[Assignment]:
    """Assign customers to one manager by hand and lock them against automatic runs.

    Refused as a whole when the manager's account is inactive, the manager is not accepting
    customers, or they would not all fit: capacity holds for manual assignments too.
    """
    _acquire_run_lock(f"manual assignment by {actor or 'system'}")  # a run must not overwrite it with a stale plan
    manager = ManagerProfile.objects.select_for_update().select_related("user").get(pk=manager.pk)
    customer_ids = set(customer_ids)
    if not manager.user.is_active:
        raise ValidationError(_("%(manager)s's account is inactive.") % {"manager": manager.user})
    if not manager.accepting_customers:
        raise ValidationError(_("%(manager)s is not accepting customers.") % {"manager": manager.user})
    snapshot = portrait_snapshot(customer_ids=customer_ids)
    column = int(np.flatnonzero(snapshot.manager_ids == manager.pk)[0])
    moving = np.flatnonzero(snapshot.customer_manager != column)
    if not len(moving):
        raise ValidationError(_("Already served by %(manager)s.") % {"manager": manager.user})
    load = CustomerProfile.objects.filter(manager=manager).count()
    if load + len(moving) > manager.capacity:
        raise ValidationError(
            _("%(manager)s has room for %(room)d more customer(s) (%(load)d of %(capacity)d); %(count)d asked.")
            % {"manager": manager.user, "room": max(manager.capacity - load, 0), "load": load,
               "capacity": manager.capacity, "count": len(moving)}
        )

    letters = portrait_scores(snapshot).class_letters()
    now = timezone.now()
    profiles, assignments = [], []
    for row in moving.tolist():
        customer_id = int(snapshot.customer_ids[row])
        needs, hobbies = shared_terms(snapshot, row, column)
        profiles.append((customer_id, manager.pk, True, letters[row], now))
        assignments.append(Assignment(
            actor=actor, customer_id=customer_id,
            previous_manager_id=_manager_id(snapshot, int(snapshot.customer_manager[row])), new_manager=manager,
            needs_match=len(needs), hobbies_match=len(hobbies), total=len(needs) + len(hobbies),
            customer_class=letters[row], reason=Reason.MANUAL, shared_needs=needs, shared_hobbies=hobbies,
            note=note[:255],
        ))
    bulk_set(CustomerProfile, fields=["manager", "manager_locked", "customer_class", "updated_at"], rows=profiles)
    return Assignment.objects.bulk_create(assignments, batch_size=WRITE_BATCH)


def customer_assign(*, customer: CustomerProfile, manager: ManagerProfile, actor: User | None, note: str = "") -> Assignment:
    """Assign one customer by hand (see `customers_assign`)."""
    return customers_assign(customer_ids=[customer.pk], manager=manager, actor=actor, note=note)[0]


@transaction.atomic
def customers_unlock(*, customer_ids: Collection[int]) -> int:
    """Let rebalancing runs move these customers again; returns how many were locked."""
    return CustomerProfile.objects.filter(id__in=list(customer_ids), manager_locked=True).update(
        manager_locked=False, updated_at=timezone.now()
    )


# --- a manager's capacity and availability ------------------------------------------------------

@transaction.atomic
def manager_availability_update(
    *,
    manager: ManagerProfile,
    actor: User | None,
    capacity: int | None = None,
    accepting_customers: bool | None = None,
    confirm_overflow: bool = False,
) -> ManagerProfile:
    """Change how many customers a manager may serve and whether they take new ones.

    Takes the run lock, so a run placing customers sees either the old values or the new, never a mix.
    A capacity below the current book is refused unless `confirm_overflow`: the customers stay, and
    automatic runs give the manager no one new until the book is below the capacity again.
    """
    _acquire_run_lock(f"availability of {manager.user.username} by {actor or 'system'}")
    manager = ManagerProfile.objects.select_for_update().select_related("user").get(pk=manager.pk)
    before = {"capacity": manager.capacity, "accepting_customers": manager.accepting_customers}
    if capacity is not None:
        manager.capacity = capacity
    if accepting_customers is not None:
        manager.accepting_customers = accepting_customers
    manager.full_clean(exclude=["user"])
    load = CustomerProfile.objects.filter(manager=manager).count()
    if capacity is not None and capacity < load and capacity != before["capacity"] and not confirm_overflow:
        raise CapacityExceeded(
            _("%(manager)s serves %(load)d customers, more than the new capacity of %(capacity)d. Confirm to "
              "keep them all: automatic runs will assign this manager no one new until the book is below the "
              "capacity; move the book or run a rebalance to bring it down.")
            % {"manager": manager.user, "load": load, "capacity": capacity},
            code="capacity_below_book",
        )
    manager.save(update_fields=["capacity", "accepting_customers", "updated_at"])
    after = {"capacity": manager.capacity, "accepting_customers": manager.accepting_customers}
    if changes := field_changes(before, after):
        audit_record(
            actor=actor, action="manager.availability_updated", target=manager, summary=str(manager.user),
            changes=changes, data={"load": load},
        )
    return manager


# --- segmentation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SegmentReport:
    k: int
    silhouette: float | None
    segments: list[Segment]
    customers: int


@transaction.atomic
def segments_compute(*, k: int | None = None, random_state: int = 0) -> SegmentReport:
    """K-Means++ segments of every portrait: store each customer's segment and one summary per segment."""
    figures = portrait_figures()
    if not len(figures.customer_ids):
        Segment.objects.all().delete()
        return SegmentReport(k=0, silhouette=None, segments=[], customers=0)
    features = segmentation.portrait_features(figures.age, figures.total_assets, figures.needs, figures.hobbies)
    if k is not None and k > len(figures.customer_ids):
        raise ValidationError(
            _("k=%(k)d is more than the %(n)d customers there are.") % {"k": k, "n": len(figures.customer_ids)}
        )
    result = segmentation.segment(features, k=k, random_state=random_state)
    summaries = segmentation.summarize(
        result.labels, figures.age, figures.total_assets, figures.needs, figures.hobbies,
        service_names=figures.service_names, hobby_names=figures.hobby_names,
    )
    now = timezone.now()
    bulk_set(
        CustomerProfile, fields=["segment", "updated_at"],
        rows=[(pk, label, now) for pk, label in zip(figures.customer_ids.tolist(), result.labels.tolist())],
    )
    Segment.objects.all().delete()
    segments = Segment.objects.bulk_create(
        Segment(
            label=summary.label, name=summary.name[:200], size=summary.size, median_age=summary.median_age,
            median_assets=Decimal(str(round(summary.median_assets, 2))),
            top_needs=summary.top_needs, top_hobbies=summary.top_hobbies,
        )
        for summary in summaries
    )
    return SegmentReport(k=result.k, silhouette=result.silhouette, segments=segments, customers=len(figures.customer_ids))
