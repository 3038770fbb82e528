"""The floor of a run's write phase: the same rows written by the fastest plain SQL this backend takes.

A run writes each moved customer's manager, class and timestamp and one history row per change. The floor
ships exactly those values from the client with multi-row INSERT statements (into a temporary table, then
one joined UPDATE for the profiles, changing them from their state before the run to the run's; straight
into the history table for the assignments, rolled back afterwards). No model instances, no per-row Python
beyond the parameters. On MySQL it is timed twice: with the driver binding the parameters, and with the
statements rendered to text beforehand (the server's work and the wire alone).
"""
from __future__ import annotations

import time

from django.db import connection, transaction

_TEMP = "bench_floor_values"


class _Rollback(Exception):
    pass


def _multi_row_insert(table: str, columns: list[str], rows: list[tuple]) -> list[tuple[str, list]]:
    """The multi-row INSERT statements and their parameters (5,000 rows or 32,000 values at most each)."""
    if not rows:
        return []
    width = len(columns)
    # SQLite caps bound parameters at 32766 (250000 on MariaDB's side is the packet, not the count).
    per_statement = max(1, min(5000, 32_000 // width))
    group = "(" + ", ".join(["%s"] * width) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    return [
        (head + ", ".join([group] * len(chunk)), [value for row in chunk for value in row])
        for chunk in (rows[start:start + per_statement] for start in range(0, len(rows), per_statement))
    ]


def write_floor(run_id: int, *, class_before: str = "") -> dict:
    """Seconds to write, in plain SQL, the profile values and the history rows that run `run_id` wrote.

    The profiles are first put back (untimed, committed) to their state before the run: the history's
    previous manager, `class_before` (the harness's reset leaves no class) and an older timestamp. The
    timed UPDATE then changes the rows and their indexes as the run did, and is committed: it leaves the
    profiles as the run left them. (An UPDATE writing the values the rows already hold changes nothing
    and costs next to nothing.) The history INSERTs are rolled back.

    `seconds`: the statements with their parameters bound by the driver (as any client sends them).
    `server_seconds` (MySQL): the same statements rendered to text beforehand (the driver's own
    escaping, not timed), so only the server's work and the wire are left: the lowest a client can reach.
    """
    from customers.models import CustomerProfile
    from matching.models import Assignment

    history = Assignment.objects.filter(run_id=run_id)
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    history_rows = [
        tuple(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)
        for obj in history.iterator(chunk_size=20_000)
    ]
    customer, previous = (fields.index(Assignment._meta.get_field(name)) for name in ("customer", "previous_manager"))
    customer_ids = [row[customer] for row in history_rows]
    profiles = {}
    # Read the profiles in bulk (an IN list of 100k ids is too long for some backends): all, then keep the run's.
    wanted = set(customer_ids)
    for pk, manager, klass, updated in CustomerProfile.objects.values_list(
        "pk", "manager_id", "customer_class", "updated_at"
    ).iterator(chunk_size=20_000):
        if pk in wanted:
            profiles[pk] = (pk, manager, klass, connection.ops.adapt_datetimefield_value(updated))
    profile_rows = list(profiles.values())
    before_rows = list({row[customer]: (row[customer], row[previous], class_before, "2000-01-01 00:00:00")
                        for row in history_rows}.values())
    result = {"rows": len(profile_rows), "history_rows": len(history_rows)}
    seconds = _timed_write(profile_rows, history_rows, fields, rendered=False, before_rows=before_rows)
    result.update(seconds=seconds["profiles"] + seconds["history"], **{f"{k}_seconds": v for k, v in seconds.items()})
    if connection.vendor == "mysql":
        seconds = _timed_write(profile_rows, history_rows, fields, rendered=True, before_rows=before_rows)
        result.update(server_seconds=seconds["profiles"] + seconds["history"],
                      **{f"server_{k}_seconds": v for k, v in seconds.items()})
    return result


def _timed_write(profile_rows: list[tuple], history_rows: list[tuple], fields, *, rendered: bool,
                 before_rows: list[tuple]) -> dict:
    """Seconds of the profile part (temporary table, joined UPDATE) and of the history INSERTs (rolled
    back), after putting the profiles back to `before_rows` (untimed)."""
    from matching.models import Assignment

    quote = connection.ops.quote_name
    columns = ["id", "manager_id", "customer_class", "updated_at"]
    seconds = {}
    with connection.cursor() as cursor:
        values = _multi_row_insert(_TEMP, columns, profile_rows)
        inserts = _multi_row_insert(quote(Assignment._meta.db_table), [quote(f.column) for f in fields], history_rows)
        if rendered:
            values = [(cursor.mogrify(sql, params), None) for sql, params in values]
            inserts = [(cursor.mogrify(sql, params), None) for sql, params in inserts]
        with transaction.atomic():
            _profiles_set(cursor, _multi_row_insert(_TEMP, columns, before_rows))
        database_settle()
        with transaction.atomic():
            started = time.perf_counter()
            _profiles_set(cursor, values)
            seconds["profiles"] = time.perf_counter() - started
        try:
            with transaction.atomic():
                started = time.perf_counter()
                for sql, params in inserts:
                    cursor.execute(sql, params)
                seconds["history"] = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
    return seconds


def _profiles_set(cursor, statements: list[tuple[str, list | None]]) -> None:
    """The profile part: (id, manager, class, updated_at) rows into a temporary table, one joined UPDATE."""
    from customers.models import CustomerProfile

    profile_table = connection.ops.quote_name(CustomerProfile._meta.db_table)
    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    cursor.execute(f"DROP {temporary}TABLE IF EXISTS {_TEMP}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_TEMP} (id BIGINT PRIMARY KEY, manager_id BIGINT NULL, "
        "customer_class VARCHAR(1), updated_at DATETIME(6))"
        if connection.vendor == "mysql" else
        f"CREATE TEMPORARY TABLE {_TEMP} (id INTEGER PRIMARY KEY, manager_id INTEGER NULL, "
        "customer_class VARCHAR(1), updated_at DATETIME)"
    )
    for sql, params in statements:
        cursor.execute(sql, params)
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
    cursor.execute(f"DROP {temporary}TABLE {_TEMP}")


def database_settle(*, timeout: float = 180.0) -> float | None:
    """Wait until MariaDB/MySQL has flushed what the harness itself just wrote; returns the seconds waited.

    A 100k-customer reset or run writes ~200 MB of redo: on a server with a small redo log and buffer
    pool (this machine: 96 MB, 128 MB, innodb_io_capacity 200) the pages are flushed for a minute after,
    and a write phase started meanwhile waits for that flushing. Timed runs should pay for their own
    writes, not the harness's: wait (at most `timeout`) until the checkpoint age is under a tenth of the
    redo log and dirty pages under a tenth of the pool. Other sessions' writes count too. None elsewhere.
    """
    from django.db import connection

    if connection.vendor != "mysql":
        return None

    def status(*names):
        with connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS WHERE Variable_name IN (%s)" % ", ".join(["%s"] * len(names)), names)
            return {name: int(value) for name, value in cursor.fetchall()}

    with connection.cursor() as cursor:
        cursor.execute("SELECT @@innodb_log_file_size, @@innodb_max_dirty_pages_pct")
        log_size, dirty_pct = cursor.fetchone()
    # Below its low-water mark InnoDB flushes lazily, so the wait could last the whole timeout: ask it to
    # flush everything while we wait (a global setting, put back as it was), when we may.
    eager = _set_global("innodb_max_dirty_pages_pct", 0)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < timeout:
            now = status("Innodb_checkpoint_age", "Innodb_buffer_pool_pages_dirty", "Innodb_buffer_pool_pages_total")
            if (now.get("Innodb_checkpoint_age", 0) < int(log_size) / 10
                    and now["Innodb_buffer_pool_pages_dirty"] < now["Innodb_buffer_pool_pages_total"] / 10):
                break
            time.sleep(1)
    finally:
        if eager:
            _set_global("innodb_max_dirty_pages_pct", dirty_pct)
    return round(time.perf_counter() - started, 1)


def _set_global(name: str, value) -> bool:
    """SET GLOBAL name = value; False when the account may not (no SUPER or SYSTEM_VARIABLES_ADMIN)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET GLOBAL {name} = %s", [value])
    except DatabaseError:
        return False
    return True
