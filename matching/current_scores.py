"""How well customers fit the managers they have now, and which managers would fit one customer best:
reads for the dashboard, the console's customer and manager lists, and a customer's page.

A score is the engine's total (needs the manager offers + hobbies shared), counted in the database for
the current assignments (`_score_sql`), or by the engine on a one-customer snapshot for candidates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import connection

from customers.models import CustomerProfile
from managers.models import ManagerProfile
from managers.selectors import manager_loads

from .scoring import snapshot_scores
from .selectors import matching_snapshot

_SCORE_FILTERS = {"customer": "c.id", "manager": "c.manager_id"}


def _score_sql(*, only: str | None = None, ids: list[int] = (), branch_id: int | None = None) -> tuple[str, list]:
    """SQL of (customer id, manager id, score with the current manager) for every assigned customer, or
    `only` those of the customers or managers ("customer", "manager") whose ids are in `ids`; with
    `branch_id`, only the customers of that branch.

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
    if branch_id is not None:
        where, params = f"{where} AND c.branch_id = %s", [*params, branch_id]
    sql = (
        f"SELECT c.id AS customer_id, c.manager_id AS manager_id, "
        f"(SELECT COUNT(*) FROM {c_needs} cn JOIN {m_caps} mc ON mc.service_id = cn.service_id "
        f" AND mc.managerprofile_id = c.manager_id WHERE cn.customerprofile_id = c.id) + "
        f"(SELECT COUNT(*) FROM {c_hobbies} ch JOIN {m_hobbies} mh ON mh.hobby_id = ch.hobby_id "
        f" AND mh.managerprofile_id = c.manager_id WHERE ch.customerprofile_id = c.id) AS score "
        f"FROM {customers} c WHERE c.manager_id IS NOT NULL{where}"
    )
    return sql, params


def score_histogram(*, branch_id: int | None = None) -> dict[int, int]:
    """{score with the current manager: number of customers}, for assigned customers (of one branch, with
    `branch_id`): one query."""
    sql, params = _score_sql(branch_id=branch_id)
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


def customer_candidates(*, customer: CustomerProfile, limit: int = 5) -> dict[str, Any]:
    """The best manager and the `limit` best-scoring active managers for one customer, with their room.

    Scores come from the same engine as the runs (needs offered + hobbies shared); room is capacity
    minus the current book. Each row has the manager's `name` (their username when they have none). A
    constant number of queries.
    """
    snapshot = matching_snapshot(customer_ids=[customer.pk])
    scores = snapshot_scores(snapshot)
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
    shown = rows[:limit]
    # Staff read names: one query for the managers shown (the snapshot carries usernames only).
    names = dict(
        ManagerProfile.objects.filter(pk__in=[row["id"] for row in [*shown, *([best] if best else [])]])
        .values_list("pk", "user__name")
    )
    for row in [*shown, *([best] if best else [])]:
        row["name"] = names.get(row["id"]) or row["username"]
    return {"best": best, "candidates": shown, "class": scores.class_letters()[0]}
