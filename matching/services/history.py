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
