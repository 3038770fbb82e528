"""The floor of a run's write phase: the same rows written by the fastest plain SQL this backend takes.

A run writes each moved customer's manager, class and timestamp and one history row per change. The floor
ships exactly those values from the client with multi-row INSERT statements (into a temporary table, then
one joined UPDATE for the profiles; straight into the history table for the assignments), in one
transaction that is rolled back afterwards. No model instances, no per-row Python beyond the parameters.
"""
from __future__ import annotations

import time

from django.db import connection, transaction

_TEMP = "bench_floor_values"


class _Rollback(Exception):
    pass


def _multi_row_insert(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    width = len(columns)
    # SQLite caps bound parameters at 32766 (250000 on MariaDB's side is the packet, not the count).
    per_statement = max(1, min(5000, 32_000 // width))
    group = "(" + ", ".join(["%s"] * width) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        cursor.execute(head + ", ".join([group] * len(chunk)), [value for row in chunk for value in row])


def write_floor(run_id: int) -> dict:
    """Seconds to write, in plain SQL, the profile values and the history rows that run `run_id` wrote."""
    from customers.models import CustomerProfile
    from matching.models import Assignment

    quote = connection.ops.quote_name
    profile_table = quote(CustomerProfile._meta.db_table)
    history = Assignment.objects.filter(run_id=run_id)
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    history_rows = [
        tuple(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)
        for obj in history.iterator(chunk_size=20_000)
    ]
    customer_ids = [row[fields.index(Assignment._meta.get_field("customer"))] for row in history_rows]
    profiles = {}
    # Read the profiles in bulk (an IN list of 100k ids is too long for some backends): all, then keep the run's.
    wanted = set(customer_ids)
    for pk, manager, klass, updated in CustomerProfile.objects.values_list(
        "pk", "manager_id", "customer_class", "updated_at"
    ).iterator(chunk_size=20_000):
        if pk in wanted:
            profiles[pk] = (pk, manager, klass, connection.ops.adapt_datetimefield_value(updated))
    profile_rows = list(profiles.values())

    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    seconds = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP {temporary}TABLE IF EXISTS {_TEMP}")
            started = time.perf_counter()
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_TEMP} (id BIGINT PRIMARY KEY, manager_id BIGINT NULL, "
                "customer_class VARCHAR(1), updated_at DATETIME(6))"
                if connection.vendor == "mysql" else
                f"CREATE TEMPORARY TABLE {_TEMP} (id INTEGER PRIMARY KEY, manager_id INTEGER NULL, "
                "customer_class VARCHAR(1), updated_at DATETIME)"
            )
            _multi_row_insert(cursor, _TEMP, ["id", "manager_id", "customer_class", "updated_at"], profile_rows)
            if connection.vendor == "mysql":
                cursor.execute(
                    f"UPDATE {profile_table} JOIN {_TEMP} ON {_TEMP}.id = {profile_table}.id SET "
                    f"{profile_table}.manager_id = {_TEMP}.manager_id, "
                    f"{profile_table}.customer_class = {_TEMP}.customer_class, "
                    f"{profile_table}.updated_at = {_TEMP}.updated_at"
                )
            else:
                cursor.execute(
                    f"UPDATE {profile_table} SET manager_id = {_TEMP}.manager_id, "
                    f"customer_class = {_TEMP}.customer_class, updated_at = {_TEMP}.updated_at "
                    f"FROM {_TEMP} WHERE {_TEMP}.id = {profile_table}.id"
                )
            seconds["profiles"] = time.perf_counter() - started
            started = time.perf_counter()
            _multi_row_insert(cursor, quote(Assignment._meta.db_table), [quote(f.column) for f in fields], history_rows)
            seconds["history"] = time.perf_counter() - started
            cursor.execute(f"DROP {temporary}TABLE {_TEMP}")
            raise _Rollback
    except _Rollback:
        pass
    return {"rows": len(profile_rows), "history_rows": len(history_rows),
            "seconds": seconds["profiles"] + seconds["history"], **{f"{k}_seconds": v for k, v in seconds.items()}}
