"""Reclassification: the class (A-E) of customers whose portrait changed.

A consequence of a portrait save, not an action of its own: no audit event (the save records one).
"""
from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from customers.models import CustomerProfile
from core.bulk import bulk_set

from ..planning import Snapshot
from ..scoring import portrait_scores
from ..selectors import portrait_snapshot


def write_classes(snapshot: Snapshot, letters: list[str]) -> int:
    """Store the class of customers whose class changed, in a constant number of queries."""
    now = timezone.now()
    rows = [
        (customer_id, new, now)
        for customer_id, old, new in zip(snapshot.customer_ids.tolist(), snapshot.customer_class, letters)
        if old != new
    ]
    return bulk_set(CustomerProfile, fields=["customer_class", "updated_at"], rows=rows)


@transaction.atomic
def customers_reclassify(*, customer_ids: Collection[int]) -> dict[int, str]:
    """Classify the given customers now (a portrait was saved); returns {customer id: class}."""
    if not customer_ids:
        return {}
    snapshot = portrait_snapshot(customer_ids=customer_ids)
    letters = portrait_scores(snapshot).class_letters()
    write_classes(snapshot, letters)
    return dict(zip(snapshot.customer_ids.tolist(), letters))
