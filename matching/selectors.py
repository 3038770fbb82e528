"""Read side of matching: load portraits into arrays in a constant number of queries.

Selectors only read: computing from the arrays is `scoring` (the engine) and `planning` (pure).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from bisect import bisect_right
from itertools import chain
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from customers.models import CustomerProfile
from jobs.models import BackgroundJob, JobStatus
from managers.models import ManagerProfile
from vocabularies.models import Branch, Hobby, Service
from vocabularies.tiers import service_tiers

from . import engine
from .models import JobKind, MatchingRun, RunKind, RunStatus
from .planning import Snapshot


def _term_index(model) -> tuple[dict[int, int], list[str]]:
    pairs = list(model.objects.order_by("order", "name").values_list("id", "name"))
    return {term_id: column for column, (term_id, _) in enumerate(pairs)}, [name for _, name in pairs]


def _multi_hot(through, owner_field: str, term_field: str, owners: dict[int, int], terms: dict[int, int], owner_filter):
    """The (owner row, term column) indicator matrix of a many-to-many table; links of owners not in
    `owners` are left out. The ids are mapped to rows as arrays: at 100k customers the table has ~450k rows."""
    pairs = through.objects.filter(**owner_filter).values_list(owner_field, term_field).iterator(chunk_size=20_000)
    flat = np.fromiter(chain.from_iterable(pairs), dtype=np.int64)
    rows, cols = _positions(owners, flat[0::2]), _positions(terms, flat[1::2])
    kept = (rows >= 0) & (cols >= 0)
    return engine.multi_hot(rows[kept], cols[kept], shape=(len(owners), len(terms)))


def _positions(index: dict[int, int], ids: np.ndarray) -> np.ndarray:
    """index[id] for each id, -1 where absent."""
    keys = np.fromiter(index.keys(), dtype=np.int64, count=len(index))
    values = np.fromiter(index.values(), dtype=np.intp, count=len(index))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    at = np.minimum(np.searchsorted(keys, ids), max(len(keys) - 1, 0))
    found = keys[at] == ids if len(keys) else np.zeros(len(ids), dtype=bool)
    return np.where(found, values[at] if len(keys) else -1, -1)


@dataclass(frozen=True)
class _Places:
    """Branches and tiers as indices: what `planning.snapshot_eligibility` reads."""

    branch_index: dict[int, int]
    branch_region: np.ndarray
    branch_names: list[str]
    tier_minimums: list
    tier_codes: list[str]
    tier_names: list[str]

    def branches(self, branch_ids) -> np.ndarray:
        return np.array([self.branch_index.get(pk, -1) for pk in branch_ids], dtype=np.intp)

    def tiers_of_assets(self, assets) -> np.ndarray:
        """Tier index of each total (Decimal compared exactly: no rounding at a threshold)."""
        return np.array([bisect_right(self.tier_minimums, value) - 1 for value in assets], dtype=np.intp).clip(0)

    def tiers_served(self, code_lists) -> np.ndarray:
        """(n, n_tiers) bool; an empty list serves every tier."""
        column = {code: i for i, code in enumerate(self.tier_codes)}
        out = np.zeros((len(code_lists), len(self.tier_codes)), dtype=bool)
        for row, codes in enumerate(code_lists):
            if not codes:
                out[row] = True
            else:
                out[row, [column[code] for code in codes if code in column]] = True
        return out


def _places() -> _Places:
    """Every branch (1 query) and the configured tiers."""
    branches = list(Branch.objects.order_by("code").values_list("id", "name", "region"))
    regions: dict[str, int] = {}
    tiers = service_tiers()
    return _Places(
        branch_index={pk: i for i, (pk, _name, _region) in enumerate(branches)},
        branch_region=np.array([regions.setdefault(region, len(regions)) for _pk, _n, region in branches], np.intp),
        branch_names=[name for _pk, name, _region in branches],
        tier_minimums=[tier.min_assets for tier in tiers],
        tier_codes=[tier.code for tier in tiers],
        tier_names=[str(tier.name) for tier in tiers],
    )


# Above this many customers a targeted load reads everyone and keeps the rows asked for, rather than
# sending an IN (...) list longer than some databases take.
ID_LIST_LIMIT = 500


def matching_snapshot(*, customer_ids: Collection[int] | None = None) -> Snapshot:
    """Load customers (all, or just `customer_ids`), every manager, both vocabularies and the branches:
    9 queries."""
    if customer_ids is not None and len(customer_ids) > ID_LIST_LIMIT:
        wanted = set(customer_ids)
        snapshot = matching_snapshot()
        return snapshot.customer_rows([i for i, pk in enumerate(snapshot.customer_ids.tolist()) if pk in wanted])
    services, service_names = _term_index(Service)
    hobbies, hobby_names = _term_index(Hobby)
    places = _places()

    manager_rows = sorted(
        ManagerProfile.objects.values_list(
            "id", "user__username", "user__is_active", "accepting_customers", "capacity", "branch_id", "tiers"
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
        customers.values_list(
            "id", "user__username", "manager_id", "manager_locked", "customer_class", "branch_id", "total_assets"
        ).iterator(chunk_size=20_000),
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
        customer_branch=places.branches(row[5] for row in customer_rows),
        customer_tier=places.tiers_of_assets(row[6] for row in customer_rows),
        manager_branch=places.branches(row[5] for row in manager_rows),
        manager_tiers=places.tiers_served([row[6] for row in manager_rows]),
        branch_region=places.branch_region,
        branch_names=places.branch_names,
        tier_names=places.tier_names,
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


def plan_inputs_stamp() -> str:
    """A digest of what an optimal plan over the stored data depends on: equal stamps, the same plan's inputs.
    Six small queries, for pages that say whether a stored plan is still current.

    Every write of a customer or manager profile moves its `updated_at` (services, imports and runs set it in
    their bulk writes too), so the count and newest `updated_at` of each table tell a change, an addition or a
    deletion. What changes without touching a profile is read as it is: which managers' accounts are active,
    the terms and branches (a term deleted takes its links with it; a branch's region decides the region
    policy), and the settings of classes, tiers and branches.
    """
    stamp = {
        "customers": CustomerProfile.objects.aggregate(n=Count("id"), latest=Max("updated_at")),
        "managers": ManagerProfile.objects.aggregate(n=Count("id"), latest=Max("updated_at")),
        "active": list(ManagerProfile.objects.filter(user__is_active=True).order_by("pk").values_list("pk", flat=True)),
        "services": list(Service.objects.order_by("pk").values_list("pk", flat=True)),
        "hobbies": list(Hobby.objects.order_by("pk").values_list("pk", flat=True)),
        "branches": list(Branch.objects.order_by("pk").values_list("pk", "region")),
        "settings": [
            settings.PORTRAIT_CLASS_THRESHOLDS, settings.PORTRAIT_UPGRADE_MARGIN, settings.PORTRAIT_BRANCH_POLICY,
            settings.PORTRAIT_REGION_PENALTY, [(tier.code, str(tier.min_assets)) for tier in service_tiers()],
        ],
    }
    return hashlib.sha256(json.dumps(stamp, sort_keys=True, default=str).encode()).hexdigest()[:32]


def written_plan(*, stamp: str, move_cost: int) -> dict | None:
    """Today's optimal plan (`capacity_report.PlanSummary` as a dict) as the newest optimal rebalance left it on
    data of this stamp with this move cost, or None: one query. A run keeps it in its summary ("today")."""
    found = (
        MatchingRun.objects.filter(
            kind=RunKind.AUTOMATIC, status=RunStatus.SUCCEEDED,
            summary__today__stamp=stamp, summary__today__move_cost=move_cost,
        )
        .order_by("-finished_at", "-id").values_list("summary", flat=True).first()
    )
    return found["today"]["plan"] if found else None


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


@dataclass(frozen=True)
class ClassInputs:
    """What classifying some customers reads: their terms and class, and the terms of the active managers."""

    customer_ids: np.ndarray          # (n_c,) int64, ascending
    customer_class: list[str]         # current class letters ('' when not classified)
    customer_needs: np.ndarray        # (n_c, n_services) uint8
    customer_hobbies: np.ndarray      # (n_c, n_hobbies) uint8
    manager_capabilities: np.ndarray  # (n_active, n_services) uint8
    manager_hobbies: np.ndarray       # (n_active, n_hobbies) uint8
    # Branches and tiers, as in `planning.Snapshot` (the managers are the active ones).
    customer_branch: np.ndarray
    customer_tier: np.ndarray
    manager_branch: np.ndarray
    manager_tiers: np.ndarray
    branch_region: np.ndarray


# Customers read per query by id list: within every database's limit on parameters.
ID_CHUNK = 5000


def class_inputs(*, customer_ids: Collection[int]) -> ClassInputs:
    """Load what `scoring.class_codes` needs for these customers (unknown ids are skipped): 6 queries for
    the vocabularies, branches and active managers, then 3 per `ID_CHUNK` customers (their rows, needs, hobbies).

    Unlike `matching_snapshot`, it reads neither usernames nor managers' books, and only the customers
    asked for, however many: an import of 100k customers reclassifies them without reading the others.
    """
    services, _names = _term_index(Service)
    hobbies, _names = _term_index(Hobby)
    places = _places()
    manager_rows = list(
        ManagerProfile.objects.filter(user__is_active=True).order_by("id").values_list("id", "branch_id", "tiers")
    )
    managers = {row[0]: i for i, row in enumerate(manager_rows)}
    wanted = sorted(set(customer_ids))
    wanted_set = set(wanted)
    ids, classes, branch_ids, assets = [], [], [], []
    pairs: dict[str, list[np.ndarray]] = {"needs": [], "hobbies": []}
    relations = (
        ("needs", CustomerProfile.needs.through, "service_id"),
        ("hobbies", CustomerProfile.hobbies.through, "hobby_id"),
    )
    for within in _id_chunks(wanted):
        customers = CustomerProfile.objects.filter(**within("id")).order_by("id")
        for pk, letter, branch_id, total_assets in customers.values_list(
            "id", "customer_class", "branch_id", "total_assets"
        ):
            if pk in wanted_set:
                ids.append(pk)
                classes.append(letter)
                branch_ids.append(branch_id)
                assets.append(total_assets)
        for name, through, term_field in relations:
            links = through.objects.filter(**within("customerprofile_id"))
            pairs[name].append(_fetch_pairs(links.values_list("customerprofile_id", term_field)))
    position = np.asarray(ids, dtype=np.int64)

    def matrix(name, terms):
        found = np.concatenate(pairs[name]) if pairs[name] else np.empty((0, 2), dtype=np.int64)
        rows = np.searchsorted(position, found[:, 0])
        kept = rows < len(position)
        kept[kept] = position[rows[kept]] == found[kept, 0]  # a range also reads customers not asked for
        columns = np.full(max(terms, default=0) + 1, -1, dtype=np.intp)
        columns[list(terms)] = list(terms.values())
        return engine.multi_hot(
            rows[kept].astype(np.intp), columns[found[kept, 1]], shape=(len(position), len(terms))
        )

    return ClassInputs(
        customer_ids=position,
        customer_class=classes,
        customer_needs=matrix("needs", services),
        customer_hobbies=matrix("hobbies", hobbies),
        manager_capabilities=_multi_hot(
            ManagerProfile.capabilities.through, "managerprofile_id", "service_id", managers, services, {}
        ),
        manager_hobbies=_multi_hot(
            ManagerProfile.hobbies.through, "managerprofile_id", "hobby_id", managers, hobbies, {}
        ),
        customer_branch=places.branches(branch_ids),
        customer_tier=places.tiers_of_assets(assets),
        manager_branch=places.branches(row[1] for row in manager_rows),
        manager_tiers=places.tiers_served([row[2] for row in manager_rows]),
        branch_region=places.branch_region,
    )


def _id_chunks(ids: list[int]):
    """Sorted ids in chunks of at most `ID_CHUNK`, each as a function giving the filter on a column of
    ids: a range where the ids are dense (an import's new customers: one index range scan rather than
    5,000 lookups; it may take in ids not asked for), else an id list."""
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            yield lambda column, low=chunk[0], high=chunk[-1]: {f"{column}__gte": low, f"{column}__lte": high}
        else:
            yield lambda column, chunk=chunk: {f"{column}__in": chunk}


def _fetch_pairs(queryset) -> np.ndarray:
    """The rows of a two-integer-column `values_list` as an (n, 2) array, fetched by the driver at once:
    Django's row-by-row iteration cost more than the query for the 800k links of 100k customers."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def runs_undone(run_ids: Collection[int]) -> set[int]:
    """Which of these runs a successful undo has reversed (one query)."""
    return set(
        MatchingRun.objects.filter(
            kind=RunKind.UNDO, status=RunStatus.SUCCEEDED, undo_of__in=list(run_ids)
        ).values_list("undo_of_id", flat=True)
    )


def run_undoable(run, *, undone: Collection[int] | None = None) -> bool:
    """Whether Undo may be offered for `run`: it changed managers, succeeded and was not undone yet
    (`undone`: the page's `runs_undone`, else one query)."""
    if run.status != RunStatus.SUCCEEDED or run.kind in (RunKind.PREVIEW, RunKind.UNDO):
        return False
    return run.pk not in (undone if undone is not None else runs_undone([run.pk]))


def preview_curve_pending(preview_id: int) -> BackgroundJob | None:
    """A comparison of move costs queued or running for this preview, or None: one query."""
    return BackgroundJob.objects.filter(
        kind=JobKind.CURVE, options__preview=preview_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).order_by("-id").first()
