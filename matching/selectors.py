"""Read side of matching: load portraits into arrays in a constant number of queries."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.conf import settings

from customers.models import CustomerProfile
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service

from . import engine


@dataclass(frozen=True)
class Snapshot:
    """Everything a run needs, as arrays. Rows and columns are sorted by username.

    Sorting in Python (not by the database's collation) keeps tie-breaks identical on SQLite and MySQL.
    """

    customer_ids: np.ndarray          # (n_c,) int64
    customer_usernames: list[str]
    customer_manager: np.ndarray      # (n_c,) index into the manager arrays, -1 when none
    customer_locked: np.ndarray       # (n_c,) bool
    customer_class: list[str]         # current class letters ('' when not classified)
    customer_needs: np.ndarray        # (n_c, n_services) uint8
    customer_hobbies: np.ndarray      # (n_c, n_hobbies) uint8
    manager_ids: np.ndarray           # (n_m,) int64
    manager_usernames: list[str]
    manager_active: np.ndarray        # (n_m,) bool: the manager's account is active
    manager_accepting: np.ndarray     # (n_m,) bool
    manager_capacity: np.ndarray      # (n_m,) int64
    manager_capabilities: np.ndarray  # (n_m, n_services) uint8
    manager_hobbies: np.ndarray       # (n_m, n_hobbies) uint8
    service_names: list[str]
    hobby_names: list[str]

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)


@dataclass(frozen=True)
class Scores:
    """Overlaps of every customer with every *active* manager, and what follows from them."""

    active: np.ndarray         # (n_a,) indices of active managers into the manager arrays
    needs_match: np.ndarray    # (n_c, n_a)
    hobbies_match: np.ndarray  # (n_c, n_a)
    best: np.ndarray           # (n_c,) column into `active`, -1 when there is no active manager
    classes: np.ndarray        # (n_c,) class codes 0=A .. 4=E

    @cached_property
    def totals(self) -> np.ndarray:
        return self.needs_match + self.hobbies_match

    def class_letters(self) -> list[str]:
        return [engine.CLASS_LABELS[code] for code in self.classes]


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
    return engine.multi_hot(np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp), shape=(len(owners), len(terms)))


# Above this many customers a targeted load reads everyone and keeps the rows asked for, rather than
# sending an IN (...) list longer than some databases take.
ID_LIST_LIMIT = 500


def portrait_snapshot(*, customer_ids: Collection[int] | None = None) -> Snapshot:
    """Load customers (all, or just `customer_ids`), every manager and both vocabularies: 8 queries."""
    if customer_ids is not None and len(customer_ids) > ID_LIST_LIMIT:
        wanted = set(customer_ids)
        snapshot = portrait_snapshot()
        return _customer_rows(snapshot, [i for i, pk in enumerate(snapshot.customer_ids.tolist()) if pk in wanted])
    services, service_names = _term_index(Service)
    hobbies, hobby_names = _term_index(Hobby)

    manager_rows = sorted(
        ManagerProfile.objects.values_list("id", "user__username", "user__is_active", "accepting_customers", "capacity"),
        key=lambda row: row[1],
    )
    manager_index = {row[0]: i for i, row in enumerate(manager_rows)}

    customers = CustomerProfile.objects.all()
    customer_filter = {}
    if customer_ids is not None:
        customers = customers.filter(id__in=list(customer_ids))
        customer_filter = {"customerprofile_id__in": list(customer_ids)}
    customer_rows = sorted(
        customers.values_list("id", "user__username", "manager_id", "manager_locked", "customer_class").iterator(chunk_size=20_000),
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
        manager_hobbies=_multi_hot(ManagerProfile.hobbies.through, "managerprofile_id", "hobby_id", manager_index, hobbies, {}),
        service_names=service_names,
        hobby_names=hobby_names,
    )


def _customer_rows(snapshot: Snapshot, rows: list[int]) -> Snapshot:
    index = np.asarray(rows, dtype=np.intp)
    return Snapshot(
        **{
            **snapshot.__dict__,
            "customer_ids": snapshot.customer_ids[index],
            "customer_usernames": [snapshot.customer_usernames[i] for i in rows],
            "customer_manager": snapshot.customer_manager[index],
            "customer_locked": snapshot.customer_locked[index],
            "customer_class": [snapshot.customer_class[i] for i in rows],
            "customer_needs": snapshot.customer_needs[index],
            "customer_hobbies": snapshot.customer_hobbies[index],
        }
    )


def class_rules() -> dict:
    """The classification thresholds and upgrade margin from settings, as the engine takes them."""
    thresholds = settings.PORTRAIT_CLASS_THRESHOLDS
    return {
        "thresholds": tuple(thresholds[letter] for letter in "ABCD"),
        "upgrade_margin": settings.PORTRAIT_UPGRADE_MARGIN,
    }


def portrait_scores(snapshot: Snapshot) -> Scores:
    """Score every customer against every active manager; best manager and class follow."""
    active = np.flatnonzero(snapshot.manager_active)
    # Customers with the same needs and hobbies score alike: score each distinct portrait once, then expand.
    first, inverse = engine.distinct_rows(snapshot.customer_needs, snapshot.customer_hobbies)
    needs_match = engine.overlap(snapshot.customer_needs[first], snapshot.manager_capabilities[active])
    hobbies_match = engine.overlap(snapshot.customer_hobbies[first], snapshot.manager_hobbies[active])
    best = engine.best_managers(needs_match, hobbies_match)
    classes = engine.classify(needs_match, hobbies_match, best, **class_rules())
    if len(first) < len(inverse):
        needs_match, hobbies_match, best, classes = (
            needs_match[inverse], hobbies_match[inverse], best[inverse], classes[inverse]
        )
    return Scores(active=active, needs_match=needs_match, hobbies_match=hobbies_match, best=best, classes=classes)


def shared_terms(snapshot: Snapshot, customer: int, manager: int) -> tuple[list[str], list[str]]:
    """Names of the needs and hobbies a customer row shares with a manager row: the "why" staff read."""
    needs = np.flatnonzero(snapshot.customer_needs[customer] & snapshot.manager_capabilities[manager])
    hobbies = np.flatnonzero(snapshot.customer_hobbies[customer] & snapshot.manager_hobbies[manager])
    return [snapshot.service_names[i] for i in needs], [snapshot.hobby_names[i] for i in hobbies]


@dataclass(frozen=True)
class PortraitFigures:
    """What segmentation reads of every customer, rows in id order."""

    customer_ids: np.ndarray      # (n,) int64
    age: np.ndarray               # (n,) float
    total_assets: np.ndarray      # (n,) float yuan (a feature, not money: precision is irrelevant here)
    needs: np.ndarray             # (n, n_services) uint8
    hobbies: np.ndarray           # (n, n_hobbies) uint8
    service_names: list[str]
    hobby_names: list[str]


def portrait_figures() -> PortraitFigures:
    """Ages, assets and terms of every customer: 5 queries."""
    services, service_names = _term_index(Service)
    hobbies, hobby_names = _term_index(Hobby)
    rows = list(CustomerProfile.objects.order_by("id").values_list("id", "age", "total_assets").iterator(chunk_size=20_000))
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
