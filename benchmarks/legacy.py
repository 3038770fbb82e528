"""The older system's matching (seed 000, section 5), re-enacted with its SQL access pattern.

What the Flask + SQLAlchemy code did, query for query, on copies of the same data in tables of its own:

- ``User.query.filter_by(role=...).all()`` then ``user.customer_profile`` / ``user.manager_profile``: one
  query for the users and one lazy SELECT per profile;
- needs, hobbies and capabilities stored as JSON text, decoded by a property on *every* access (the pair
  loop decodes the manager's lists once per customer-manager pair);
- ``compute_similarity_score`` for every pair in a Python loop, keeping the first best total;
- ``manager_profile.customer_count``: one COUNT per manager;
- per customer in class order: ``CustomerProfile.query.filter_by(user_id=...).first()`` (one SELECT), the
  least-loaded manager by ``min()`` over every manager, and the profile's new class and manager flushed at
  commit: one UPDATE per customer.

The load limit is the benchmark's capacity (the old code hard-coded 50). Its known faults are re-enacted
as written (a full pool still pushes customers onto the least-loaded manager). Nothing here touches
Portrait's own tables except to copy from them; the copies are dropped afterwards.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

USER, CUSTOMER, MANAGER = "bench_legacy_user", "bench_legacy_customer_profile", "bench_legacy_manager_profile"


@dataclass
class LegacyResult:
    customers: int
    managers: int
    seconds: float
    queries: int
    over_limit: int          # managers the old rule pushed over the load limit
    extrapolated_from: int | None = None  # customers actually run when the figure is scaled up

    @property
    def scaled_seconds(self) -> float:
        if self.extrapolated_from:
            return self.seconds * self.customers / self.extrapolated_from
        return self.seconds


def _drop(cursor) -> None:
    for table in (CUSTOMER, MANAGER, USER):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def legacy_tables_create(*, customer_limit: int | None = None) -> tuple[int, int]:
    """Copy users and portraits into the old schema (JSON lists of names); returns (customers, managers) copied."""
    from customers.models import CustomerProfile
    from managers.models import ManagerProfile

    text = "LONGTEXT" if connection.vendor == "mysql" else "TEXT"
    auto = "INTEGER PRIMARY KEY " + ("AUTOINCREMENT" if connection.vendor == "sqlite" else "AUTO_INCREMENT")
    with connection.cursor() as cursor:
        _drop(cursor)
        cursor.execute(f"CREATE TABLE {USER} (id {auto}, username VARCHAR(150) NOT NULL, name VARCHAR(100), "
                       "role VARCHAR(20) NOT NULL)")
        cursor.execute(f"CREATE TABLE {CUSTOMER} (id {auto}, user_id INTEGER NOT NULL, _needs {text}, _hobbies {text}, "
                       "customer_class VARCHAR(1), manager_id INTEGER NULL, updated_at DATETIME(6) NULL)"
                       if connection.vendor == "mysql" else
                       f"CREATE TABLE {CUSTOMER} (id {auto}, user_id INTEGER NOT NULL, _needs {text}, _hobbies {text}, "
                       "customer_class VARCHAR(1), manager_id INTEGER NULL, updated_at DATETIME NULL)")
        cursor.execute(f"CREATE TABLE {MANAGER} (id {auto}, user_id INTEGER NOT NULL, _capabilities {text}, "
                       f"_hobbies {text})")
        # InnoDB indexes a foreign key by itself; give SQLite the same, or each lazy load would scan the table.
        cursor.execute(f"CREATE INDEX {CUSTOMER}_user ON {CUSTOMER} (user_id)")
        cursor.execute(f"CREATE INDEX {CUSTOMER}_manager ON {CUSTOMER} (manager_id)")
        cursor.execute(f"CREATE INDEX {MANAGER}_user ON {MANAGER} (user_id)")
        cursor.execute(f"CREATE INDEX {USER}_role ON {USER} (role)")

        customers = CustomerProfile.objects.order_by("id").values_list("id", "user_id", "user__username", "user__name")
        if customer_limit is not None:
            customers = customers[:customer_limit]
        customers = list(customers)
        ids = [row[0] for row in customers]
        needs, hobbies = _terms(CustomerProfile, "customerprofile_id", ids)
        managers = list(ManagerProfile.objects.filter(user__is_active=True, accepting_customers=True)
                        .order_by("id").values_list("id", "user_id", "user__username", "user__name"))
        capabilities, manager_hobbies = _terms(ManagerProfile, "managerprofile_id", [row[0] for row in managers],
                                               first="capabilities")
        users = [(uid, username, name, "customer") for _pk, uid, username, name in customers]
        users += [(uid, username, name, "manager") for _pk, uid, username, name in managers]
        cursor.executemany(f"INSERT INTO {USER} (id, username, name, role) VALUES (%s, %s, %s, %s)", users)
        cursor.executemany(
            f"INSERT INTO {CUSTOMER} (id, user_id, _needs, _hobbies, customer_class, manager_id) "
            "VALUES (%s, %s, %s, %s, NULL, NULL)",
            [(pk, uid, json.dumps(needs.get(pk, [])), json.dumps(hobbies.get(pk, [])))
             for pk, uid, _u, _n in customers],
        )
        cursor.executemany(
            f"INSERT INTO {MANAGER} (id, user_id, _capabilities, _hobbies) VALUES (%s, %s, %s, %s)",
            [(pk, uid, json.dumps(capabilities.get(pk, [])), json.dumps(manager_hobbies.get(pk, [])))
             for pk, uid, _u, _n in managers],
        )
    return len(customers), len(managers)


def _terms(model, owner, ids, *, first="needs"):
    wanted = set(ids)
    out = []
    for field in (first, "hobbies"):
        through = getattr(model, field).through
        names: dict[int, list[str]] = {}
        term = "service" if field in ("needs", "capabilities") else "hobby"
        for owner_id, name in through.objects.values_list(owner, f"{term}__name").iterator(chunk_size=20_000):
            if owner_id in wanted:
                names.setdefault(owner_id, []).append(name)
        out.append(names)
    return out


def legacy_tables_drop() -> None:
    with connection.cursor() as cursor:
        _drop(cursor)


# --- the older code, with its ORM calls spelled as the SQL they emitted ------------------------------------


class _Profile:
    """A row with the old model's JSON-backed properties: decoded again on every access."""

    def __init__(self, row, list_columns):
        self.id, self.user_id = row[0], row[1]
        self._lists = dict(zip(list_columns, row[2:2 + len(list_columns)]))
        self.customer_class = None
        self.manager_id = None

    def __getattr__(self, name):
        lists = self.__dict__.get("_lists", {})
        if "_" + name in lists:
            raw = lists["_" + name]
            return json.loads(raw) if raw else []
        raise AttributeError(name)


def _compute_similarity_score(customer_needs, customer_hobbies, manager_capabilities, manager_hobbies):
    needs_match = len(set(customer_needs).intersection(set(manager_capabilities)))
    hobbies_match = len(set(customer_hobbies).intersection(set(manager_hobbies)))
    total_match = needs_match + hobbies_match
    if total_match >= 13:
        customer_class = "A"
    elif total_match >= 10:
        customer_class = "B"
    elif total_match >= 7:
        customer_class = "C"
    elif total_match >= 4:
        customer_class = "D"
    else:
        customer_class = "E"
    if needs_match >= hobbies_match + 2:
        if customer_class == "B":
            customer_class = "A"
        elif customer_class == "C":
            customer_class = "B"
        elif customer_class == "D":
            customer_class = "C"
        elif customer_class == "E":
            customer_class = "D"
    return {"total_match": total_match, "needs_match": needs_match, "hobbies_match": hobbies_match,
            "customer_class": customer_class}


class _Session:
    """Counts statements; keeps the identity map SQLAlchemy kept (a profile loaded once is the same object)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.queries = 0
        self.identity: dict[tuple[str, int], _Profile] = {}

    def all(self, sql, params=()):
        self.queries += 1
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def profile(self, table, columns, user_id):
        self.queries += 1
        self.cursor.execute(
            f"SELECT id, user_id, {', '.join(columns)} FROM {table} WHERE user_id = %s LIMIT 1", [user_id]
        )
        row = self.cursor.fetchone()
        if row is None:
            return None
        key = (table, row[0])
        if key not in self.identity:
            self.identity[key] = _Profile(row, columns)
        return self.identity[key]


def _classify_customers(session):
    customers = session.all(f"SELECT id FROM {USER} WHERE role = %s", ["customer"])
    customer_profiles = {c: session.profile(CUSTOMER, ["_needs", "_hobbies"], c) for (c,) in customers}
    managers = session.all(f"SELECT id FROM {USER} WHERE role = %s", ["manager"])
    manager_profiles = {m: session.profile(MANAGER, ["_capabilities", "_hobbies"], m) for (m,) in managers}
    results = {}
    for customer_id, profile in customer_profiles.items():
        if not profile:
            continue
        customer_needs = profile.needs
        customer_hobbies = profile.hobbies
        best_match = None
        best_score = -1
        best_manager_id = None
        for manager_id, manager_profile in manager_profiles.items():
            if not manager_profile:
                continue
            manager_capabilities = manager_profile.capabilities
            manager_hobbies = manager_profile.hobbies
            similarity = _compute_similarity_score(
                customer_needs, customer_hobbies, manager_capabilities, manager_hobbies
            )
            if similarity["total_match"] > best_score:
                best_score = similarity["total_match"]
                best_match = similarity
                best_manager_id = manager_id
        if best_match:
            profile.customer_class = best_match["customer_class"]
        results[customer_id] = {
            "customer_class": profile.customer_class if best_match else "E",
            "best_manager_id": best_manager_id,
            "similarity_score": best_match,
        }
    return results, manager_profiles


def _auto_assign_customers(session, limit):
    classification, manager_profiles = _classify_customers(session)
    order = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
    sorted_customers = sorted(classification.items(), key=lambda x: order.get(x[1]["customer_class"], 5))
    managers = session.all(f"SELECT id FROM {USER} WHERE role = %s", ["manager"])
    manager_load = {}
    for (m,) in managers:  # manager_profile.customer_count: a COUNT per manager
        manager_load[m] = session.all(f"SELECT COUNT(*) FROM {CUSTOMER} WHERE manager_id = %s", [m])[0][0] \
            if manager_profiles.get(m) else 0
    dirty = []
    for customer_id, info in sorted_customers:
        best_manager_id = info["best_manager_id"]
        min_load_manager = min(manager_load.items(), key=lambda x: x[1])[0]
        if not best_manager_id or manager_load.get(best_manager_id, 0) >= limit:
            assigned_manager = min_load_manager
        else:
            assigned_manager = best_manager_id
        customer_profile = session.profile(CUSTOMER, ["_needs", "_hobbies"], customer_id)
        if customer_profile:
            customer_profile.manager_id = assigned_manager
            manager_load[assigned_manager] = manager_load.get(assigned_manager, 0) + 1
            dirty.append(customer_profile)
    # db.session.commit(): the unit of work flushes one UPDATE per dirty profile.
    now = timezone.now().replace(tzinfo=None)
    for profile in dirty:
        session.queries += 1
        session.cursor.execute(
            f"UPDATE {CUSTOMER} SET customer_class = %s, manager_id = %s, updated_at = %s WHERE id = %s",
            [profile.customer_class, profile.manager_id, now, profile.id],
        )
    return manager_load


def legacy_run(*, limit: int) -> tuple[float, int, int]:
    """Run the old auto-assignment once on the copied tables; returns (seconds, statements, managers over limit)."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        session = _Session(cursor)
        load = _auto_assign_customers(session, limit)
    seconds = time.perf_counter() - started
    return seconds, session.queries, sum(1 for value in load.values() if value > limit)
