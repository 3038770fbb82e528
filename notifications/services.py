"""Writes on notifications: telling the customer and both managers of each change of manager (in bulk,
once the change is committed, then queuing the mail; a manager of many changes at once is told their count),
marking read, and each person's e-mail wishes."""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.bulk import bulk_insert_columns
from customers.models import CustomerProfile
from managers.models import ManagerProfile
from matching.events import ChangeCause
from matching.models import Assignment

from .models import Audience, Notification, NotificationSettings
from .tasks import notifications_mail_task

#: A manager whom one write gives (or takes) more customers than this is told once, with how many, rather than
#: once per customer: their book lists them (the console, the run). Small writes name every customer.
SUMMARY_AFTER = 20

#: One change: (customer profile id, previous manager profile id or None, new manager profile id or None).
Move = tuple[int, int | None, int | None]


def _customers_tell(*, run_id: int, constants: dict[str, object]) -> None:
    """Tell the customer of each of the run's history rows, in one INSERT … SELECT (raw SQL: the ORM has
    none). At 1M customers, reading their users and sending a row each back took 2.5 minutes of a run on the
    shared machine; here the database copies the rows itself. `constants` ({Notification field: value}) are
    the same in every row."""
    quote = connection.ops.quote_name
    told, history, customers = Notification._meta, Assignment._meta, CustomerProfile._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    fixed = [(told.get_field(name), value) for name, value in constants.items()]
    names = [column(told, name) for name in ("recipient", "customer", "previous_manager", "new_manager")]
    names += [quote(field.column) for field, _value in fixed]
    sql = (
        f"INSERT INTO {quote(told.db_table)} ({', '.join(names)}) "
        f"SELECT c.{column(customers, 'user')}, h.{column(history, 'customer')}, "
        f"h.{column(history, 'previous_manager')}, h.{column(history, 'new_manager')}{', %s' * len(fixed)} "
        f"FROM {quote(history.db_table)} h "
        f"JOIN {quote(customers.db_table)} c ON c.{quote(customers.pk.column)} = h.{column(history, 'customer')} "
        f"WHERE h.{column(history, 'run')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(field.get_db_prep_save(value, connection) for field, value in fixed), run_id])


@transaction.atomic
def notifications_record(*, moves: Sequence[Move], cause: ChangeCause | str, run_id: int, at: datetime) -> uuid.UUID:
    """Tell the customer, the new manager and the previous one of each move of run `run_id`, dated `at`
    (when it was written), then queue their mail once committed; returns the batch's id.

    `moves` are the run's history rows (`matching.services.history.run_changes_write` wrote one per move):
    the customers' notices are copied from those rows by the database (`_customers_tell`); the managers'
    are counted from `moves`. A manager whom the moves give (or take) more than `SUMMARY_AFTER` customers
    is told once, with their count, instead of once per customer: a rebalance of most of a bank writes
    about one row per move, not three. The same queries whatever the number of moves: the customers'
    insert, the managers' users and their insert, in a transaction (or a savepoint).
    """
    batch = uuid.uuid4()
    constants = {"kind": ChangeCause(cause).value, "run": run_id, "batch": batch, "created_at": at}
    _customers_tell(run_id=run_id, constants={"audience": Audience.CUSTOMER.value, "customers": 1, **constants})
    joined = Counter(new_id for _customer, _previous, new_id in moves if new_id is not None)
    left = Counter(previous_id for _customer, previous_id, _new in moves if previous_id is not None)
    manager_users = dict(ManagerProfile.objects.filter(pk__in=joined.keys() | left.keys()).values_list("pk", "user_id"))
    summary_joined = {manager_id: count for manager_id, count in joined.items() if count > SUMMARY_AFTER}
    summary_left = {manager_id: count for manager_id, count in left.items() if count > SUMMARY_AFTER}
    joined_as, left_as = Audience.NEW_MANAGER.value, Audience.PREVIOUS_MANAGER.value
    rows = []  # (recipient, audience, customer, previous manager, new manager, customers): tuples, then columns
    for customer_id, previous_id, new_id in moves:
        if new_id not in summary_joined:
            rows.append((manager_users.get(new_id), joined_as, customer_id, previous_id, new_id, 1))
        if previous_id not in summary_left:
            rows.append((manager_users.get(previous_id), left_as, customer_id, previous_id, new_id, 1))
    rows += [(manager_users.get(new_id), joined_as, None, None, new_id, n) for new_id, n in summary_joined.items()]
    rows += [(manager_users.get(old_id), left_as, None, old_id, None, n) for old_id, n in summary_left.items()]
    told = [row for row in rows if row[0] is not None]  # no manager on that side, or a profile gone since
    names = ("recipient_id", "audience", "customer_id", "previous_manager_id", "new_manager_id", "customers")
    columns = dict(zip(names, map(list, zip(*told))))
    bulk_insert_columns(Notification, columns=columns, constants=constants)
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
