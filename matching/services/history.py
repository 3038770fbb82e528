"""The assignment history, written one way for runs, undo and manual assignment."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def assignment_columns(
    changes: Sequence[Change], *, run: MatchingRun | None, actor: User | None, note: str = ""
) -> tuple[dict[str, list], dict[str, object]]:
    """The same rows as `assignment_rows`, as ({field: values}, {field: value the same in every row}) for
    `bulk_insert_columns`: a 100k-customer run spent seconds building instances, then tuples."""
    columns = {
        "customer": [change.customer_id for change in changes],
        "previous_manager": [change.previous_manager_id for change in changes],
        "new_manager": [change.new_manager_id for change in changes],
        "needs_match": [change.needs_match for change in changes],
        "hobbies_match": [change.hobbies_match for change in changes],
        "total": [change.total for change in changes],
        "customer_class": [change.customer_class for change in changes],
        "reason": [change.reason for change in changes],
        "shared_needs": [change.shared_needs for change in changes],
        "shared_hobbies": [change.shared_hobbies for change in changes],
    }
    constants = {"run": run.pk if run else None, "actor": actor.pk if actor else None, "note": note[:255]}
    return columns, constants
