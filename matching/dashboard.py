"""Read side of the admin dashboard: the figures and chart series, aggregated in the database.

Every function is a selector (reads only) returning plain dicts and lists that the console page and
the API serialize as they are. `dashboard_data()` takes a fixed number of queries whatever the number
of customers (GROUP BY in the database; Python only reshapes the few grouped rows).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from audit.models import AuditEvent
from customers.models import CustomerClass, CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import manager_loads, managers_with_load

from .models import MatchingRun, RunKind, RunStatus, Segment

TOP_OCCUPATIONS = 8
MONTHS = 12


_SCORE_FILTERS = {"customer": "c.id", "manager": "c.manager_id"}


def _score_sql(*, only: str | None = None, ids: list[int] = ()) -> tuple[str, list]:
    """SQL of (customer id, manager id, score with the current manager) for every assigned customer, or
    `only` those of the customers or managers ("customer", "manager") whose ids are in `ids`.

    The score is the number of needs the manager offers plus the hobbies they share (the engine's total),
    counted by correlated subqueries on the indexed through tables. The filter goes inside, where the
    database uses it to pick rows first: outside, SQLite would score every customer for a page of them.
    """
    quote = connection.ops.quote_name
    customers = quote(CustomerProfile._meta.db_table)
    c_needs = quote(CustomerProfile.needs.through._meta.db_table)
    c_hobbies = quote(CustomerProfile.hobbies.through._meta.db_table)
    m_caps = quote(ManagerProfile.capabilities.through._meta.db_table)
    m_hobbies = quote(ManagerProfile.hobbies.through._meta.db_table)
    where, params = "", []
    if only is not None:
        where, params = f" AND {_SCORE_FILTERS[only]} IN ({', '.join(['%s'] * len(ids))})", list(ids)
    sql = (
        f"SELECT c.id AS customer_id, c.manager_id AS manager_id, "
        f"(SELECT COUNT(*) FROM {c_needs} cn JOIN {m_caps} mc ON mc.service_id = cn.service_id "
        f" AND mc.managerprofile_id = c.manager_id WHERE cn.customerprofile_id = c.id) + "
        f"(SELECT COUNT(*) FROM {c_hobbies} ch JOIN {m_hobbies} mh ON mh.hobby_id = ch.hobby_id "
        f" AND mh.managerprofile_id = c.manager_id WHERE ch.customerprofile_id = c.id) AS score "
        f"FROM {customers} c WHERE c.manager_id IS NOT NULL{where}"
    )
    return sql, params


def score_histogram() -> dict[int, int]:
    """{score with the current manager: number of customers}, for assigned customers: one query."""
    sql, params = _score_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.score, COUNT(*) FROM ({sql}) s GROUP BY s.score ORDER BY s.score", params)
        return {int(score): int(count) for score, count in cursor.fetchall()}


def manager_mean_scores(manager_ids: list[int] | None = None) -> dict[int, float]:
    """{manager id: mean score of their customers}: one query (none for an empty list)."""
    if manager_ids is not None and not manager_ids:
        return {}
    sql, params = _score_sql() if manager_ids is None else _score_sql(only="manager", ids=manager_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.manager_id, AVG(s.score) FROM ({sql}) s GROUP BY s.manager_id", params)
        return {int(manager_id): round(float(mean), 2) for manager_id, mean in cursor.fetchall()}


def customer_scores(customer_ids: list[int]) -> dict[int, int]:
    """{customer id: score with their current manager} for a page of customers: one query."""
    if not customer_ids:
        return {}
    sql, params = _score_sql(only="customer", ids=customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(customer_id): int(score) for customer_id, _manager_id, score in cursor.fetchall()}


@dataclass
class Dashboard:
    kpis: dict[str, Any]
    classes: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    managers: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    months: list[dict[str, Any]]
    occupations: dict[str, Any]
    last_run: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _month_start(day: dt.date, back: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(year, month + 1, 1)


# A backstop for changes nobody audits (raw edits in the Django admin): the dashboard is at most this old.
DASHBOARD_CACHE_SECONDS = 300
_DASHBOARD_KEY = "portrait:dashboard"


def dashboard_cached() -> Dashboard:
    """`dashboard_data()`, computed again when something was audited since, at most once every
    `PORTRAIT_DASHBOARD_REFRESH_SECONDS`, and after five minutes whatever happened.

    At 100k customers the aggregates take seconds; every write service records an audit event, so the
    newest event's id (one indexed query) tells whether the figures can have changed. Customers edit
    their portraits all day, each edit an event: without the refresh interval every dashboard view
    would compute the figures again.
    """
    latest = AuditEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
    today = timezone.localdate().isoformat()
    now = time.monotonic()
    stored = cache.get(_DASHBOARD_KEY)
    if stored is not None and stored["day"] == today and (
        stored["latest"] == latest or now - stored["at"] < settings.PORTRAIT_DASHBOARD_REFRESH_SECONDS
    ):
        return stored["data"]
    data = dashboard_data()
    cache.set(_DASHBOARD_KEY, {"latest": latest, "day": today, "at": now, "data": data}, DASHBOARD_CACHE_SECONDS)
    return data


def dashboard_data(*, today: dt.date | None = None) -> Dashboard:
    """Every figure and series of the dashboard: 8 queries."""
    today = today or timezone.localdate()
    customers = CustomerProfile.objects.all()

    # 1: counts by class and assignment
    by_class = {
        row["customer_class"]: row
        for row in customers.values("customer_class")
        .annotate(
            n=Count("id"),
            assigned=Count("id", filter=Q(manager__isnull=False)),
        )
        .order_by()
    }
    total = sum(row["n"] for row in by_class.values())
    assigned = sum(row["assigned"] for row in by_class.values())
    classes = [{"label": letter, "count": by_class.get(letter, {}).get("n", 0)} for letter in CustomerClass.values]
    unclassified = by_class.get("", {}).get("n", 0)
    if unclassified:
        classes.append({"label": "", "count": unclassified})

    # 2: managers with their load, fullest first
    managers = list(
        managers_with_load().values(
            "id", "user__username", "user__name", "user__is_active", "accepting_customers", "capacity", "load"
        )
    )
    for row in managers:
        row["fill"] = row["load"] / row["capacity"] if row["capacity"] else 0.0
    managers.sort(key=lambda row: (-row["fill"], -row["load"], row["user__username"]))
    active = [row for row in managers if row["user__is_active"]]
    capacity = sum(row["capacity"] for row in active)
    load_on_active = sum(row["load"] for row in active)
    loads = [row["load"] for row in active]

    # 3: scores with the current manager
    histogram = score_histogram()
    scored = sum(histogram.values())
    mean_score = sum(score * n for score, n in histogram.items()) / scored if scored else None

    # 4: segments
    segments = [
        {
            "label": s.label,
            "name": s.name,
            "size": s.size,
            "median_age": s.median_age,
            "median_assets": float(s.median_assets),
            "top_needs": s.top_needs,
            "top_hobbies": s.top_hobbies,
        }
        for s in Segment.objects.order_by("label")
    ]

    # 5: new customers per month (one conditional count per local month: no time zone tables needed)
    starts = [_month_start(today, back) for back in range(MONTHS, -1, -1)]
    bounds = [timezone.make_aware(dt.datetime.combine(day, dt.time.min)) for day in starts]
    per_month = customers.filter(created_at__gte=bounds[1]).aggregate(
        **{
            f"m{index}": Count("id", filter=Q(created_at__gte=bounds[index], created_at__lt=bounds[index + 1]))
            for index in range(1, MONTHS)
        },
        **{f"m{MONTHS}": Count("id", filter=Q(created_at__gte=bounds[MONTHS]))},
    )
    months = [
        {"month": starts[index].strftime("%Y-%m"), "count": per_month[f"m{index}"] or 0}
        for index in range(1, MONTHS + 1)
    ]

    # 6: occupation by class (the commonest occupations, the rest together)
    pairs = list(customers.values("occupation", "customer_class").annotate(n=Count("id")).order_by())
    totals_by_occupation: dict[str, int] = {}
    for row in pairs:
        totals_by_occupation[row["occupation"]] = totals_by_occupation.get(row["occupation"], 0) + row["n"]
    top = sorted(totals_by_occupation, key=lambda name: (-totals_by_occupation[name], name))[:TOP_OCCUPATIONS]
    other = len(totals_by_occupation) > len(top)
    labels = [*top, *(["*"] if other else [])]
    letters = [letter for letter in [*CustomerClass.values, ""] if any(r["customer_class"] == letter for r in pairs)]
    matrix = {letter: [0] * len(labels) for letter in letters}
    for row in pairs:
        column = labels.index(row["occupation"]) if row["occupation"] in top else len(labels) - 1
        matrix[row["customer_class"]][column] += row["n"]
    occupations = {"labels": labels, "series": [{"label": letter, "counts": matrix[letter]} for letter in letters]}

    # 7: the last run that changed assignments
    run = (
        MatchingRun.objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(kind=RunKind.PREVIEW)
        .order_by("-started_at", "-id")
        .first()
    )
    last_run = (
        None
        if run is None
        else {
            "id": run.pk,
            "kind": run.kind,
            "strategy": run.strategy,
            "finished_at": run.finished_at,
            "fallbacks": run.fallbacks,
            "moved": run.customers_moved,
            "placed": run.customers_placed,
            "total_score": run.total_score,
        }
    )

    kpis = {
        "customers": total,
        "managers": len(managers),
        "active_managers": len(active),
        "assigned": assigned,
        "unassigned": total - assigned,
        "share_assigned": assigned / total if total else None,
        "capacity": capacity,
        "capacity_used": load_on_active / capacity if capacity else None,
        "mean_score": mean_score,
        "lowest_score": min(histogram) if histogram else None,
        "class_a": by_class.get("A", {}).get("n", 0),
        "share_class_a": by_class.get("A", {}).get("n", 0) / total if total else None,
        "load_spread": (max(loads) - min(loads)) if loads else None,
        "last_run_fallbacks": last_run["fallbacks"] if last_run else None,
        "last_run_moves": last_run["moved"] if last_run else None,
        "last_run_at": last_run["finished_at"] if last_run else None,
    }
    return Dashboard(
        kpis=kpis,
        classes=classes,
        segments=segments,
        managers=[
            {
                "id": row["id"],
                "username": row["user__username"],
                "name": row["user__name"],
                "load": row["load"],
                "capacity": row["capacity"],
                "accepting": row["accepting_customers"],
                "active": row["user__is_active"],
            }
            for row in managers
        ],
        scores=[{"score": score, "count": n} for score, n in sorted(histogram.items())],
        months=months,
        occupations=occupations,
        last_run=last_run,
    )


def customer_candidates(*, customer: CustomerProfile, limit: int = 5) -> dict[str, Any]:
    """The best manager and the `limit` best-scoring active managers for one customer, with their room.

    Scores come from the same engine as the runs (needs offered + hobbies shared); room is capacity
    minus the current book. A constant number of queries.
    """
    import numpy as np

    from .scoring import portrait_scores
    from .selectors import portrait_snapshot

    snapshot = portrait_snapshot(customer_ids=[customer.pk])
    scores = portrait_scores(snapshot)
    if not snapshot.n_customers or not len(scores.active):
        return {"best": None, "candidates": [], "class": scores.class_letters()[0] if snapshot.n_customers else ""}
    loads = manager_loads(snapshot.manager_ids[scores.active].tolist())
    columns = np.arange(len(scores.active))
    needs, hobbies = (values.tolist() for values in scores.totals.overlaps(np.zeros_like(columns), columns))
    rows = []
    for column, index in enumerate(scores.active.tolist()):
        manager_id = int(snapshot.manager_ids[index])
        room = int(snapshot.manager_capacity[index]) - loads.get(manager_id, 0)
        rows.append(
            {
                "id": manager_id,
                "username": snapshot.manager_usernames[index],
                "needs": needs[column],
                "hobbies": hobbies[column],
                "total": needs[column] + hobbies[column],
                "room": room,
                "accepting": bool(snapshot.manager_accepting[index]),
                "current": manager_id == customer.manager_id,
            }
        )
    best_column = int(scores.best[0])
    best = rows[best_column] if best_column >= 0 else None
    rows.sort(key=lambda row: (-row["total"], -row["needs"], row["username"]))
    return {"best": best, "candidates": rows[:limit], "class": scores.class_letters()[0]}
