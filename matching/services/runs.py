"""Run lifecycle: automatic runs (placing customers) and moving a leaving manager's whole book.

Every run loads, scores, plans and writes in the same phases (`_run`), inside `recorded_run()`.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from core.bulk import bulk_insert_columns, bulk_set_columns

from .. import engine
from ..models import Assignment, MatchingRun, Reason, RunKind, RunStatus, Strategy
from ..planning import Change, Snapshot, managers_after, placing_mask, plan_changes, plan_placement, run_figures
from ..scoring import portrait_scores
from ..selectors import portrait_snapshot
from .history import assignment_columns
from .lock import recorded_run

ENGINE_REASONS = {
    engine.REASON_BEST: Reason.BEST,
    engine.REASON_FALLBACK: Reason.FALLBACK,
    engine.REASON_NO_CAPACITY: Reason.NO_CAPACITY,
}

Progress = Callable[..., Iterable]


def _no_progress(iterable: Iterable, **_kwargs) -> Iterable:
    return iterable


@dataclass(frozen=True)
class RunOptions:
    """How a run places: passed to the phases explicitly, never read back off the run's row."""

    strategy: str = Strategy.OPTIMAL
    rebalance: bool = False
    dry_run: bool = False

    def __post_init__(self):
        if self.strategy not in Strategy.values:
            raise ValidationError(_("Unknown strategy %(strategy)s.") % {"strategy": self.strategy})


@dataclass
class RunReport:
    run: MatchingRun
    changes: list[Change]
    class_counts: dict[str, int]
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def run_automatic(
    *,
    strategy: str = Strategy.OPTIMAL,
    rebalance: bool = False,
    dry_run: bool = False,
    actor: User | None = None,
    progress: Progress = _no_progress,
) -> RunReport:
    """Reclassify every customer and place those who need a manager, never exceeding capacity.

    By default only customers without a manager, or whose manager's account is inactive, are placed;
    `rebalance` places every customer who is not locked. Locked customers never move. A dry run
    computes and records the run (and an audit event) but changes no customer.
    """
    options = RunOptions(strategy=strategy, rebalance=rebalance, dry_run=dry_run)
    # strategy and dry_run have their columns; options keeps only what has none.
    run = MatchingRun(
        kind=RunKind.AUTOMATIC, actor=actor, strategy=options.strategy, dry_run=options.dry_run,
        options={"rebalance": options.rebalance},
    )
    holder = None if dry_run else f"autoassign by {actor or 'system'}"
    with recorded_run(run, lock_holder=holder):
        report = _run(
            run, options=options, placing=lambda s: placing_mask(s, rebalance=options.rebalance), progress=progress,
        )
        audit_record(
            actor=actor, action="matching.dry_run" if dry_run else "matching.run", target=run, summary=str(run),
            data={"strategy": options.strategy, "rebalance": options.rebalance, "changes": len(report.changes)},
        )
    return report


def manager_book_transfer(
    *, manager: ManagerProfile, actor: User | None = None, progress: Progress = _no_progress
) -> RunReport:
    """Move a leaving manager's customers to the others by the optimal rule.

    The leaving manager stops accepting customers. Their customers (locked ones too: the relationship
    ends with the manager) are placed on the other eligible managers; those who do not fit stay with
    the leaving manager and are counted as left unassigned, so nobody is orphaned. The run keeps
    whether the manager was accepting customers, so that undoing it restores that too.
    """
    options = RunOptions(strategy=Strategy.OPTIMAL)
    run = MatchingRun(kind=RunKind.TRANSFER, actor=actor, strategy=options.strategy)
    with recorded_run(run, lock_holder=f"transfer of {manager.user.username}"):
        was_accepting = ManagerProfile.objects.filter(pk=manager.pk).values_list("accepting_customers", flat=True).get()
        ManagerProfile.objects.filter(pk=manager.pk).update(accepting_customers=False, updated_at=timezone.now())
        manager.accepting_customers = False
        run.options = {"manager": manager.user.username, "manager_id": manager.pk, "was_accepting": was_accepting}

        def others(snapshot: Snapshot) -> np.ndarray:
            return snapshot.manager_ids != manager.pk

        def book(snapshot: Snapshot) -> np.ndarray:
            index = snapshot.manager_index(manager.pk)
            return snapshot.customer_manager == (index if index >= 0 else -2)

        report = _run(run, options=options, placing=book, eligible_override=others, unlock=True,
                      keep_unplaced=True, progress=progress)
        audit_record(
            actor=actor, action="matching.book_transfer", target=run, summary=str(manager.user),
            changes={"accepting_customers": (was_accepting, False)},
            data={"manager_id": manager.pk, "moved": len(report.changes), "left": run.customers_unassigned},
        )
    return report


def _run(
    run: MatchingRun,
    *,
    options: RunOptions,
    placing: Callable[[Snapshot], np.ndarray],
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
    plan = plan_placement(
        snapshot, scores, placing=placing(snapshot), greedy=options.strategy == Strategy.GREEDY,
        eligible_override=eligible_override(snapshot) if eligible_override else None,
    )
    changes = plan_changes(snapshot, plan, letters, reasons=ENGINE_REASONS, keep_unplaced=keep_unplaced)
    seconds["place"] = time.perf_counter() - clock

    next(phases, None)
    clock = time.perf_counter()
    if not options.dry_run:
        after = managers_after(snapshot, plan, keep_unplaced=keep_unplaced)
        _write_changes(run, snapshot, letters, after, changes, unlock=unlock)
    seconds["write"] = time.perf_counter() - clock
    for _rest in phases:
        pass

    warnings = _warnings(snapshot, scores, plan)
    figures = run_figures(snapshot, plan, changes)
    for name, value in figures.__dict__.items():
        setattr(run, name, value)
    class_counts = dict(sorted(Counter(letters).items()))
    run.summary = {
        "class_counts": class_counts,
        "seconds": {phase: round(value, 4) for phase, value in seconds.items()},
        "customers_to_place": len(plan.rows),
        "changes": len(changes),
        "pruned": plan.pruned,
        "candidates_per_customer": plan.candidates_per_customer,
        "optimality_gap": round(plan.optimality_gap, 6),
        "warnings": warnings,
    }
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return RunReport(run=run, changes=changes, class_counts=class_counts, seconds=seconds, warnings=warnings)


def _write_changes(
    run: MatchingRun, snapshot: Snapshot, letters: list[str], after: np.ndarray, changes: list[Change], *, unlock: bool
) -> None:
    """Every customer whose class or manager changes, in one joined UPDATE; one Assignment per change.

    A constant number of statements per megabyte written. Customers whose class alone changes keep the
    manager (and lock) the snapshot read under the run lock.
    """
    moved = after != snapshot.customer_manager
    reclassified = np.fromiter(
        (old != new for old, new in zip(snapshot.customer_class, letters)), dtype=bool, count=snapshot.n_customers
    )
    rows = np.flatnonzero(moved | reclassified)
    manager_ids = [*snapshot.manager_ids.tolist(), None]  # index -1: no manager
    columns = {
        "manager": [manager_ids[column] for column in after[rows].tolist()],
        "customer_class": [letters[row] for row in rows.tolist()],
    }
    if unlock:
        columns["manager_locked"] = (snapshot.customer_locked[rows] & ~moved[rows]).tolist()
    bulk_set_columns(CustomerProfile, pks=snapshot.customer_ids[rows].tolist(), columns=columns,
                     constants={"updated_at": timezone.now()})
    history, constants = assignment_columns(changes, run=run, actor=run.actor)
    bulk_insert_columns(Assignment, columns=history, constants=constants)


def _warnings(snapshot: Snapshot, scores, plan) -> list[str]:
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
    return warnings
