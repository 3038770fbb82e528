"""Messages about managers that more than one surface shows (the admin, the import command, pages)."""
from __future__ import annotations

from django.utils.translation import gettext


def capacity_below_book_warning(*, manager, served: int, capacity: int) -> str:
    """A capacity below the customers already served is allowed (the book may shrink over time) but never
    silent: automatic runs give this manager no one new until the load comes down."""
    return gettext(
        "%(manager)s serves %(served)d customers, more than the new capacity of %(capacity)d. "
        "Automatic runs will assign them no one new; use “Move the whole book” or a rebalancing run "
        "to bring the load down."
    ) % {"manager": manager, "served": served, "capacity": capacity}


def capacity_below_book_refusal(*, manager, served: int, capacity: int) -> str:
    """Why lowering a capacity below the book waits for the changer's confirmation, and what confirming does."""
    return gettext(
        "%(manager)s serves %(load)d customers, more than the new capacity of %(capacity)d. Confirm to "
        "keep them all: automatic runs will assign this manager no one new until the book is below the "
        "capacity; move the book or run a rebalance to bring it down."
    ) % {"manager": manager, "load": served, "capacity": capacity}


def capacity_below_book_warnings(managers, *, book_sizes: dict[int, int]) -> list[str]:
    """The warning for each of `managers` (with their new capacity set) whose book exceeds it."""
    return [
        capacity_below_book_warning(manager=manager, served=book_sizes[manager.pk], capacity=manager.capacity)
        for manager in managers
        if book_sizes.get(manager.pk, 0) > manager.capacity
    ]
