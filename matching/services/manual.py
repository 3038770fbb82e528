"""Manual assignment (which locks customers against automatic runs) and unlocking."""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record, audit_record_many
from matching.errors import CapacityExceeded
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import manager_load
from core.bulk import bulk_set

from ..events import ChangeCause
from ..models import Assignment, MatchingRun, Reason, RunKind
from ..planning import change_to
from ..scoring import snapshot_scores
from ..selectors import matching_snapshot
from .history import assignment_rows, managers_changed_announce
from .lifecycle import run_finish
from .lock import acquire_run_lock

WRITE_BATCH = 1000


@transaction.atomic
def customers_assign(
    *,
    customer_ids: Collection[int],
    manager: ManagerProfile,
    actor: User | None,
    note: str = "",
    cause: ChangeCause = ChangeCause.MANUAL,
    lock: bool = True,
) -> list[Assignment]:
    """Assign customers to one manager by hand; `lock`: automatic runs leave them with this manager (without
    it, a rebalancing run may move them again).

    The assignment is a run of its own (`RunKind.MANUAL`, named by kind, time and who): its history rows
    belong to it, so its page, the customer list's `run` filter and `run_undo` serve it as they serve an
    automatic run; undoing it also gives the customers back the locks they had. The run's row and audit
    event come on top of one audit event per customer (the customer as its subject).

    Refused as a whole when the manager's account is inactive, the manager is not accepting
    customers, a customer's branch or service tier is not one the manager may serve (the branch policy
    and tiers hold for manual assignments too), or they would not all fit: capacity holds too. `cause`
    says why to those told of the change (an approved request for another manager is one).
    """
    try:  # the reason is free text: the model's rule for it (`core.text`), normalised as stored
        note = Assignment._meta.get_field("note").clean(note, None)
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from None
    acquire_run_lock(f"manual assignment by {actor or 'system'}")  # a run must not overwrite it with a stale plan
    manager = ManagerProfile.objects.select_for_update().select_related("user").get(pk=manager.pk)
    customer_ids = set(customer_ids)
    if not manager.user.is_active:
        raise ValidationError(_("%(manager)s's account is inactive.") % {"manager": manager.user})
    if not manager.accepting_customers:
        raise ValidationError(_("%(manager)s is not accepting customers.") % {"manager": manager.user})
    snapshot = matching_snapshot(customer_ids=customer_ids)
    column = snapshot.manager_index(manager.pk)
    moving = np.flatnonzero(snapshot.customer_manager != column)
    if not len(moving):
        raise ValidationError(_("Already served by %(manager)s.") % {"manager": manager.user})
    scores = snapshot_scores(snapshot)
    if scores.eligibility is not None:
        allowed = scores.eligibility.allowed[scores.eligibility.customer_group[moving], column]
        if not allowed.all():
            refused = [snapshot.customer_usernames[row] for row in moving[~allowed].tolist()]
            raise ValidationError(
                _("%(manager)s may not serve %(customers)s: not their branch or service tier.")
                % {"manager": manager.user, "customers": ", ".join(refused[:10]) + (" …" if len(refused) > 10 else "")},
                code="not_eligible",
            )
    load = manager_load(manager)
    if load + len(moving) > manager.capacity:
        raise CapacityExceeded(
            _("%(manager)s has room for %(room)d more customer(s) (%(load)d of %(capacity)d); %(count)d asked.")
            % {"manager": manager.user, "room": max(manager.capacity - load, 0), "load": load,
               "capacity": manager.capacity, "count": len(moving)}
        )

    letters = scores.class_letters()
    run = MatchingRun.objects.create(
        kind=RunKind.MANUAL, actor=actor, strategy="",
        options={
            "manager_id": manager.pk, "lock": lock, "cause": str(cause),
            "locked_before": snapshot.customer_ids[moving[snapshot.customer_locked[moving]]].tolist(),
        },
    )
    changes = [
        change_to(snapshot, row, column, reason=Reason.MANUAL, customer_class=letters[row]) for row in moving.tolist()
    ]
    now = timezone.now()
    bulk_set(
        CustomerProfile,
        fields=["manager", "manager_locked", "customer_class", "updated_at"],
        rows=[(change.customer_id, manager.pk, lock, change.customer_class, now) for change in changes],
    )
    assignments = Assignment.objects.bulk_create(
        assignment_rows(changes, run=run, actor=actor, note=note), batch_size=WRITE_BATCH
    )
    # One event per customer, the customer as its subject and the manager before and after as its change:
    # the audit log answers "who moved customer7, and why?" (the note is the reason given).
    audit_record_many(actor=actor, action="customer.assigned", events=[
        {
            "target_type": CustomerProfile._meta.label_lower,
            "target_id": change.customer_id,
            "summary": change.customer,
            "changes": {"manager": (change.previous_manager or "", change.new_manager or "")},
            "data": {"manager": manager.pk, "note": note[:255], "locked": lock},
        }
        for change in changes
    ])
    managers_changed_announce(changes=changes, run=run, cause=cause, actor=actor)
    run.customers_placed = len(changes)
    run.customers_moved = sum(change.moved for change in changes)
    run.total_score = sum(change.total for change in changes)
    run_finish(
        run, action="matching.manual", summary={"changes": len(changes)},
        audit_data={"manager": manager.pk, "changes": len(changes), "locked": lock, "note": note[:255]},
    )
    return assignments


def customer_assign(
    *,
    customer: CustomerProfile,
    manager: ManagerProfile,
    actor: User | None,
    note: str = "",
    cause: ChangeCause = ChangeCause.MANUAL,
    lock: bool = True,
) -> Assignment:
    """Assign one customer by hand (see `customers_assign`)."""
    return customers_assign(
        customer_ids=[customer.pk], manager=manager, actor=actor, note=note, cause=cause, lock=lock
    )[0]


@transaction.atomic
def customers_unlock(*, customer_ids: Collection[int], actor: User | None) -> int:
    """Let rebalancing runs move these customers again; returns how many were locked."""
    locked = list(
        CustomerProfile.objects.filter(id__in=list(customer_ids), manager_locked=True).values_list("id", flat=True)
    )
    if not locked:
        return 0
    count = CustomerProfile.objects.filter(id__in=locked).update(manager_locked=False, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="customer.unlocked",
        target_type="customers.customerprofile",
        summary=_("%(count)d customer(s) unlocked.") % {"count": count},
        data={"customers": locked},
    )
    return count
