"""The assignment history and what a run writes: the one field mapping of a change to its history row,
the one path that writes a run's changes (customers' managers and classes, then their history), used by
automatic runs, book moves, applied previews, undo and manual assignment, and the one announcement of
those changes (`events.managers_changed`) that every such write sends."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter

from django.utils import timezone

from accounts.models import User
from core.bulk import bulk_insert_columns, bulk_set_columns, bulk_set_from
from customers.models import CustomerProfile

from .. import engine, planning
from ..events import ChangeCause, managers_changed
from ..models import Assignment, MatchingRun, Reason
from ..planning import Change

# Why a plan placed a customer where it did (or nowhere), as the history records it: the engine's reasons,
# a second choice by its cause (`planning.fallback_causes`; `Reason.FALLBACK` is only in older rows).
ENGINE_REASONS = {
    engine.REASON_BEST: Reason.BEST,
    planning.REASON_FALLBACK_CLOSED: Reason.FALLBACK_CLOSED,
    planning.REASON_FALLBACK_FULL: Reason.FALLBACK_FULL,
    planning.REASON_FALLBACK_TAKEN: Reason.FALLBACK_TAKEN,
    planning.REASON_FALLBACK_OVERALL: Reason.FALLBACK_OVERALL,
    engine.REASON_NO_CAPACITY: Reason.NO_CAPACITY,
    engine.REASON_NO_ELIGIBLE_MANAGER: Reason.NO_ELIGIBLE_MANAGER,
}

# Assignment field (attname) <- what of a Change it records: written once, for rows and for columns. The
# shared terms stay the plan's tuples (JSON arrays all the same): equal sets are one object, so the bulk insert
# prepares each distinct set once by hashing it, where lists took a fallback key per row (seconds at 1M rows).
_FROM_CHANGE: dict[str, Callable[[Change], object]] = {
    "customer_id": attrgetter("customer_id"),
    "previous_manager_id": attrgetter("previous_manager_id"),
    "new_manager_id": attrgetter("new_manager_id"),
    "needs_match": attrgetter("needs_match"),
    "hobbies_match": attrgetter("hobbies_match"),
    "total": attrgetter("total"),
    "customer_class": attrgetter("customer_class"),
    "reason": attrgetter("reason"),
    "shared_needs": attrgetter("shared_needs"),
    "shared_hobbies": attrgetter("shared_hobbies"),
}


def _constants(run: MatchingRun | None, actor: User | None, note: str) -> dict[str, object]:
    return {"run_id": run.pk if run else None, "actor_id": actor.pk if actor else None, "note": note[:255]}


def assignment_rows(
    changes: Iterable[Change], *, run: MatchingRun | None, actor: User | None, note: str = ""
) -> list[Assignment]:
    """One unsaved `Assignment` per change (for callers that need the instances back, their terms as lists,
    as they read back)."""
    constants = _constants(run, actor, note)
    rows = [
        Assignment(**{name: value(change) for name, value in _FROM_CHANGE.items()}, **constants) for change in changes
    ]
    for row in rows:
        row.shared_needs, row.shared_hobbies = list(row.shared_needs), list(row.shared_hobbies)
    return rows


def assignment_columns(
    changes: Sequence[Change], *, run: MatchingRun | None, actor: User | None, note: str = ""
) -> tuple[dict[str, list], dict[str, object]]:
    """The same rows as `assignment_rows`, as ({field: values}, {field: value the same in every row}) for
    `bulk_insert_columns`: a 100k-customer run spent seconds building instances, then tuples."""
    columns = {name: [value(change) for change in changes] for name, value in _FROM_CHANGE.items()}
    return columns, _constants(run, actor, note)


def managers_changed_announce(
    *, changes: Sequence[Change], run: MatchingRun, cause: ChangeCause, actor: User | None
) -> None:
    """Tell the apps above (notifications) whose manager changed, once per write, inside its transaction."""
    if changes:
        managers_changed.send(sender=MatchingRun, changes=changes, run=run, cause=cause, actor=actor)


def run_changes_write(
    *,
    changes: Sequence[Change],
    run: MatchingRun,
    actor: User | None,
    cause: ChangeCause,
    note: str = "",
    lock: bool | None = None,
    reclassified: Mapping[int, str] | None = None,
) -> None:
    """Write what a run changes, in a constant number of statements: one history row per change; then
    each changed customer gets the change's new manager and class from their history row (and
    `manager_locked` = `lock` unless it is None), customers in `reclassified` ({id: class}) only their new class.

    Runs inside the caller's transaction (the run lock held).
    """
    now = timezone.now()
    history, constants = assignment_columns(changes, run=run, actor=actor, note=note)
    bulk_insert_columns(Assignment, columns=history, constants=constants)
    if changes:
        locked = {} if lock is None else {"manager_locked": lock}
        bulk_set_from(
            CustomerProfile, source=Assignment, key="customer", where={"run": run.pk},
            columns={"manager": "new_manager", "customer_class": "customer_class"},
            constants={"updated_at": now, **locked},
        )
    if reclassified:
        bulk_set_columns(
            CustomerProfile,
            pks=list(reclassified),
            columns={"customer_class": list(reclassified.values())},
            constants={"updated_at": now},
        )
    managers_changed_announce(changes=changes, run=run, cause=cause, actor=actor)
