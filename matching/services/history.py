"""The assignment history, written one way for runs, undo and manual assignment."""
from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User

from ..models import Assignment, MatchingRun
from ..planning import Change


def assignment_rows(
    changes: Iterable[Change], *, run: MatchingRun | None, actor: User | None, note: str = ""
) -> list[Assignment]:
    """One unsaved `Assignment` per change (the caller writes them in bulk)."""
    return [
        Assignment(
            run=run,
            actor=actor,
            customer_id=change.customer_id,
            previous_manager_id=change.previous_manager_id,
            new_manager_id=change.new_manager_id,
            needs_match=change.needs_match,
            hobbies_match=change.hobbies_match,
            total=change.total,
            customer_class=change.customer_class,
            reason=change.reason,
            shared_needs=list(change.shared_needs),
            shared_hobbies=list(change.shared_hobbies),
            note=note[:255],
        )
        for change in changes
    ]


ASSIGNMENT_FIELDS = (
    "run", "actor", "customer", "previous_manager", "new_manager", "needs_match", "hobbies_match", "total",
    "customer_class", "reason", "shared_needs", "shared_hobbies", "note",
)


def assignment_values(
    changes: Iterable[Change], *, run: MatchingRun | None, actor: User | None, note: str = ""
) -> list[tuple]:
    """The same rows as `assignment_rows`, as tuples in `ASSIGNMENT_FIELDS` order, for `bulk_insert_rows`
    (a 100k-customer run spent seconds building the model instances)."""
    run_id, actor_id, note = (run.pk if run else None), (actor.pk if actor else None), note[:255]
    return [
        (run_id, actor_id, change.customer_id, change.previous_manager_id, change.new_manager_id,
         change.needs_match, change.hobbies_match, change.total, change.customer_class, change.reason,
         list(change.shared_needs), list(change.shared_hobbies), note)
        for change in changes
    ]
