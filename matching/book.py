"""One manager's book for the console's manager page: the class mix, the load month by month (from the
assignment history) and the recent changes in and out. Three queries; the current load is the caller's,
from `managers.selectors` (the one place that counts it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from customers.models import CustomerClass, CustomerProfile
from managers.models import ManagerProfile

from .models import Assignment

#: The months the load history covers, this one included.
MONTHS = 6
#: How many changes in and out the page lists.
RECENT = 20


@dataclass(frozen=True)
class Book:
    classes: list[dict]  # [{"label": "A", "count": 3}, ...], A-E then "" (not classified) when any
    loads: list[dict]  # [{"month": "2026-07", "load": 4}, ...], oldest first: the load at each month's end
    recent: list[Assignment]  # newest first, with customer, managers, actor and run


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        starts.append(dt.date(year, month + 1, 1))
    return starts


def manager_book(*, manager: ManagerProfile, load: int, months: int = MONTHS, recent: int = RECENT,
                 today: dt.date | None = None) -> Book:
    """The book of `manager`, whose current `load` the caller read from `managers.selectors`: three queries.

    The load at the end of a past month is today's load less the customers who came since, plus those who
    left since (`Assignment` rows to and from this manager)."""
    today = today or timezone.localdate()
    by_class = dict(
        CustomerProfile.objects.filter(manager=manager).order_by().values("customer_class")
        .annotate(n=Count("id")).values_list("customer_class", "n")
    )
    classes = [{"label": letter, "count": by_class.get(letter, 0)} for letter in CustomerClass.values]
    if by_class.get(""):
        classes.append({"label": "", "count": by_class[""]})

    starts = _month_starts(today, months)
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time.min))
    moves = list(
        Assignment.objects.filter(Q(new_manager=manager) | Q(previous_manager=manager), created_at__gte=since)
        .values_list("created_at", "new_manager_id", "previous_manager_id")
    )
    loads = []
    for index, start in enumerate(starts):
        if index + 1 < len(starts):
            end = timezone.make_aware(dt.datetime.combine(starts[index + 1], dt.time.min))
            came = sum(1 for when, new, old in moves if when >= end and new == manager.pk and old != manager.pk)
            left = sum(1 for when, new, old in moves if when >= end and old == manager.pk and new != manager.pk)
            value = load - came + left
        else:
            value = load
        loads.append({"month": start.strftime("%Y-%m"), "load": max(value, 0)})

    changes = list(
        Assignment.objects.filter(Q(new_manager=manager) | Q(previous_manager=manager))
        .select_related("customer__user", "previous_manager__user", "new_manager__user", "actor", "run__actor")
        .order_by("-created_at", "-id")[:recent]
    )
    return Book(classes=classes, loads=loads, recent=changes)
