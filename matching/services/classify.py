"""Reclassification: the class (A-E) of customers whose portrait changed.

A consequence of a portrait save, not an action of its own: no audit event (the save records one).
"""
from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from customers.models import CustomerProfile
from core.bulk import BATCH_SIZE, bulk_set

from .. import engine
from ..planning import Snapshot
from ..scoring import class_codes, eligibility_of
from ..selectors import class_inputs


def write_classes(snapshot: Snapshot, letters: list[str]) -> int:
    """Store the class of customers whose class changed, in a constant number of queries."""
    rows = [
        (customer_id, new)
        for customer_id, old, new in zip(snapshot.customer_ids.tolist(), snapshot.customer_class, letters)
        if old != new
    ]
    return bulk_set(CustomerProfile, fields=["customer_class"], rows=rows, constants={"updated_at": timezone.now()})


@transaction.atomic
def customers_reclassify(*, customer_ids: Collection[int]) -> dict[int, str]:
    """Classify the given customers now (portraits were saved or imported); returns {customer id: class}.

    Reads only these customers and the active managers (`class_inputs`), classifies without the customer x
    manager matrices (`class_codes`), and writes the classes that changed with one UPDATE per class letter
    and 5,000 customers: an import of 100k customers is reclassified in a few dozen queries.
    """
    if not customer_ids:
        return {}
    inputs = class_inputs(customer_ids=customer_ids)
    codes = class_codes(
        inputs.customer_needs, inputs.customer_hobbies, inputs.manager_capabilities, inputs.manager_hobbies,
        eligibility_of(inputs),
    )
    letters = [engine.CLASS_LABELS[code] for code in codes.tolist()]
    ids = inputs.customer_ids.tolist()
    changed: dict[str, list[int]] = {}
    for pk, old, new in zip(ids, inputs.customer_class, letters):
        if old != new:
            changed.setdefault(new, []).append(pk)
    now = timezone.now()
    for letter, pks in changed.items():
        for start in range(0, len(pks), BATCH_SIZE):
            CustomerProfile.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(
                customer_class=letter, updated_at=now
            )
    return dict(zip(ids, letters))
