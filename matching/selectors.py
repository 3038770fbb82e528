"""Read side of matching: load portraits into arrays in a constant number of queries.

Selectors only read: computing from the arrays is `scoring` (the engine) and `planning` (pure).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

from . import engine
from .planning import Snapshot


def _term_index(model) -> tuple[dict[int, int], list[str]]:
    pairs = list(model.objects.order_by("order", "name").values_list("id", "name"))
    return {term_id: column for column, (term_id, _) in enumerate(pairs)}, [name for _, name in pairs]


def _multi_hot(through, owner_field: str, term_field: str, owners: dict[int, int], terms: dict[int, int], owner_filter):
    pairs = through.objects.filter(**owner_filter).values_list(owner_field, term_field)
    rows, cols = [], []
    for owner_id, term_id in pairs.iterator(chunk_size=20_000):
        row = owners.get(owner_id)
        if row is not None:
            rows.append(row)
            cols.append(terms[term_id])
    return engine.multi_hot(
        np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp), shape=(len(owners), len(terms))
    )


# Above this many customers a targeted load reads everyone and keeps the rows asked for, rather than
# sending an IN (...) list longer than some databases take.
ID_LIST_LIMIT = 500


def portrait_snapshot(*, customer_ids: Collection[int] | None = None) -> Snapshot:
    """Load customers (all, or just `customer_ids`), every manager and both vocabularies: 8 queries."""
    if customer_ids is not None and len(customer_ids) > ID_LIST_LIMIT:
        wanted = set(customer_ids)
        snapshot = portrait_snapshot()
        return snapshot.customer_rows([i for i, pk in enumerate(snapshot.customer_ids.tolist()) if pk in wanted])
    services, service_names = _term_index(Service)
    hobbies, hobby_names = _term_index(Hobby)

    manager_rows = sorted(
        ManagerProfile.objects.values_list(
            "id", "user__username", "user__is_active", "accepting_customers", "capacity"
        ),
        key=lambda row: row[1],
    )
    manager_index = {row[0]: i for i, row in enumerate(manager_rows)}

    customers = CustomerProfile.objects.all()
    customer_filter = {}
    if customer_ids is not None:
        customers = customers.filter(id__in=list(customer_ids))
        customer_filter = {"customerprofile_id__in": list(customer_ids)}
    customer_rows = sorted(
        customers.values_list("id", "user__username", "manager_id", "manager_locked", "customer_class").iterator(
            chunk_size=20_000
        ),
        key=lambda row: row[1],
    )
    customer_index = {row[0]: i for i, row in enumerate(customer_rows)}

    return Snapshot(
        customer_ids=np.array([row[0] for row in customer_rows], dtype=np.int64),
        customer_usernames=[row[1] for row in customer_rows],
        customer_manager=np.array([manager_index.get(row[2], -1) for row in customer_rows], dtype=np.intp),
        customer_locked=np.array([row[3] for row in customer_rows], dtype=bool),
        customer_class=[row[4] for row in customer_rows],
        customer_needs=_multi_hot(
            CustomerProfile.needs.through, "customerprofile_id", "service_id", customer_index, services, customer_filter
        ),
        customer_hobbies=_multi_hot(
            CustomerProfile.hobbies.through, "customerprofile_id", "hobby_id", customer_index, hobbies, customer_filter
        ),
        manager_ids=np.array([row[0] for row in manager_rows], dtype=np.int64),
        manager_usernames=[row[1] for row in manager_rows],
        manager_active=np.array([row[2] for row in manager_rows], dtype=bool),
        manager_accepting=np.array([row[3] for row in manager_rows], dtype=bool),
        manager_capacity=np.array([row[4] for row in manager_rows], dtype=np.int64),
        manager_capabilities=_multi_hot(
            ManagerProfile.capabilities.through, "managerprofile_id", "service_id", manager_index, services, {}
        ),
        manager_hobbies=_multi_hot(
            ManagerProfile.hobbies.through, "managerprofile_id", "hobby_id", manager_index, hobbies, {}
        ),
        service_names=service_names,
        hobby_names=hobby_names,
    )


@dataclass(frozen=True)
class PortraitFigures:
    """What segmentation reads of every customer, rows in id order."""

    customer_ids: np.ndarray  # (n,) int64
    age: np.ndarray  # (n,) float
    total_assets: np.ndarray  # (n,) float yuan (a feature, not money: precision is irrelevant here)
    needs: np.ndarray  # (n, n_services) uint8
    hobbies: np.ndarray  # (n, n_hobbies) uint8
    service_names: list[str]
    hobby_names: list[str]


def portrait_figures() -> PortraitFigures:
    """Ages, assets and terms of every customer: 5 queries."""
    services, service_names = _term_index(Service)
    hobbies, hobby_names = _term_index(Hobby)
    rows = list(
        CustomerProfile.objects.order_by("id").values_list("id", "age", "total_assets").iterator(chunk_size=20_000)
    )
    index = {row[0]: i for i, row in enumerate(rows)}
    return PortraitFigures(
        customer_ids=np.array([row[0] for row in rows], dtype=np.int64),
        age=np.array([row[1] for row in rows], dtype=float),
        total_assets=np.array([float(row[2]) for row in rows], dtype=float),
        needs=_multi_hot(CustomerProfile.needs.through, "customerprofile_id", "service_id", index, services, {}),
        hobbies=_multi_hot(CustomerProfile.hobbies.through, "customerprofile_id", "hobby_id", index, hobbies, {}),
        service_names=service_names,
        hobby_names=hobby_names,
    )
