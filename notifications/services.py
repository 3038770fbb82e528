"""Writes on notifications: telling the customer and both managers of each change of manager (in bulk,
once the change is committed, then queuing the mail), marking read, and each person's e-mail wishes."""
from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.bulk import bulk_insert_columns
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.events import ChangeCause

from .models import Audience, Notification, NotificationSettings
from .tasks import notifications_mail_task

# Above this many customers their users are read whole (one query, no id list a backend may refuse),
# as `matching.selectors.matching_snapshot` reads customers.
ID_LIST_LIMIT = 500

#: One change: (customer profile id, previous manager profile id or None, new manager profile id or None).
Move = tuple[int, int | None, int | None]


def _customer_users(customer_ids: Collection[int]) -> dict[int, int]:
    """{customer profile id: user id}, in one query whatever the number."""
    customers = CustomerProfile.objects.all()
    if len(customer_ids) <= ID_LIST_LIMIT:
        customers = customers.filter(pk__in=list(customer_ids))
    return dict(customers.values_list("pk", "user_id"))


@transaction.atomic
def notifications_record(
    *, moves: Sequence[Move], cause: ChangeCause | str, run_id: int | None, at: datetime
) -> uuid.UUID:
    """Tell the customer, the new manager and the previous one of each move, dated `at` (when it was
    written), then queue their mail once committed; returns the batch's id.

    The same queries whatever the number of moves: the customers' users, the managers' users and one
    insert (`core.bulk.bulk_insert_columns`: one executemany), in a transaction (or a savepoint).
    """
    batch = uuid.uuid4()
    customer_users = _customer_users({customer_id for customer_id, _previous, _new in moves})
    manager_ids = {manager_id for _customer, *managers in moves for manager_id in managers if manager_id is not None}
    manager_users = dict(ManagerProfile.objects.filter(pk__in=manager_ids).values_list("pk", "user_id"))
    columns: dict[str, list] = {
        "recipient_id": [], "audience": [], "customer_id": [], "previous_manager_id": [], "new_manager_id": [],
    }
    for customer_id, previous_id, new_id in moves:
        told = (
            (Audience.CUSTOMER, customer_users.get(customer_id)),
            (Audience.NEW_MANAGER, manager_users.get(new_id)),
            (Audience.PREVIOUS_MANAGER, manager_users.get(previous_id)),
        )
        for audience, user_id in told:
            if user_id is None:
                continue
            columns["recipient_id"].append(user_id)
            columns["audience"].append(audience.value)
            columns["customer_id"].append(customer_id)
            columns["previous_manager_id"].append(previous_id)
            columns["new_manager_id"].append(new_id)
    bulk_insert_columns(
        Notification, columns=columns,
        constants={"kind": ChangeCause(cause).value, "run_id": run_id, "batch": batch, "created_at": at},
    )
    # Robust: the change is committed whatever becomes of its mail (without a broker the task runs right
    # here, and a mail server that is down must not turn a done change into an error page).
    transaction.on_commit(lambda: notifications_mail_task.delay(str(batch)), robust=True)
    return batch


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of `user`'s own notifications read (already read: left as it was).

    Reading is the reader's own business: not audited, like opening a page."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read, in one statement; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(
    *, user: User, actor: User, email_enabled: bool, language: str
) -> NotificationSettings:
    """Set whether `user` gets e-mail, and in which language (blank: the site's)."""
    wishes, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    before = (wishes.email_enabled, wishes.language)
    wishes.email_enabled, wishes.language = email_enabled, language
    wishes.full_clean()
    wishes.save()
    audit_record(
        actor=actor, action="notifications.settings_changed", target=user, summary=str(user),
        changes={
            name: (old, new)
            for name, old, new in zip(("email_enabled", "language"), before, (email_enabled, language))
            if old != new
        },
    )
    return wishes
