"""The one place that writes many rows: inserts that need their ids back, column updates, history rows,
and many-to-many links. Knows no domain; every function runs inside the caller's transaction.

- `bulk_create_with_ids`: Django's bulk_create, plus reading ids back on backends whose bulk inserts
  return none (MySQL/MariaDB), so callers never write that fix-up themselves.
- `bulk_set`: Django's bulk_update() writes one CASE WHEN per row and field, builds an expression
  object for each, and needs a query per batch: at 100k rows that is most of a matching run. Here the
  new values go into a temporary table in one executemany() and a single joined UPDATE copies them over.
- `bulk_insert`: history rows nobody reads back, in one executemany().
- `m2m_links_load`, `m2m_links_replace`, `m2m_links_add`: the through table of a many-to-many relation,
  read and written as plain (owner id, target id) pairs.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

# Ids read back (MySQL) and link pairs inserted per query: well under every backend's parameter limit.
BATCH_SIZE = 5000

_TEMP_TABLE = "core_bulk_values"


def bulk_set(model: type[models.Model], *, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` on the rows of `model` given as (pk, value, value, ...) tuples; returns len(rows).

    Values are in the database's representation (a foreign key's id, a datetime Django can adapt).
    Runs inside the caller's transaction.
    """
    if not rows:
        return 0
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    temp = quote(_TEMP_TABLE)
    columns = ", ".join(f"v{i} {field.db_type(connection) or field.rel_db_type(connection)} NULL"
                        for i, field in enumerate(targets))
    placeholders = ", ".join(["%s"] * (len(targets) + 1))
    prepared = [
        (pk_value, *(field.get_db_prep_save(value, connection) for field, value in zip(targets, values)))
        for pk_value, *values in rows
    ]
    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP {temporary}TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} (id {meta.pk.rel_db_type(connection)} PRIMARY KEY, {columns})")
        cursor.executemany(f"INSERT INTO {temp} VALUES ({placeholders})", prepared)
        if connection.vendor == "mysql":
            # MySQL may open a temporary table only once per statement: join it.
            assignments = ", ".join(f"{table}.{quote(f.column)} = {temp}.v{i}" for i, f in enumerate(targets))
            cursor.execute(f"UPDATE {table} JOIN {temp} ON {temp}.id = {table}.{pk} SET {assignments}")
        else:
            assignments = ", ".join(f"{quote(f.column)} = {temp}.v{i}" for i, f in enumerate(targets))
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} WHERE {temp}.id = {table}.{pk}")
        cursor.execute(f"DROP {temporary}TABLE {temp}")
    return len(rows)


def bulk_insert(objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of one model with a single executemany(); returns how many.

    For history rows that nobody reads back in the same transaction: primary keys are not set on
    the instances (bulk_create() would cut 100k rows into a query per ~70 on SQLite to learn them).
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields)
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)


def bulk_create_with_ids(
    model: type[M], objs: Iterable[M], *, key_field: str, batch_size: int | None = BATCH_SIZE
) -> list[M]:
    """`model.objects.bulk_create(objs)`, and every instance has its primary key afterwards.

    Backends that return no ids from a bulk insert (MySQL, MariaDB) get them read back through
    `key_field`, a unique field the caller sets (a username, a profile's user id), a query per
    `BATCH_SIZE` instances. Text keys that the database matched ignoring case (MySQL's collations)
    are found too. The instances are marked saved, as bulk_create does where ids come back.
    """
    objs = list(objs)
    model.objects.bulk_create(objs, batch_size=batch_size)
    missing = [obj for obj in objs if obj.pk is None]
    if not missing:
        return objs
    attname = model._meta.get_field(key_field).attname
    for start in range(0, len(missing), BATCH_SIZE):
        chunk = missing[start : start + BATCH_SIZE]
        keys = [getattr(obj, attname) for obj in chunk]
        found = dict(model.objects.filter(**{f"{attname}__in": keys}).values_list(attname, "pk"))
        folded = {key.casefold(): pk for key, pk in found.items() if isinstance(key, str)}
        for obj, key in zip(chunk, keys):
            obj.pk = found[key] if key in found else folded[key.casefold()]
            obj._state.adding, obj._state.db = False, model.objects.db
    return objs


def _through(relation) -> tuple[type[models.Model], str, str]:
    """The through model of a many-to-many relation (the field, or the descriptor `Model.relation`) and the
    attnames of its owner and target columns."""
    field = relation if isinstance(relation, models.ManyToManyField) else relation.field
    through = field.remote_field.through
    meta = through._meta
    return (
        through,
        meta.get_field(field.m2m_field_name()).attname,
        meta.get_field(field.m2m_reverse_field_name()).attname,
    )


def m2m_links_load(relation, *, owner_ids: Collection[int]) -> dict[int, set[int]]:
    """Target ids linked to each owner through `relation` (e.g. `CustomerProfile.needs`), in one query on the
    through table; owners without links are absent."""
    links: dict[int, set[int]] = defaultdict(set)
    if owner_ids:
        through, owner, target = _through(relation)
        for owner_id, target_id in through.objects.filter(**{f"{owner}__in": list(owner_ids)}).values_list(
            owner, target
        ):
            links[owner_id].add(target_id)
    return dict(links)


def m2m_links_add(relation, pairs: Iterable[tuple[int, int]]) -> int:
    """Insert (owner id, target id) pairs into the through table of `relation`; returns how many.

    Plain ``executemany`` in batches of `BATCH_SIZE` rather than the through model's bulk_create: link
    rows have no defaults or signals (bulk_create sends no ``m2m_changed`` either), and building and
    compiling a model instance per pair took most of a 100k-customer demo seed. The pairs must not be
    linked already.
    """
    through, owner, target = _through(relation)
    meta = through._meta
    quote = connection.ops.quote_name
    owner_column, target_column = meta.get_field(owner).column, meta.get_field(target).column
    sql = f"INSERT INTO {quote(meta.db_table)} ({quote(owner_column)}, {quote(target_column)}) VALUES (%s, %s)"
    pairs = [(int(owner_id), int(target_id)) for owner_id, target_id in pairs]
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH_SIZE):
            cursor.executemany(sql, pairs[start : start + BATCH_SIZE])
    return len(pairs)


def m2m_links_replace(relation, links: Mapping[int, Collection[int]]) -> None:
    """Make each owner's links exactly `links[owner]`: one delete, then inserts of plain pairs.

    Owners not in `links` are left alone. Django's ``m2m_changed`` is not sent: callers that need to tell
    others send their own signal.
    """
    if not links:
        return
    through, owner, _target = _through(relation)
    through.objects.filter(**{f"{owner}__in": list(links)}).delete()
    m2m_links_add(
        relation, ((owner_id, target_id) for owner_id, targets in links.items() for target_id in sorted(targets))
    )
