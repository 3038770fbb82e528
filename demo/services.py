"""Demo data: the accounts the older system's users know, and synthetic portraits in bulk for benchmarks.

Named accounts (admin, customer1..20, manager1..5) are reset on every run: password, role, name and
portrait (age, occupation, assets, needs, hobbies; capacity and availability of managers) become what
the seed gives again. Their segment and manager are left alone: those belong to the matching service,
which is told through ``portraits_changed`` about existing customers whose portrait the reset changed
so their class follows. Synthetic accounts (``syn_c000001``.., ``syn_m0001``..) are only ever added;
existing ones are skipped. New customers get no class and no manager: run ``autoassign`` afterwards.

Portraits come from `demo.generators` (pure numpy); writes go through the apps' own services where
one fits (vocabulary terms: `terms_resolve` / `terms_create_missing`) and through `core.bulk` for
rows and many-to-many links in bulk. Users are written here rather than through
`accounts.services.users_upsert`: the demo sets known passwords and resets roles, which that import
service refuses on purpose, and at 100k accounts per-user model validation would take most of the run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.services import audit_record
from core.bulk import (
    bulk_create_with_ids,
    m2m_links_add,
    m2m_links_load,
    m2m_links_replace,
    refresh_statistics,
)
from customers.models import CustomerProfile
from customers.signals import portraits_changed
from managers.models import ManagerProfile
from vocabularies.models import Hobby, Service
from vocabularies.services import term_key, terms_create_missing, terms_resolve

from .generators import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    HOBBIES,
    NAMED_CUSTOMER_STREAM,
    NAMED_CUSTOMERS,
    NAMED_MANAGER_STREAM,
    NAMED_MANAGERS,
    SERVICES,
    SYNTHETIC_CUSTOMER_PREFIX,
    SYNTHETIC_CUSTOMER_STREAM,
    SYNTHETIC_MANAGER_PREFIX,
    SYNTHETIC_MANAGER_STREAM,
    generate_portraits,
)

BATCH_SIZE = 5000


@dataclass
class DemoSummary:
    services_created: int = 0
    hobbies_created: int = 0
    named_created: list[str] = field(default_factory=list)
    named_reset: list[str] = field(default_factory=list)
    portraits_changed: list[int] = field(default_factory=list)
    customers_created: int = 0
    customers_skipped: int = 0
    managers_created: int = 0
    managers_skipped: int = 0
    seconds: float = 0.0


def _vocabulary_ensure(model, terms: list[tuple[str, float]]) -> tuple[np.ndarray, int]:
    """Ids of the demo terms in demo order, creating the missing ones in that order; returns (ids, created)."""
    names = [name for name, _ in terms]
    resolution = terms_resolve(model=model, names=names, create=True)
    created = terms_create_missing(resolution=resolution, orders={name: order for order, name in enumerate(names)})
    return np.array([resolution.ids[term_key(name)] for name in names], dtype=np.int64), len(created)


def _pairs(owner_ids: np.ndarray, term_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(owner id, term id) for each true cell of `mask` (rows: owners, columns: terms)."""
    rows, cols = np.nonzero(mask)
    return np.column_stack((owner_ids[rows], term_ids[cols]))


def _links_sync(relation, owner_ids: np.ndarray, term_ids: np.ndarray, mask: np.ndarray) -> set[int]:
    """Make each owner's terms exactly those of `mask`; returns the owners whose terms changed."""
    wanted: dict[int, set[int]] = {int(owner): set() for owner in owner_ids}
    for owner, term in _pairs(owner_ids, term_ids, mask).tolist():
        wanted[owner].add(term)
    current = m2m_links_load(relation, owner_ids=list(wanted))
    changed = {owner: terms for owner, terms in wanted.items() if current.get(owner, set()) != terms}
    m2m_links_replace(relation, changed)
    return set(changed)


def _profiles_reset(model, user_ids: list[int], values: list[dict]) -> tuple[np.ndarray, set[int], set[int]]:
    """Create or reset one profile per user to `values`.

    Only profiles that differ are written, and only they get a new ``updated_at``. Returns the profile
    ids in user order, the ids of the profiles that existed before, and of those that were changed.
    """
    profiles = {profile.user_id: profile for profile in model.objects.filter(user_id__in=user_ids)}
    existed = {profile.pk for profile in profiles.values()}
    created, changed = [], []
    for user_id, fields in zip(user_ids, values):
        profile = profiles.get(user_id)
        if profile is None:
            created.append(model(user_id=user_id, **fields))
        elif any(getattr(profile, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(profile, name, value)
            profile.updated_at = timezone.now()
            changed.append(profile)
    for profile in bulk_create_with_ids(model, created, key_field="user"):
        profiles[profile.user_id] = profile
    if changed:
        model.objects.bulk_update(changed, [*values[0], "updated_at"])
    ids = np.array([profiles[user_id].pk for user_id in user_ids], dtype=np.int64)
    return ids, existed, {p.pk for p in changed}


def _named_accounts_reset(*, seed: int, service_ids: np.ndarray, hobby_ids: np.ndarray, summary: DemoSummary) -> None:
    customers = generate_portraits(seed=seed, stream=NAMED_CUSTOMER_STREAM, n=NAMED_CUSTOMERS)
    managers = generate_portraits(seed=seed, stream=NAMED_MANAGER_STREAM, n=NAMED_MANAGERS)
    hashes = {ADMIN_PASSWORD: make_password(ADMIN_PASSWORD), DEMO_PASSWORD: make_password(DEMO_PASSWORD)}
    accounts = [(ADMIN_USERNAME, Role.ADMIN, "系统管理员", ADMIN_PASSWORD)]
    accounts += [(f"customer{i + 1}", Role.CUSTOMER, customers.names[i], DEMO_PASSWORD) for i in range(len(customers))]
    accounts += [(f"manager{i + 1}", Role.MANAGER, managers.names[i], DEMO_PASSWORD) for i in range(len(managers))]

    # Passwords are always reset (one hash per password, a new salt each run): checking the old ones
    # would cost a slow hash per account.
    existing = {user.username: user for user in User.objects.filter(username__in=[a[0] for a in accounts])}
    users, to_create, to_reset = {}, [], []
    for username, role, name, password in accounts:
        user = existing.get(username) or User(username=username)
        user.role, user.name, user.password = role, name, hashes[password]
        user.is_active, user.is_staff, user.is_superuser = True, role == Role.ADMIN, role == Role.ADMIN
        (to_reset if user.pk else to_create).append(user)
        users[username] = user
    bulk_create_with_ids(User, to_create, key_field="username")
    User.objects.bulk_update(to_reset, ["role", "name", "password", "is_active", "is_staff", "is_superuser"])
    summary.named_created = [user.username for user in to_create]
    summary.named_reset = [user.username for user in to_reset]

    customer_ids, existed, changed = _profiles_reset(
        CustomerProfile,
        [users[f"customer{i + 1}"].pk for i in range(len(customers))],
        [
            {"age": int(customers.ages[row]), "occupation": customers.occupations[row],
             "total_assets": customers.assets(row)}
            for row in range(len(customers))
        ],
    )
    changed |= _links_sync(CustomerProfile.needs, customer_ids, service_ids, customers.services)
    changed |= _links_sync(CustomerProfile.hobbies, customer_ids, hobby_ids, customers.hobbies)
    # Customers the reset changed already had a class: have matching recompute it. New ones start
    # unclassified, like every customer this module creates.
    summary.portraits_changed = sorted(changed & existed)
    if summary.portraits_changed:
        portraits_changed.send(sender=CustomerProfile, customer_ids=summary.portraits_changed)

    manager_ids, _, _ = _profiles_reset(
        ManagerProfile,
        [users[f"manager{i + 1}"].pk for i in range(len(managers))],
        [{"capacity": settings.PORTRAIT_DEFAULT_MANAGER_CAPACITY, "accepting_customers": True}] * len(managers),
    )
    _links_sync(ManagerProfile.capabilities, manager_ids, service_ids, managers.services)
    _links_sync(ManagerProfile.hobbies, manager_ids, hobby_ids, managers.hobbies)


def _synthetic_usernames(prefix: str, width: int, n: int) -> tuple[list[str], np.ndarray]:
    """Usernames ``prefix + 1..n`` and the rows of those that do not exist yet (one query)."""
    usernames = [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]
    existing = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True)) if n else set()
    return usernames, np.array([row for row, name in enumerate(usernames) if name not in existing], dtype=np.int64)


def _users_add(usernames: list[str], rows: np.ndarray, names: list[str], *, role: Role, password: str) -> list[int]:
    """Bulk-create the users of `rows`; returns their ids in row order."""
    users = bulk_create_with_ids(
        User, (User(username=usernames[row], role=role, name=names[row], password=password) for row in rows),
        key_field="username",
    )
    return [user.pk for user in users]


def _synthetic_customers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_CUSTOMER_PREFIX, 6, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=SYNTHETIC_CUSTOMER_STREAM, n=n)
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.CUSTOMER, password=password)
    profiles = bulk_create_with_ids(
        CustomerProfile,
        (
            CustomerProfile(user_id=user_id, age=int(portraits.ages[row]), occupation=portraits.occupations[row],
                            total_assets=portraits.assets(row))
            for row, user_id in zip(rows, user_ids)
        ),
        key_field="user",
    )
    owner_ids = np.array([profile.pk for profile in profiles], dtype=np.int64)
    m2m_links_add(CustomerProfile.needs, _pairs(owner_ids, service_ids, portraits.services[rows]).tolist())
    m2m_links_add(CustomerProfile.hobbies, _pairs(owner_ids, hobby_ids, portraits.hobbies[rows]).tolist())
    return len(rows), n - len(rows)


def _synthetic_managers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_MANAGER_PREFIX, 4, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=SYNTHETIC_MANAGER_STREAM, n=n)
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.MANAGER, password=password)
    profiles = bulk_create_with_ids(ManagerProfile, (ManagerProfile(user_id=u) for u in user_ids), key_field="user")
    owner_ids = np.array([profile.pk for profile in profiles], dtype=np.int64)
    m2m_links_add(ManagerProfile.capabilities, _pairs(owner_ids, service_ids, portraits.services[rows]).tolist())
    m2m_links_add(ManagerProfile.hobbies, _pairs(owner_ids, hobby_ids, portraits.hobbies[rows]).tolist())
    return len(rows), n - len(rows)


@transaction.atomic
def demo_seed(*, seed: int = 42, customers: int = 0, managers: int = 0, actor: User | None = None) -> DemoSummary:
    """Create or reset the demo accounts and add the missing synthetic ones, in one transaction.

    Recorded in the audit log as "demo.seeded" by `actor` (None: the system).

    Parameters
    ----------
    seed : int
        Non-negative; the same seed gives the same portraits on any database.
    customers, managers : int
        How many synthetic accounts should exist (``syn_c000001``.., ``syn_m0001``..).
    """
    if seed < 0 or customers < 0 or managers < 0:
        raise ValueError(f"seed, customers and managers must be non-negative, got {seed}, {customers}, {managers}")
    started = time.perf_counter()
    summary = DemoSummary()
    service_ids, summary.services_created = _vocabulary_ensure(Service, SERVICES)
    hobby_ids, summary.hobbies_created = _vocabulary_ensure(Hobby, HOBBIES)
    _named_accounts_reset(seed=seed, service_ids=service_ids, hobby_ids=hobby_ids, summary=summary)

    # Synthetic accounts share one hash of the demo password: hashing is slow on purpose.
    password = make_password(DEMO_PASSWORD) if customers or managers else ""
    terms = {"service_ids": service_ids, "hobby_ids": hobby_ids}
    summary.customers_created, summary.customers_skipped = _synthetic_customers_add(
        seed=seed, n=customers, password=password, **terms
    )
    summary.managers_created, summary.managers_skipped = _synthetic_managers_add(
        seed=seed, n=managers, password=password, **terms
    )
    summary.seconds = time.perf_counter() - started
    audit_record(
        actor=actor, action="demo.seeded", summary=f"seed {seed}",
        data={
            "seed": seed, "named_created": len(summary.named_created), "named_reset": len(summary.named_reset),
            "customers_created": summary.customers_created, "managers_created": summary.managers_created,
        },
    )
    written = summary.customers_created + summary.managers_created
    refresh_statistics([User, CustomerProfile, ManagerProfile], rows=written)
    return summary
