"""Demo data: the accounts the older system's users know, a bank's network around them with a year of
history, and synthetic portraits in bulk for benchmarks.

Named accounts (admin, customer1..20, manager1..5) are reset on every run: password, role, name and
portrait (age, occupation, assets, needs, hobbies; capacity and availability of managers) become what
the seed gives again. Their segment and manager are left alone: those belong to the matching service,
which is told through ``portraits_changed`` about existing customers whose portrait the reset changed
so their class follows.

The network (``customer21``.., ``manager6``..; `demo.generators.generate_network`) is added once, when
none of its accounts exists: customers and managers join on the days the generator gives, and the
history (`HISTORY`, then `TODAY`) is played through matching's public services with the clock set to
each step's day (time-machine), so runs, history rows and audit events carry their dates and nothing is
backdated behind a service's back. `_history_step` is the one place that calls matching. Each network
account belongs to the branch the generator draws (`BRANCHES`, stored with `BRANCH_PLACES`: three branches
in two regions); the named accounts have none (any branch serves them).

Synthetic accounts (``syn_c000001``.., ``syn_m0001``..) are only ever added; existing ones are skipped.
They get no class and no manager: run ``autoassign`` afterwards (benchmarks use them with ``--minimal``).

Portraits come from `demo.generators` (pure numpy); writes go through the apps' own services where
one fits (vocabulary terms: `terms_resolve` / `terms_create_missing`; everything in matching) and through
`core.bulk` for rows and many-to-many links in bulk. Users are written here rather than through
`accounts.services.users_upsert`: the demo sets known passwords and resets roles, which that import
service refuses on purpose, and at 100k accounts per-user model validation would take most of the run.
"""
from __future__ import annotations

import contextlib
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from threadpoolctl import threadpool_limits

from accounts.models import Role, User
from audit.services import audit_record
from change_requests import services as change_requests
from change_requests.models import ChangeRequest, RequestStatus
from change_requests.selectors import change_request_candidates
from contacts.models import Contact
from contacts.selectors import follow_ups_due
from contacts.services import contacts_insert
from core.bulk import (
    bulk_create_with_ids,
    bulk_set,
    m2m_links_add,
    m2m_links_load,
    m2m_links_replace,
    refresh_statistics,
)
from customers.models import CustomerProfile
from customers.signals import portraits_changed
from managers.models import ManagerProfile
from managers.selectors import manager_loads
from insights.services import segments_compute
from jobs.services import job_enqueue
from matching import services as matching
from matching.models import MatchingRun, RunKind, Segment, Strategy
from matching.services.previews import preview_create
from planning.jobs import CAPACITY_JOB
from planning.services import scenario_create, scenario_evaluate
from vocabularies.models import Branch, Hobby, Service
from vocabularies.services import term_key, terms_create_missing, terms_resolve

from .generators import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    BRANCHES,
    CHANGE_REQUESTS,
    DEMO_PASSWORD,
    FOLLOW_UP_MANAGER,
    HISTORY,
    HISTORY_DAYS,
    HOBBIES,
    NAMED_CUSTOMER_STREAM,
    NAMED_CUSTOMERS,
    NAMED_MANAGER_STREAM,
    NAMED_MANAGERS,
    NETWORK_CUSTOMERS,
    NETWORK_MANAGERS,
    PRIVATE_BANKER,
    SERVICES,
    SYNTHETIC_CUSTOMER_PREFIX,
    SYNTHETIC_CUSTOMER_STREAM,
    SYNTHETIC_MANAGER_PREFIX,
    SYNTHETIC_MANAGER_STREAM,
    TODAY,
    WEALTH_MANAGER,
    HistoryStep,
    Portraits,
    generate_contacts,
    generate_network,
    generate_portraits,
)

BATCH_SIZE = 5000


@dataclass
class NetworkSummary:
    """What the demo network's first seeding did (`created` False: it was there already)."""

    created: bool = False
    customers: int = 0
    managers: int = 0
    runs: int = 0
    manual_assignments: int = 0
    segments: int = 0
    preview_id: int | None = None
    preview_changes: int = 0
    optimal_gain: int = 0  # total score of the optimal rule minus the greedy one's, in the stored preview
    contacts: int = 0
    contacted_customers: int = 0
    follow_ups_due: int = 0  # FOLLOW_UP_MANAGER's, today and overdue
    follow_ups_overdue: int = 0
    requests_approved: int = 0
    requests_declined: int = 0
    requests_open: int = 0
    scenarios: list[str] = field(default_factory=list)  # the what-if scenarios saved and evaluated
    capacity_plan_id: int | None = None


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
    network: NetworkSummary = field(default_factory=NetworkSummary)
    seconds: float = 0.0


# The generator's branches as stored: its name -> (code, region). Three branches in two regions.
BRANCH_PLACES = {"北京分行": ("BJ", "北方区域"), "上海分行": ("SH", "南方区域"), "深圳分行": ("SZ", "南方区域")}


def _branches_ensure() -> np.ndarray:
    """The demo's branches (created when missing, by code), their ids in `BRANCHES` order."""
    ids = []
    for name, _share in BRANCHES:
        code, region = BRANCH_PLACES[name]
        ids.append(Branch.objects.get_or_create(code=code, defaults={"name": name, "region": region})[0].pk)
    return np.array(ids, dtype=np.int64)


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


def _named_accounts_reset(
    *, seed: int, service_ids: np.ndarray, hobby_ids: np.ndarray, hashes: dict[str, str], summary: DemoSummary
) -> None:
    """`hashes`: the hash of each demo password."""
    customers = generate_portraits(seed=seed, stream=NAMED_CUSTOMER_STREAM, n=NAMED_CUSTOMERS)
    managers = generate_portraits(seed=seed, stream=NAMED_MANAGER_STREAM, n=NAMED_MANAGERS)
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


def _named_usernames() -> list[str]:
    return [ADMIN_USERNAME, *(f"customer{i}" for i in range(1, NAMED_CUSTOMERS + 1)),
            *(f"manager{i}" for i in range(1, NAMED_MANAGERS + 1))]


def _synthetic_usernames(prefix: str, width: int, n: int) -> tuple[list[str], np.ndarray]:
    """Usernames ``prefix + 1..n`` and the rows of those that do not exist yet (one query)."""
    usernames = [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]
    existing = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True)) if n else set()
    return usernames, np.array([row for row, name in enumerate(usernames) if name not in existing], dtype=np.int64)


def _users_add(
    usernames: list[str], rows: np.ndarray, names: list[str], *, role: Role, password: str, joined=None
) -> list[int]:
    """Bulk-create the users of `rows`; returns their ids in row order. `joined`: their date_joined, per row."""
    joined = joined if joined is not None else [timezone.now()] * len(usernames)
    users = bulk_create_with_ids(
        User,
        (User(username=usernames[row], role=role, name=names[row], password=password, date_joined=joined[row])
         for row in rows),
        key_field="username",
    )
    return [user.pk for user in users]


def _created_at_set(model, ids, when: list) -> None:
    """Profiles get `created_at` on insert: give each the day its account joined."""
    bulk_set(model, fields=["created_at"], rows=list(zip(np.asarray(ids).tolist(), when)))


def _customers_insert(
    usernames: list[str], rows: np.ndarray, portraits: Portraits, *, password: str, service_ids, hobby_ids, joined=None,
    branches=None,
) -> np.ndarray:
    """Customers of `rows` (users, profiles, needs, hobbies) in bulk; returns their profile ids in row order.
    `branches`: each row's branch id (None: no branch)."""
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.CUSTOMER, password=password, joined=joined)
    profiles = bulk_create_with_ids(
        CustomerProfile,
        (
            CustomerProfile(user_id=user_id, age=int(portraits.ages[row]), occupation=portraits.occupations[row],
                            total_assets=portraits.assets(row),
                            branch_id=int(branches[row]) if branches is not None else None)
            for row, user_id in zip(rows, user_ids)
        ),
        key_field="user",
    )
    owner_ids = np.array([profile.pk for profile in profiles], dtype=np.int64)
    m2m_links_add(CustomerProfile.needs, _pairs(owner_ids, service_ids, portraits.services[rows]).tolist())
    m2m_links_add(CustomerProfile.hobbies, _pairs(owner_ids, hobby_ids, portraits.hobbies[rows]).tolist())
    if joined is not None:
        _created_at_set(CustomerProfile, owner_ids, [joined[row] for row in rows])
    return owner_ids


def _managers_insert(
    usernames: list[str], rows: np.ndarray, portraits: Portraits, *, password: str, service_ids, hobby_ids,
    capacities=None, joined=None, branches=None,
) -> np.ndarray:
    """Managers of `rows` in bulk (default capacity unless `capacities`; each row's branch id in `branches`);
    returns their profile ids in row order."""
    user_ids = _users_add(usernames, rows, portraits.names, role=Role.MANAGER, password=password, joined=joined)
    profiles = bulk_create_with_ids(
        ManagerProfile,
        (
            ManagerProfile(user_id=user_id, branch_id=int(branches[row]) if branches is not None else None,
                           **({"capacity": int(capacities[row])} if capacities is not None else {}))
            for row, user_id in zip(rows, user_ids)
        ),
        key_field="user",
    )
    owner_ids = np.array([profile.pk for profile in profiles], dtype=np.int64)
    m2m_links_add(ManagerProfile.capabilities, _pairs(owner_ids, service_ids, portraits.services[rows]).tolist())
    m2m_links_add(ManagerProfile.hobbies, _pairs(owner_ids, hobby_ids, portraits.hobbies[rows]).tolist())
    if joined is not None:
        _created_at_set(ManagerProfile, owner_ids, [joined[row] for row in rows])
    return owner_ids


def _synthetic_customers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_CUSTOMER_PREFIX, 6, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=SYNTHETIC_CUSTOMER_STREAM, n=n)
    _customers_insert(usernames, rows, portraits, password=password, service_ids=service_ids, hobby_ids=hobby_ids)
    return len(rows), n - len(rows)


def _synthetic_managers_add(*, seed: int, n: int, password: str, service_ids, hobby_ids) -> tuple[int, int]:
    usernames, rows = _synthetic_usernames(SYNTHETIC_MANAGER_PREFIX, 4, n)
    if not len(rows):
        return 0, n
    portraits = generate_portraits(seed=seed, stream=SYNTHETIC_MANAGER_STREAM, n=n)
    _managers_insert(usernames, rows, portraits, password=password, service_ids=service_ids, hobby_ids=hobby_ids)
    return len(rows), n - len(rows)


def _history_step(step: HistoryStep, *, admin: User, kinds: dict[int, str], previous: MatchingRun | None):
    """Do `step` through matching's public services, as the admin (or the system) would have that day.

    The demo's one door into the matching app: runs, undo, manual assignment, availability, a book
    transfer, reclassification, segments and the stored preview. Returns the run it made, if any.
    """
    actor = admin if step.by_admin else None
    if step.action in ("run", "rebalance"):
        return matching.run_automatic(
            strategy=Strategy(step.strategy), rebalance=step.action == "rebalance", actor=actor
        ).run
    if step.action == "undo":
        return matching.run_undo(run=previous, actor=actor)
    if step.action == "transfer":
        leaving = _managers_by_load([pk for pk, kind in kinds.items() if kind == WEALTH_MANAGER])[0]
        return matching.manager_book_transfer(manager=leaving, actor=actor).run
    if step.action == "capacity":
        manager = _managers_by_load([pk for pk, kind in kinds.items() if kind == PRIVATE_BANKER])[0]
        matching.manager_availability_update(manager=manager, actor=actor, capacity=manager.capacity + step.count)
    elif step.action == "assign":
        candidates = [pk for pk, kind in kinds.items() if kind == step.to or not step.to]
        loads = manager_loads(candidates)
        target = max(
            ManagerProfile.objects.filter(pk__in=candidates, accepting_customers=True, user__is_active=True),
            key=lambda m: (m.capacity - loads[m.pk], -m.pk),
        )
        customers = (
            CustomerProfile.objects.filter(customer_class__in=["A", "B"], manager__isnull=False, manager_locked=False)
            .exclude(manager_id__in=candidates if step.to else [target.pk])
            .order_by("-total_assets", "pk")
            .values_list("pk", flat=True)[: step.count]
        )
        matching.customers_assign(customer_ids=list(customers), manager=target, actor=actor, note=step.note)
    elif step.action == "classify":  # customers who joined since the last run: a saved portrait is classified
        matching.customers_reclassify(
            customer_ids=list(CustomerProfile.objects.filter(customer_class="").values_list("pk", flat=True))
        )
    elif step.action == "segments":
        segments_compute(actor=actor, k=step.count or None, random_state=0)
    elif step.action == "preview":
        return preview_create(actor=actor, strategy=Strategy(step.strategy))
    else:
        raise ValueError(f"unknown history action {step.action!r}")
    return None


def _change_requests_step(step: HistoryStep, *, admin: User, exclude_users: set[int]) -> None:
    """Customers ask for another manager, or the admin decides the oldest open requests, through
    `change_requests`' services as the customer and the admin would (an approval moves the customer with
    matching's manual assignment). The older system's named customers are left free to ask themselves."""
    if step.action == "request":
        customers = (
            CustomerProfile.objects.filter(manager__isnull=False, manager_locked=False, customer_class__in=["C", "D"])
            .exclude(user_id__in=exclude_users)
            .exclude(change_requests__isnull=False)
            .select_related("user")
            .order_by("-pk")[: step.count]
        )
        already = ChangeRequest.objects.count()
        for offset, customer in enumerate(customers):
            reason, text = CHANGE_REQUESTS[(already + offset) % len(CHANGE_REQUESTS)]
            change_requests.change_request_open(customer=customer, actor=customer.user, reason=reason, text=text)
        return
    oldest = ChangeRequest.objects.filter(status=RequestStatus.OPEN).order_by("created_at", "pk")[: step.count]
    for change_request in oldest:
        if step.action == "decline":
            change_requests.change_request_decline(change_request=change_request, reply=step.note, actor=admin)
            continue
        best = change_request_candidates(change_request=change_request, limit=1)[0]
        change_requests.change_request_approve(
            change_request=change_request, manager=ManagerProfile.objects.get(pk=best["id"]), actor=admin,
        )


def _managers_by_load(manager_ids: list[int]) -> list[ManagerProfile]:
    """The managers of `manager_ids`, the largest book first (then the smallest id)."""
    loads = manager_loads(manager_ids)
    managers = ManagerProfile.objects.filter(pk__in=manager_ids).select_related("user")
    return sorted(managers, key=lambda m: (-loads[m.pk], m.pk))


def _network_add(
    *, seed: int, customers: int, managers: int, password: str, service_ids, hobby_ids, admin: User,
    actor: User | None,
) -> NetworkSummary:
    """Add the demo network and play its year of history (`HISTORY`), unless any of its accounts exists.

    Customers and managers join in the order and on the days `generate_network` gives; before each step
    of the history, those who had joined by then are written, and the step runs with the clock set to its
    day (time-machine), so runs, history rows and audit events carry the dates they would have had. Last,
    today: the customers who joined since the last run are classified, segments computed and a preview
    stored, in which the optimal rule places them for a higher total score than the greedy one. Then the
    contact log of those months (`_contact_log_add`), each contact by the customer's manager that day.
    """
    network = generate_network(seed=seed, customers=customers, managers=managers)
    customer_names = [f"customer{NAMED_CUSTOMERS + 1 + row}" for row in range(customers)]
    manager_names = [f"manager{NAMED_MANAGERS + 1 + row}" for row in range(managers)]
    if User.objects.filter(username__in=customer_names + manager_names).exists():
        return NetworkSummary()
    summary = NetworkSummary(created=True, customers=customers, managers=managers)
    now = timezone.now()

    def day(days_ago: float):
        return now - timedelta(days=float(days_ago))

    # The named accounts were the older system's, there from the start.
    named = User.objects.filter(username__in=_named_usernames())
    named.update(date_joined=day(HISTORY_DAYS))
    named_ids = set(named.values_list("pk", flat=True))
    for model in (CustomerProfile, ManagerProfile):
        ids = list(model.objects.filter(user__in=named).values_list("pk", flat=True))
        _created_at_set(model, ids, [day(HISTORY_DAYS)] * len(ids))

    branch_ids = _branches_ensure()
    joined_customers = [day(days) for days in network.customer_days_ago.tolist()]
    joined_managers = [day(days) for days in network.manager_days_ago.tolist()]
    terms = {"password": password, "service_ids": service_ids, "hobby_ids": hobby_ids}
    kinds: dict[int, str] = {}
    added_customers = added_managers = 0
    previous = None
    books: list[tuple[datetime, dict[int, int]]] = []  # after each step: when, and each customer's manager
    for step in (*HISTORY, *TODAY):
        # Who had joined by then (rows are in joining order).
        upto_customers = int((network.customer_days_ago > step.days_ago).sum())
        upto_managers = int((network.manager_days_ago > step.days_ago).sum())
        # Today's steps run on the real clock: the preview must be newer than everything it read.
        clock = time_machine.travel(day(step.days_ago), tick=True) if step.days_ago else contextlib.nullcontext()
        with clock:
            if upto_managers > added_managers:
                rows = np.arange(added_managers, upto_managers)
                ids = _managers_insert(manager_names, rows, network.managers, capacities=network.manager_capacities,
                                       joined=joined_managers, branches=branch_ids[network.manager_branches],
                                       **terms)
                kinds.update(zip(ids.tolist(), (network.manager_kinds[row] for row in rows)))
                added_managers = upto_managers
            if upto_customers > added_customers:
                _customers_insert(customer_names, np.arange(added_customers, upto_customers), network.customers,
                                  joined=joined_customers, branches=branch_ids[network.customer_branches], **terms)
                added_customers = upto_customers
            if step.action in ("request", "approve", "decline"):
                _change_requests_step(step, admin=admin, exclude_users=named_ids)
                run = None
            else:
                run = _history_step(step, admin=admin, kinds=kinds, previous=previous)
            books.append((timezone.now(), dict(
                CustomerProfile.objects.filter(manager__isnull=False).values_list("pk", "manager_id")
            )))
        if isinstance(run, MatchingRun):
            previous = run
            if run.kind == RunKind.PREVIEW:
                compare = run.summary["compare"]
                summary.preview_id, summary.preview_changes = run.pk, run.summary["changes"]
                summary.optimal_gain = compare["optimal"]["total_score"] - compare["greedy"]["total_score"]
            else:
                summary.runs += 1
        summary.manual_assignments += step.count if step.action in ("assign", "approve") else 0
    summary.segments = Segment.objects.count()
    requests = dict(ChangeRequest.objects.values_list("status").annotate(n=Count("pk")))
    summary.requests_approved = requests.get(RequestStatus.APPROVED, 0)
    summary.requests_declined = requests.get(RequestStatus.DECLINED, 0)
    summary.requests_open = requests.get(RequestStatus.OPEN, 0)
    _contact_log_add(seed=seed, books=books, service_ids=service_ids, actor=actor, summary=summary)
    _capacity_planning_add(admin=admin, branch_ids=branch_ids, summary=summary)
    return summary


def _capacity_planning_add(*, admin: User, branch_ids: np.ndarray, summary: NetworkSummary) -> None:
    """What the capacity planning pages show on first run, on today's data: a capacity plan, and two what-if
    scenarios saved and evaluated by the admin through planning's services: two more seats for the fullest
    manager of the first branch who serves VIP customers, and the second branch without its busiest manager."""
    first, second = (BRANCHES[0][0], int(branch_ids[0])), (BRANCHES[1][0], int(branch_ids[1]))
    managers = list(
        ManagerProfile.objects.filter(branch_id__in=[first[1], second[1]], user__is_active=True)
        .select_related("user").order_by("user__username")
    )
    loads = manager_loads([manager.pk for manager in managers])
    vip = [m for m in managers if m.branch_id == first[1] and (not m.tiers or "vip" in m.tiers)]
    busiest = [m for m in managers if m.branch_id == second[1]]
    if not vip or not busiest:
        return
    fullest = max(vip, key=lambda m: (loads[m.pk] / m.capacity, m.user.username))
    leaving = max(busiest, key=lambda m: (loads[m.pk], m.user.username))
    for name, changes in (
        (f"{first[0]}多两个贵宾名额", {"capacity": {str(fullest.pk): fullest.capacity + 2}}),
        (f"{second[0]}没有{leaving.user.display_name}", {"removed": [leaving.pk]}),
    ):
        scenario_evaluate(scenario=scenario_create(name=name, changes=changes, actor=admin))
        summary.scenarios.append(name)
    summary.capacity_plan_id = job_enqueue(kind=CAPACITY_JOB, actor=admin, options={"move_cost": 0}).pk


def _contact_log_add(
    *, seed: int, books: list[tuple[datetime, dict[int, int]]], service_ids: np.ndarray, actor: User | None,
    summary: NetworkSummary,
) -> None:
    """The contact log of the network's past months (`generate_contacts`), each contact recorded by the
    customer's manager on its day, as `books` (each customer's manager after each step, in time order) give.

    Written in bulk (`contacts.services.contacts_insert`) after each contact passes the model's field rules,
    with the time it was recorded set to the time it happened, and audited once as "contacts.seeded".
    `contact_create` cannot write it: it admits only a customer's present manager, at the present time.
    """
    today = timezone.localdate()
    rows = list(CustomerProfile.objects.order_by("pk").values_list("pk", "total_assets", "manager__user__username"))
    customer_ids = [pk for pk, _, _ in rows]
    term_column = {term: column for column, term in enumerate(service_ids.tolist())}
    needs = np.zeros((len(rows), len(service_ids)), dtype=bool)
    links = m2m_links_load(CustomerProfile.needs, owner_ids=customer_ids)
    for row, pk in enumerate(customer_ids):
        needs[row, [term_column[term] for term in links.get(pk, ()) if term in term_column]] = True
    # A customer can be contacted from the day after their manager first had them.
    row_of = {pk: row for row, pk in enumerate(customer_ids)}
    since = np.zeros(len(rows), dtype=np.int64)
    for moment, book in reversed(books):
        since[[row_of[pk] for pk in book]] = (today - timezone.localdate(moment)).days - 1
    log = generate_contacts(
        seed=seed, needs=needs, since=since,
        assets_cents=np.array([int(assets * 100) for _, assets, _ in rows], dtype=np.int64),
        focus=np.array([username == FOLLOW_UP_MANAGER for _, _, username in rows]),
    )

    moments = [moment for moment, _ in books]
    contacts = []
    for row, days_ago, minutes, channel, text, follow_up in zip(
        log.customers.tolist(), log.days_ago.tolist(), log.minutes.tolist(), log.channels, log.summaries,
        log.follow_ups,
    ):
        day = today - timedelta(days=days_ago)
        contacted_at = timezone.make_aware(datetime(day.year, day.month, day.day, 9)) + timedelta(minutes=minutes)
        at = bisect_right(moments, contacted_at) - 1
        manager_id = books[at][1].get(customer_ids[row]) if at >= 0 else None
        if manager_id is None:  # without a manager that day (a book moved on): no contact
            continue
        contact = Contact(
            customer_id=customer_ids[row], manager_id=manager_id, contacted_at=contacted_at, channel=channel,
            summary=text, next_follow_up=None if follow_up is None else today + timedelta(days=follow_up),
        )
        # The model's rules on each field and `Contact.clean()`. Not per contact: the people (read from this
        # database, in this transaction) and the constraints, which the insert itself enforces (4 queries each).
        contact.full_clean(exclude=["customer", "manager"], validate_constraints=False)
        contacts.append(contact)
    recorded_from = timezone.now()
    contacts_insert(contacts=contacts)
    # Recorded when they happened; these are the contacts written since (not every backend returns their ids).
    Contact.objects.filter(created_at__gte=recorded_from).update(
        created_at=F("contacted_at"), updated_at=F("contacted_at")
    )
    audit_record(
        actor=actor, action="contacts.seeded", target_type=Contact._meta.label_lower,
        summary=f"{len(contacts)} contacts",
        data={"contacts": len(contacts), "customers": len({c.customer_id for c in contacts}),
              "managers": len({c.manager_id for c in contacts})},
    )
    summary.contacts = len(contacts)
    summary.contacted_customers = len({contact.customer_id for contact in contacts})
    manager = ManagerProfile.objects.filter(user__username=FOLLOW_UP_MANAGER).first()
    due = list(follow_ups_due(manager=manager, today=today).values_list("next_follow_up", flat=True)) if manager else []
    summary.follow_ups_due, summary.follow_ups_overdue = len(due), sum(date < today for date in due)


def _one_thread() -> threadpool_limits:
    """One thread for BLAS and OpenMP while the network's history plays: K-Means on its 2,000 portraits
    takes a fraction of a second alone, where OpenMP threads spin-waiting for each other on a busy machine
    took 7 to 11 s (2 cores, load average 10). threadpoolctl reaches only the libraries already loaded, and
    matching imports scikit-learn (which brings its OpenMP) on first use: it is loaded here first."""
    import sklearn  # noqa: F401

    return threadpool_limits(limits=1)


@transaction.atomic
def demo_seed(
    *,
    seed: int = 42,
    customers: int = 0,
    managers: int = 0,
    network_customers: int = NETWORK_CUSTOMERS,
    network_managers: int = NETWORK_MANAGERS,
    actor: User | None = None,
) -> DemoSummary:
    """Create or reset the demo accounts, add the demo network once and the missing synthetic accounts,
    in one transaction.

    Recorded in the audit log as "demo.seeded" by `actor` (None: the system).

    Parameters
    ----------
    seed : int
        Non-negative; the same seed gives the same portraits on any database.
    customers, managers : int
        How many synthetic accounts should exist (``syn_c000001``.., ``syn_m0001``..).
    network_customers, network_managers : int
        Size of the demo network (``customer21``.., ``manager6``..) and its year of history, added when
        none of its accounts exists; 0 and 0 (``--minimal``): no network.
    """
    sizes = (seed, customers, managers, network_customers, network_managers)
    if min(sizes) < 0:
        raise ValueError(f"seed and sizes must be non-negative, got {sizes}")
    started = time.perf_counter()
    summary = DemoSummary()
    service_ids, summary.services_created = _vocabulary_ensure(Service, SERVICES)
    hobby_ids, summary.hobbies_created = _vocabulary_ensure(Hobby, HOBBIES)
    # One hash per password, shared by every account that has it: hashing is slow on purpose.
    hashes = {ADMIN_PASSWORD: make_password(ADMIN_PASSWORD), DEMO_PASSWORD: make_password(DEMO_PASSWORD)}
    _named_accounts_reset(seed=seed, service_ids=service_ids, hobby_ids=hobby_ids, hashes=hashes, summary=summary)
    password = hashes[DEMO_PASSWORD]
    terms = {"service_ids": service_ids, "hobby_ids": hobby_ids}
    if network_customers or network_managers:
        with _one_thread():
            summary.network = _network_add(
                seed=seed, customers=network_customers, managers=network_managers, password=password,
                admin=User.objects.get(username=ADMIN_USERNAME), actor=actor, **terms,
            )
    summary.customers_created, summary.customers_skipped = _synthetic_customers_add(
        seed=seed, n=customers, password=password, **terms
    )
    summary.managers_created, summary.managers_skipped = _synthetic_managers_add(
        seed=seed, n=managers, password=password, **terms
    )
    summary.seconds = time.perf_counter() - started
    network = summary.network
    audit_record(
        actor=actor, action="demo.seeded", summary=f"seed {seed}",
        data={
            "seed": seed, "named_created": len(summary.named_created), "named_reset": len(summary.named_reset),
            "customers_created": summary.customers_created, "managers_created": summary.managers_created,
            "network_created": network.created, "network_customers": network.customers if network.created else 0,
            "network_managers": network.managers if network.created else 0,
        },
    )
    written = summary.customers_created + summary.managers_created + network.customers + network.managers
    refresh_statistics([User, CustomerProfile, ManagerProfile], rows=written)
    return summary
