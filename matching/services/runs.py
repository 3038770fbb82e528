"""Run lifecycle: automatic runs (placing customers) and moving a leaving manager's whole book.

Every run loads, scores, plans and writes in the same phases (`_run`), inside `recorded_run()`, writes
its changes through `history.run_changes_write` and ends through `lifecycle.run_finish`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from managers.models import ManagerProfile

from ..capacity_report import written_plan_summary
from ..events import ChangeCause
from ..models import MatchingRun, RunKind, Strategy
from ..planning import Change, Snapshot, managers_after, placing_mask, plan_changes, plan_placement, run_figures
from ..scoring import snapshot_scores
from ..selectors import matching_snapshot, plan_inputs_stamp
from .history import ENGINE_REASONS, run_changes_write
from .lifecycle import Phases, Progress, no_progress, run_finish
from .lock import recorded_run

PHASES = ["load", "score", "place", "write"]


@dataclass(frozen=True)
class RunOptions:
    """How a run places: passed to the phases explicitly, never read back off the run's row. The
    strategy was validated where it came in (form, command, serializer) and arrives as a `Strategy`."""

    strategy: Strategy = Strategy.OPTIMAL
    rebalance: bool = False
    move_cost: int = 0  # optimal rule: points a move away from the current manager must gain (continuity)


@dataclass
class RunReport:
    run: MatchingRun
    changes: list[Change]
    class_counts: dict[str, int]
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def run_automatic(
    *,
    strategy: Strategy = Strategy.OPTIMAL,
    rebalance: bool = False,
    move_cost: int = 0,
    actor: User | None = None,
    progress: Progress = no_progress,
) -> RunReport:
    """Reclassify every customer and place those who need a manager, never exceeding capacity.

    By default only customers without a manager, or whose manager's account is inactive, are placed;
    `rebalance` places every customer who is not locked. Locked customers never move. Branches and tiers
    (`scoring.eligibility_of`) are hard constraints; `move_cost` (optimal rule) keeps a customer with their
    manager unless a move gains more than that many points. To see a run without writing it, store a
    preview (`previews.preview_create`) and apply it later.
    """
    options = RunOptions(strategy=strategy, rebalance=rebalance, move_cost=move_cost_checked(move_cost))
    # strategy has its column; options keeps only what has none.
    run = MatchingRun(kind=RunKind.AUTOMATIC, actor=actor, strategy=options.strategy,
                      options={"rebalance": options.rebalance, "move_cost": options.move_cost})
    with recorded_run(run, lock_holder=f"autoassign by {actor or 'system'}"):
        return _run(
            run, options=options, placing=lambda s: placing_mask(s, rebalance=options.rebalance), progress=progress,
            action="matching.run", cause=ChangeCause.AUTOMATIC_RUN,
            keeps_today=options.strategy == Strategy.OPTIMAL and options.rebalance,
            audit_data=lambda changes: {
                "strategy": options.strategy, "rebalance": options.rebalance, "move_cost": options.move_cost,
                "changes": len(changes),
            },
        )


#: The largest move cost taken: far above any score (totals are shared terms, tens at most).
MAX_MOVE_COST = 10_000


def move_cost_checked(move_cost: int) -> int:
    """The move cost as the engine takes it; ValidationError for anything else (forms, commands, the API)."""
    if isinstance(move_cost, bool) or not isinstance(move_cost, int) or not 0 <= move_cost <= MAX_MOVE_COST:
        raise ValidationError(
            _("The move cost must be a whole number of points from 0 to %(max)d.") % {"max": MAX_MOVE_COST},
            code="invalid_move_cost",
        )
    return move_cost


def manager_book_transfer(
    *, manager: ManagerProfile, actor: User | None = None, progress: Progress = no_progress
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

        return _run(
            run, options=options, placing=book, eligible_override=others, unlock=True, keep_unplaced=True,
            progress=progress, action="matching.book_transfer", cause=ChangeCause.BOOK_MOVE,
            audit_summary=str(manager.user),
            audit_changes={"accepting_customers": (was_accepting, False)},
            audit_data=lambda changes: {
                "manager_id": manager.pk, "moved": len(changes), "left": run.customers_unassigned
            },
        )


def _run(
    run: MatchingRun,
    *,
    options: RunOptions,
    placing: Callable[[Snapshot], np.ndarray],
    progress: Progress,
    action: str,
    cause: ChangeCause,
    audit_data: Callable[[list[Change]], dict],
    audit_summary: str | None = None,
    audit_changes: dict | None = None,
    eligible_override: Callable[[Snapshot], np.ndarray] | None = None,
    unlock: bool = False,
    keep_unplaced: bool = False,
    keeps_today: bool = False,
) -> RunReport:
    """The phases every run shares: load, score, place, write; then the run's end.

    `keeps_today`: the plan is the optimum over every customer who is not locked (an optimal rebalance), so
    the run keeps it in its summary as today's plan for what-if scenarios (`selectors.written_plan`), with the
    stamp of the data as written (after the write, inside the run's transaction: the plan is then what the
    data say, and nobody moves). A customer edit another process commits while the run places (edits do not
    wait for the run lock) is in that stamp but in neither the run's plan nor the one it keeps; the next
    change of any kind moves the stamp again."""
    phases = Phases(PHASES, progress, desc=_("matching"))
    with phases("load"):
        snapshot = matching_snapshot()
    with phases("score"):
        scores = snapshot_scores(snapshot)
        letters = scores.class_letters()
    with phases("place"):
        plan = plan_placement(
            snapshot, scores, placing=placing(snapshot), greedy=options.strategy == Strategy.GREEDY,
            eligible_override=eligible_override(snapshot) if eligible_override else None,
            move_cost=options.move_cost,
        )
        changes = plan_changes(snapshot, plan, letters, reasons=ENGINE_REASONS, keep_unplaced=keep_unplaced)
    with phases("write"):
        moved = managers_after(snapshot, plan, keep_unplaced=keep_unplaced) != snapshot.customer_manager
        run_changes_write(
            changes=changes, run=run, actor=run.actor, cause=cause, lock=False if unlock else None,
            reclassified=_reclassified(snapshot, letters, moved),
        )
        today = {
            "stamp": plan_inputs_stamp(), "move_cost": options.move_cost,
            "plan": asdict(written_plan_summary(snapshot, scores, plan)),
        } if keeps_today else None
    phases.close()

    warnings = _warnings(snapshot, scores, plan)
    for name, value in run_figures(snapshot, plan, changes).__dict__.items():
        setattr(run, name, value)
    class_counts = dict(sorted(Counter(letters).items()))
    run_finish(
        run,
        action=action,
        phases=phases,
        summary={
            "class_counts": class_counts,
            "customers_to_place": len(plan.rows),
            "changes": len(changes),
            "pruned": plan.pruned,
            "candidates_per_customer": plan.candidates_per_customer,
            "optimality_gap": round(plan.optimality_gap, 6),
            "warnings": warnings,
            **({"today": today} if today else {}),
        },
        audit_summary=audit_summary,
        audit_changes=audit_changes,
        audit_data=audit_data(changes),
    )
    return RunReport(run=run, changes=changes, class_counts=class_counts, seconds=phases.seconds, warnings=warnings)


def _reclassified(snapshot: Snapshot, letters: list[str], moved: np.ndarray) -> dict[int, str]:
    """{customer id: new class} of the customers whose class alone changes (they keep manager and lock)."""
    customer_ids = snapshot.customer_ids.tolist()
    return {
        customer_ids[row]: letters[row]
        for row, (old, new) in enumerate(zip(snapshot.customer_class, letters))
        if old != new and not moved[row]
    }


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
