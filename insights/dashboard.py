"""Read side of the admin dashboard: the figures and chart series, aggregated in the database (the
scores of customers with their managers are `current_scores`, which the customer list reads too).

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
from django.db.models import Count, Max, Q
from django.utils import timezone

from audit.models import AuditEvent
from customers.models import CustomerClass, CustomerProfile
from managers.selectors import managers_with_load
from vocabularies.models import Branch

from matching.current_scores import score_histogram
from matching.models import MatchingRun, RunKind, RunStatus, Segment

TOP_OCCUPATIONS = 8
MONTHS = 12


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


def dashboard_cached(*, branch: Branch | None = None) -> Dashboard:
    """`dashboard_data()`, computed again when something was audited since, at most once every
    `PORTRAIT_DASHBOARD_REFRESH_SECONDS`, and after five minutes whatever happened.

    At 100k customers the aggregates take seconds; every write service records an audit event, so the
    newest event's id (one indexed query) tells whether the figures can have changed. Customers edit
    their portraits all day, each edit an event: without the refresh interval every dashboard view
    would compute the figures again. Each branch's figures (`branch`) are kept apart.
    """
    latest = AuditEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
    today = timezone.localdate().isoformat()
    now = time.monotonic()
    key = _DASHBOARD_KEY if branch is None else f"{_DASHBOARD_KEY}:branch:{branch.pk}"
    stored = cache.get(key)
    if stored is not None and stored["day"] == today and (
        stored["latest"] == latest or now - stored["at"] < settings.PORTRAIT_DASHBOARD_REFRESH_SECONDS
    ):
        return stored["data"]
    data = dashboard_data(branch=branch)
    cache.set(key, {"latest": latest, "day": today, "at": now, "data": data}, DASHBOARD_CACHE_SECONDS)
    return data


def dashboard_data(*, today: dt.date | None = None, branch: Branch | None = None) -> Dashboard:
    """Every figure and series of the dashboard: 8 queries (9 for a branch).

    With `branch`, the figures of that branch: its customers (classes, scores, months, occupations, their
    segments' sizes) and its managers (load and capacity); the last run is the bank's.
    """
    today = today or timezone.localdate()
    customers = CustomerProfile.objects.all()
    managers_of_branch = managers_with_load()
    if branch is not None:
        customers = customers.filter(branch=branch)
        managers_of_branch = managers_of_branch.filter(branch=branch)

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
        managers_of_branch.values(
            "id", "user_id", "user__username", "user__name", "user__is_active", "accepting_customers", "capacity",
            "load",
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
    histogram = score_histogram(branch_id=branch.pk if branch is not None else None)
    scored = sum(histogram.values())
    mean_score = sum(score * n for score, n in histogram.items()) / scored if scored else None

    # 4: segments (a branch's: how many of its customers each holds, in one more query)
    sizes = None
    if branch is not None:
        sizes = dict(customers.filter(segment__isnull=False).values_list("segment").annotate(n=Count("id")).order_by())
    segments = [
        {
            "label": s.label,
            "name": s.name,
            "size": s.size if sizes is None else sizes[s.label],
            "median_age": s.median_age,
            "median_assets": float(s.median_assets),
            "top_needs": s.top_needs,
            "top_hobbies": s.top_hobbies,
        }
        for s in Segment.objects.order_by("label")
        if sizes is None or sizes.get(s.label)
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
                "user_id": row["user_id"],
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
