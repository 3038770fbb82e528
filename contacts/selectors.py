"""Reads on the contact log: one customer's log, a book's follow-ups due, the rows of an export."""
from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from customers.models import CustomerProfile
from managers.models import ManagerProfile

from .models import Contact

# What `import_contacts` reads and `export_contacts` writes, in this order.
CONTACT_COLUMNS = ("customer", "manager", "contacted_at", "channel", "summary", "next_follow_up")


def contact_list(*, customer: CustomerProfile) -> QuerySet[Contact]:
    """A customer's log, newest first, with who recorded each entry: one query."""
    return (
        Contact.objects.filter(customer=customer)
        .select_related("manager__user")
        .order_by("-contacted_at", "-id")
    )


def _latest() -> Q:
    """The contact is its customer's latest: no contact of the same customer is later (ties: by id)."""
    later = Contact.objects.filter(customer_id=OuterRef("customer_id")).filter(
        Q(contacted_at__gt=OuterRef("contacted_at")) | Q(contacted_at=OuterRef("contacted_at"), pk__gt=OuterRef("pk"))
    )
    return ~Exists(later)


def follow_ups_due(*, manager: ManagerProfile, today: datetime.date | None = None) -> QuerySet[Contact]:
    """The follow-ups a manager owes today: for each customer in their book, the latest contact (whoever
    recorded it) when its next follow-up is today or earlier; a later contact supersedes it, with its own
    date or none. Overdue first (oldest date first), then by customer. One query, whatever the book.

    `today`: the bank's date (`timezone.localdate()`) unless given.
    """
    return (
        follow_ups_owed(today=today)
        .filter(customer__manager=manager)
        .select_related("customer__user", "manager__user")
        .order_by("next_follow_up", "customer__user__username", "pk")
    )


def follow_ups_owed(*, today: datetime.date | None = None) -> QuerySet[Contact]:
    """Every follow-up owed on `today` (the bank's date unless given), in any book: each customer's latest
    contact whose next follow-up is today or earlier. The one rule; callers narrow it (a manager's book in
    `follow_ups_due`, a report's books in `insights.reports`)."""
    today = today or timezone.localdate()
    return Contact.objects.filter(next_follow_up__lte=today).filter(_latest())


def contact_export_rows(*, queryset: QuerySet[Contact] | None = None) -> Iterator[dict]:
    """The log as rows of `CONTACT_COLUMNS`, the import's format: usernames for people, the contact's time in
    the bank's time zone (ISO 8601 with its offset), channel codes, dates as YYYY-MM-DD. Oldest first, by id."""
    queryset = Contact.objects.all() if queryset is None else queryset
    zone = timezone.get_default_timezone()
    values = queryset.order_by("contacted_at", "pk").values_list(
        "customer__user__username", "manager__user__username", "contacted_at", "channel", "summary", "next_follow_up",
    )
    for customer, manager, contacted_at, channel, summary, next_follow_up in values.iterator(chunk_size=2000):
        yield {
            "customer": customer,
            "manager": manager,
            "contacted_at": contacted_at.astimezone(zone).isoformat(),
            "channel": channel,
            "summary": summary,
            "next_follow_up": next_follow_up.isoformat() if next_follow_up else "",
        }
