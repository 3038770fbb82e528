"""Undo: restore what a run changed, if nobody was changed again since and capacity allows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from matching import errors as matching_errors
from core.bulk import bulk_set_columns
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import manager_loads
from core.tabular import shorten_list

from ..events import ChangeCause
from ..models import Assignment, MatchingRun, Reason, RunKind, RunStatus
from ..planning import Change
from .history import run_changes_write
from .lifecycle import run_finish
from .lock import acquire_run_lock, failure_recorded


@dataclass(frozen=True)
class UndoConflict:
    customer: str
    reason: str


class UndoRefused(matching_errors.UndoRefused):
    def __init__(self, message: str, conflicts: list[UndoConflict]):
        super().__init__(message, details=conflicts)
        self.conflicts = conflicts


def run_undo(*, run: MatchingRun, actor: User | None = None) -> MatchingRun:
    """Restore the managers a run changed, if nobody was changed again since and capacity allows.

    Undoing a book transfer also gives the manager back the "accepting customers" flag they had, undoing a
    manual reassignment the customers the locks they had. An
    undo that fails once it started writes nothing and is recorded FAILED; a refused one records nothing.
    """
    undo = MatchingRun(kind=RunKind.UNDO, actor=actor, strategy=run.strategy, undo_of=run, options={"undo_of": run.pk})
    with failure_recorded(undo):
        _undo(run, undo=undo, actor=actor)
    return undo


@transaction.atomic
def _undo(run: MatchingRun, *, undo: MatchingRun, actor: User | None) -> None:
    if run.kind == RunKind.PREVIEW:
        raise ValidationError(_("Run %(id)s is a preview: it changed nothing.") % {"id": run.pk})
    # The lock first, then "already undone": two undos at once must not both pass the check.
    acquire_run_lock(f"undo of run {run.pk}")
    run = MatchingRun.objects.get(pk=run.pk)
    if run.undone_by.filter(status=RunStatus.SUCCEEDED).exists():
        raise UndoRefused(_("Run %(id)s has already been undone.") % {"id": run.pk}, [])
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Run %(id)s did not succeed: nothing to undo.") % {"id": run.pk})

    changed = list(
        run.assignments.select_related("customer__user", "previous_manager__user", "new_manager__user").order_by("id")
    )
    later = (
        set(
            Assignment.objects.filter(
                customer_id__in=[a.customer_id for a in changed], id__gt=max((a.id for a in changed), default=0)
            )
            .exclude(run=run)
            .values_list("customer_id", flat=True)
        )
        if changed
        else set()
    )
    conflicts = [
        UndoConflict(a.customer.user.username, _("changed again since this run"))
        for a in changed
        if a.customer_id in later or a.customer.manager_id != a.new_manager_id
    ]
    if conflicts:
        raise UndoRefused(
            _("Cannot undo run %(id)s: %(count)d customer(s) changed again since: %(names)s.")
            % {"id": run.pk, "count": len(conflicts), "names": shorten_list([c.customer for c in conflicts])},
            conflicts,
        )

    # Never give customers back to a manager who may not take them now. A book transfer's own manager
    # is the exception for "accepting": undoing the transfer restores the flag they had.
    exempt = run.options.get("manager_id") if run.kind == RunKind.TRANSFER else None
    ineligible = [
        a
        for a in changed
        if a.previous_manager_id
        and (
            not a.previous_manager.user.is_active
            or (not a.previous_manager.accepting_customers and a.previous_manager_id != exempt)
        )
    ]
    if ineligible:
        managers = sorted({a.previous_manager.user.username for a in ineligible})
        raise UndoRefused(
            _("Cannot undo run %(id)s: %(count)d customer(s) would go back to managers who are inactive or "
              "not accepting customers: %(names)s. The next run will place them.")
            % {"id": run.pk, "count": len(ineligible), "names": shorten_list(managers)},
            [UndoConflict(a.customer.user.username, _("manager inactive or not accepting")) for a in ineligible],
        )

    restoring = Counter(a.previous_manager_id for a in changed if a.previous_manager_id)
    leaving = Counter(a.new_manager_id for a in changed if a.new_manager_id)
    loads = manager_loads(list(restoring))
    capacities = dict(ManagerProfile.objects.filter(pk__in=list(restoring)).values_list("pk", "capacity"))
    full = [
        a.previous_manager.user.username
        for a in {a.previous_manager_id: a for a in changed if a.previous_manager_id}.values()
        if loads[a.previous_manager_id] - leaving.get(a.previous_manager_id, 0) + restoring[a.previous_manager_id]
        > capacities[a.previous_manager_id]
    ]
    if full:
        raise UndoRefused(
            _("Cannot undo run %(id)s: these managers would exceed their capacity: %(names)s.")
            % {"id": run.pk, "names": shorten_list(sorted(full))},
            [],
        )

    undo.save()
    reverse = [
        Change(
            customer_id=a.customer_id,
            customer=a.customer.user.username,
            previous_manager_id=a.new_manager_id,
            previous_manager=a.new_manager.user.username if a.new_manager else None,
            new_manager_id=a.previous_manager_id,
            new_manager=a.previous_manager.user.username if a.previous_manager else None,
            reason=Reason.UNDO,
            customer_class=a.customer.customer_class,
        )
        for a in changed
    ]
    run_changes_write(
        changes=reverse, run=undo, actor=actor, cause=ChangeCause.UNDO, note=_("Undo of run %(id)s") % {"id": run.pk}
    )

    if run.kind == RunKind.MANUAL:  # the locks the customers had before they were assigned by hand
        locked_before = set(run.options.get("locked_before", []))
        bulk_set_columns(
            CustomerProfile, pks=[a.customer_id for a in changed],
            columns={"manager_locked": [a.customer_id in locked_before for a in changed]}, constants={},
        )

    restored_flag = {}
    if run.kind == RunKind.TRANSFER and "was_accepting" in run.options:
        manager_id, was_accepting = run.options["manager_id"], bool(run.options["was_accepting"])
        ManagerProfile.objects.filter(pk=manager_id).update(
            accepting_customers=was_accepting, updated_at=timezone.now()
        )
        restored_flag = {"accepting_customers": (False, was_accepting)}

    undo.customers_moved = len(changed)
    run_finish(
        undo,
        action="matching.undo",
        summary={"restored": len(changed)},
        audit_summary=str(run),
        audit_changes=restored_flag,
        audit_data={"undo_of": run.pk, "restored": len(changed)},
    )
