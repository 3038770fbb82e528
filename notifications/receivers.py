"""Notifications subscribe to what matching announces: every written change of a customer's manager."""
from __future__ import annotations

from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from matching.events import managers_changed

from .services import notifications_record


@receiver(managers_changed, dispatch_uid="notifications.tell_on_commit")
def tell_on_commit(sender, changes, run, cause, **kwargs) -> None:
    """Keep who moved (three ids per change) and record the notifications once the write has committed:
    the run's write phase pays for a list of tuples only, and a rolled-back write tells nobody. The
    customers are told from the run's history rows, which every write of changes has."""
    moves = [(change.customer_id, change.previous_manager_id, change.new_manager_id) for change in changes]
    transaction.on_commit(
        partial(notifications_record, moves=moves, cause=cause, run_id=run.pk, at=timezone.now()),
        robust=True,
    )
