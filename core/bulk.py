"""The one place that writes many rows: inserts that need their ids back, column updates, history rows,
and many-to-many links. Knows no domain; every function runs inside the caller's transaction.

- `bulk_create_with_ids`: Django's bulk_create, plus reading ids back on backends whose bulk inserts
  return none (MySQL/MariaDB), so callers never write that fix-up themselves.
- `bulk_set`: Django's bulk_update() writes one CASE WHEN per row and field, builds an expression
  object for each, and needs a query per batch: at 100k rows that is most of a matching run. Here the
  new values go into a temporary table in one executemany() and a single joined UPDATE copies them over.
- `bulk_set_from`: the same from the rows of another table that point at them (a run's history), one UPDATE.
- `bulk_insert`: history rows nobody reads back, in one executemany().
- `bulk_update_rows`: `bulk_set` for many rows, Django's bulk_update (one query) for a few.
- `bulk_insert_with_ids`: new rows given as tuples (no model instances), their ids read back by a unique
  key: imports of 100k rows, where building and compiling an instance per row cost more than the SQL.
- `m2m_links_load(_many)`, `m2m_links_replace`, `m2m_links_add`: the through table of a many-to-many relation,
  read and written as plain (owner id, target id) pairs.
- `refresh_statistics`: the planner's statistics of tables a bulk load just filled, after it commits.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

# Ids read back (MySQL) and link pairs inserted per query: well under every backend's parameter limit.
BATCH_SIZE = 5000

_TEMP_TABLE = "core_bulk_values"


def bulk_set(
    model: type[models.Model],
    *,
    fields: Sequence[str],
    rows: Sequence[tuple],
    constants: Mapping[str, object] | None = None,
) -> int:
    """Set `fields` on the rows of `model` given as (pk, value, value, ...) tuples; returns len(rows).

    Values are in the database's representation (a foreign key's id, a datetime Django can adapt).
    `constants` ({field: value}) are set on every row given, without shipping them once per row.
    Runs inside the caller's transaction.
    """
    if not rows:
        return 0
    columns = list(zip(*rows))
    return bulk_set_columns(model, pks=columns[0], columns=dict(zip(fields, columns[1:])), constants=constants)


def bulk_set_columns(
    model: type[models.Model],
    *,
    pks: Sequence,
    columns: Mapping[str, Sequence],
    constants: Mapping[str, object] | None = None,
) -> int:
    """`bulk_set` given one sequence of values per field ({field: values}, in `pks` order); returns len(pks).

    Callers that hold columns (arrays, lists) skip building a tuple per row.
    """
    if not len(pks):
        return 0
    meta = model._meta
    targets = [meta.get_field(name) for name in columns]
    fixed = [(meta.get_field(name), value) for name, value in (constants or {}).items()]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    temp = quote(_TEMP_TABLE)
    declared = "".join(f", v{i} {field.db_type(connection) or field.rel_db_type(connection)} NULL"
                       for i, field in enumerate(targets))
    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    set_params = [field.get_db_prep_save(value, connection) for field, value in fixed]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP {temporary}TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} (id {meta.pk.rel_db_type(connection)} PRIMARY KEY{declared})")
        _insert(cursor, temp, ["id", *(f"v{i}" for i in range(len(targets)))], [meta.pk, *targets],
                [pks, *columns.values()], [])
        _update_joined(cursor, table, temp, on=f"{temp}.id = {table}.{pk}",
                       copied=[(quote(field.column), f"{temp}.v{i}") for i, field in enumerate(targets)],
                       fixed=[quote(field.column) for field, _value in fixed], params=set_params)
        cursor.execute(f"DROP {temporary}TABLE {temp}")
    return len(pks)


def bulk_set_from(
    model: type[models.Model],
    *,
    source: type[models.Model],
    key: str,
    columns: Mapping[str, str],
    constants: Mapping[str, object] | None = None,
    where: Mapping[str, object],
) -> None:
    """Set fields of `model`'s rows from the rows of `source` that point at them through its foreign key
    `key`, among the `source` rows whose fields equal `where` ({source field: value}): `columns` is
    {model field: source field}, `constants` ({model field: value}) the same on every row. One joined UPDATE:
    no values travel. Each row of `model` must be pointed at by at most one such `source` row.

    A run writes its history first, then gives a million customers their new manager from it: building
    and filling `bulk_set`'s temporary table took a fifth of that write. Runs inside the caller's transaction.
    """
    meta, origin = model._meta, source._meta
    quote = connection.ops.quote_name
    table, other = quote(meta.db_table), quote(origin.db_table)
    fixed = [(meta.get_field(name), value) for name, value in (constants or {}).items()]
    conditions = [(origin.get_field(name), value) for name, value in where.items()]
    with connection.cursor() as cursor:
        _update_joined(
            cursor, table, other,
            on=f"{other}.{quote(origin.get_field(key).column)} = {table}.{quote(meta.pk.column)}",
            copied=[(quote(meta.get_field(target).column), f"{other}.{quote(origin.get_field(field).column)}")
                    for target, field in columns.items()],
            fixed=[quote(field.column) for field, _value in fixed],
            where=" AND ".join(f"{other}.{quote(field.column)} = %s" for field, _value in conditions),
            params=[*(field.get_db_prep_save(value, connection) for field, value in fixed),
                    *(field.get_db_prep_save(value, connection) for field, value in conditions)],
        )


def _update_joined(cursor, table: str, other: str, *, on: str, copied: Sequence[tuple[str, str]],
                   fixed: Sequence[str], params: Sequence, where: str = "") -> None:
    """UPDATE `table` from the rows of `other` joined `on` a condition: `copied` are (column, expression of
    `other`), `fixed` columns set to the first `params` in turn, then the `where` condition's params (names
    quoted already). MySQL joins (it may open a temporary table only once per statement); SQLite (3.33 and
    later) and PostgreSQL take UPDATE … FROM."""
    if connection.vendor == "mysql":
        assignments = [f"{table}.{column} = {value}" for column, value in copied]
        assignments += [f"{table}.{column} = %s" for column in fixed]
        condition = f" WHERE {where}" if where else ""
        cursor.execute(f"UPDATE {table} JOIN {other} ON {on} SET {', '.join(assignments)}{condition}", params)
    else:
        assignments = [f"{column} = {value}" for column, value in copied]
        assignments += [f"{column} = %s" for column in fixed]
        condition = f"{on} AND {where}" if where else on
        cursor.execute(f"UPDATE {table} SET {', '.join(assignments)} FROM {other} WHERE {condition}", params)


def bulk_insert(objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of one model; returns how many.

    For history rows that nobody reads back in the same transaction: primary keys are not set on
    the instances (bulk_create() would cut 100k rows into a query per ~70 on SQLite to learn them).
    Fields with auto_now/auto_now_add get one timestamp for the whole insert.
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    rows = [tuple(getattr(obj, field.attname) for field in fields) for obj in objs]
    return bulk_insert_rows(type(objs[0]), fields=[field.name for field in fields], rows=rows)


def bulk_insert_rows(model: type[models.Model], *, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert rows given as tuples of Python values in `fields` order; returns how many.

    The same as bulk_insert() without building a model instance per row. Fields not named get their
    default (auto_now/auto_now_add: now). Each distinct value is prepared for the database once.
    """
    if not rows:
        return 0
    return bulk_insert_columns(model, columns=dict(zip(fields, zip(*rows))))


def bulk_insert_columns(
    model: type[models.Model], *, columns: Mapping[str, Sequence], constants: Mapping[str, object] | None = None
) -> int:
    """Insert rows given as one sequence of values per field ({field: values}, all the same length), plus
    `constants` ({field: value}, the same in every row); returns how many rows.

    Fields named in neither get their default (auto_now/auto_now_add: now). A matching run writes its
    100k history rows this way, without a tuple or an instance per row.
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: { {name: len(v) for name, v in columns.items()} }")
    n_rows = lengths.pop() if lengths else 0
    if not n_rows:
        return 0
    meta = model._meta
    constants = dict(constants or {})
    named = {meta.get_field(name) for name in [*columns, *constants]}
    now = timezone.now()
    for field in meta.concrete_fields:
        if field.primary_key or field in named:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.name] = now
        elif field.has_default():
            constants[field.name] = field.get_default()
        elif field.null:
            constants[field.name] = None
        else:
            raise ValueError(f"{model.__name__}.{field.name} has no default: name it in columns or constants")
    fields = [meta.get_field(name) for name in columns]
    fixed = [(meta.get_field(name), value) for name, value in constants.items()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        _insert(cursor, quote(meta.db_table), [quote(field.column) for field in [*fields, *(f for f, _ in fixed)]],
                fields, list(columns.values()), fixed)
    return n_rows


# A statement rendered here (MySQL) holds at most this many characters of values: well under the 4 MB
# max_allowed_packet of the oldest supported servers even if every character took 4 bytes.
STATEMENT_CHARS = 900_000


def _insert(cursor, table: str, column_names: Sequence[str], fields: Sequence[models.Field],
            columns: Sequence[Sequence], constants: Sequence[tuple[models.Field, object]]) -> None:
    """INSERT rows given column by column, then the same `constants` (field, value) in every row; the table
    and column names are quoted already.

    SQLite and others: one executemany() of prepared values. MySQL: the driver's executemany() escapes
    every value through Python one by one (most of a 100k-row write went there) into 64 KB statements;
    here each distinct value is rendered once as a literal by the driver's own escaping, and the rows go
    in multi-row statements of up to `STATEMENT_CHARS` characters.
    """
    head = f"INSERT INTO {table} ({', '.join(column_names)}) VALUES ("
    if connection.vendor != "mysql":
        n_rows = len(columns[0])
        prepared = [_prepared_column(field, values) for field, values in zip(fields, columns)]
        prepared += [repeat(_prepared(field, value, None), n_rows) for field, value in constants]
        cursor.executemany(head + ", ".join(["%s"] * len(column_names)) + ")", list(zip(*prepared)))
        return
    literal = _mysql_literal()
    rows = list(map(",".join, zip(*(_prepared_column(field, values, literal)
                                     for field, values in zip(fields, columns)))))
    tail = "".join("," + _prepared(field, value, literal) for field, value in constants) + ")"
    encoding = connection.connection.encoding
    start, size = 0, 0
    for stop, row in enumerate(rows):
        size += len(row) + len(tail) + 2
        if size > STATEMENT_CHARS and stop > start:
            cursor.execute((head + (tail + ",(").join(rows[start:stop]) + tail).encode(encoding, "surrogateescape"))
            start, size = stop, len(row) + len(tail) + 2
    cursor.execute((head + (tail + ",(").join(rows[start:]) + tail).encode(encoding, "surrogateescape"))


def _mysql_literal():
    """The driver's SQL literal of a prepared value, as text (what its execute() puts in place of %s)."""
    connection.ensure_connection()
    raw = connection.connection
    encoding = raw.encoding

    def literal(value) -> str:
        return raw.literal(value).decode(encoding, "surrogateescape")

    return literal


_SCALARS = (str, int, float, bool, Decimal, datetime.datetime, datetime.date, type(None))
_INTEGER_TYPES = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
})


def _cache_key(value):
    """A key under which equal values prepare alike, or None when the value is not worth caching."""
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, _SCALARS) for item in value):
        return (type(value), tuple((type(item), item) for item in value))
    return None


def _integer_column(field: models.Field) -> bool:
    """Whether the column stores a plain integer, so that an int needs no preparing (ids, counts)."""
    target = field.target_field if field.is_relation else field
    return target.get_internal_type() in _INTEGER_TYPES


def _prepared_column(field: models.Field, values: Iterable, literal=None) -> list:
    """field.get_db_prep_save() of every value, computed once per distinct value; rendered by `literal`
    (an SQL literal) when given.

    A matching run writes 100k rows whose columns hold a few hundred distinct values (manager ids,
    class letters, one timestamp, the same lists of shared terms); preparing each value through the
    field costs microseconds, which per cell was most of the write phase. An int in an integer column
    is its own database value.
    """
    plain_ints = _integer_column(field)
    cache: dict = {}
    out = []
    append = out.append
    for value in values:
        if plain_ints and value.__class__ is int:
            append(value if literal is None else str(value))
            continue
        try:
            key = (value.__class__, value)
            append(cache[key])
            continue
        except KeyError:
            pass
        except TypeError:  # unhashable (a list of terms): key on its items
            key = _cache_key(value)
            if key is None:
                append(_prepared(field, value, literal))
                continue
            if key in cache:
                append(cache[key])
                continue
        append(cache.setdefault(key, _prepared(field, value, literal)))
    return out


def _prepared(field: models.Field, value, literal):
    prepared = field.get_db_prep_save(value, connection)
    return prepared if literal is None else literal(prepared)


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


# Up to this many rows an update is one CASE WHEN query (Django's bulk_update, within SQLite's 999
# parameters for a few fields); above, bulk_set's temporary table: five queries, and linear on the server.
SMALL_UPDATE = 100


def bulk_update_rows(model: type[models.Model], *, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` on rows given as (pk, value, value, ...) tuples, like `bulk_set`; returns len(rows).

    A few rows (`SMALL_UPDATE`) go through Django's bulk_update in one query, where bulk_set's five
    would cost more than they save; many through bulk_set. Values as `bulk_set` takes them.
    """
    if len(rows) > SMALL_UPDATE:
        return bulk_set(model, fields=fields, rows=rows)
    attnames = [model._meta.get_field(name).attname for name in fields]
    objs = [model(pk=row[0], **dict(zip(attnames, row[1:]))) for row in rows]
    model.objects.bulk_update(objs, list(fields))
    return len(rows)


def bulk_insert_with_ids(
    model: type[models.Model],
    *,
    fields: Sequence[str],
    rows: Sequence[tuple],
    key_field: str,
    values: Mapping[str, object] | None = None,
) -> list[int]:
    """Insert new rows given as tuples in `fields` order; returns their primary keys, in row order.

    `values` gives fields one value for every row (a role, a flag). Fields named in neither get what
    `model()` would give them: auto_now/auto_now_add one timestamp, otherwise the field's default (a
    callable default is called once for all rows). `key_field` is a unique field among `fields` (a
    username key, a profile's user) by which the ids are matched to the rows.

    Multi-row INSERT statements of up to `BATCH_SIZE` rows: where the database returns rows from an
    insert (SQLite, MariaDB, PostgreSQL) they end with RETURNING; elsewhere (MySQL) the ids are read
    back by key, a query per `BATCH_SIZE`. Each distinct value is prepared for the database once, as in
    `bulk_insert_rows`; on MySQL and MariaDB also quoted once (`_literal_rows`).
    """
    if not rows:
        return []
    meta = model._meta
    named = [meta.get_field(name) for name in fields]
    constants = {meta.get_field(name): value for name, value in (values or {}).items()}
    now = timezone.now()
    for field in meta.concrete_fields:
        if not field.primary_key and field not in named and field not in constants:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            constants[field] = now if auto else field.get_default()
    position = list(fields).index(key_field)
    returns_rows = connection.features.can_return_rows_from_bulk_insert
    if connection.vendor != "mysql" and not returns_rows:
        full = [(*row, *constants.values()) for row in rows] if constants else rows
        bulk_insert_rows(model, fields=[*fields, *(field.name for field in constants)], rows=full)
        keys = [row[position] for row in rows]
        ids = ids_by_key(model, key_field=key_field, keys=keys)
        return [ids[key] for key in keys]

    columns_prepared = [_prepared_values(field, [row[i] for row in rows]) for i, field in enumerate(named)]
    fixed = [field.get_db_prep_save(value, connection) for field, value in constants.items()]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*named, *constants])
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    returning = f" RETURNING {quote(meta.pk.column)}, {quote(named[position].column)}" if returns_rows else ""
    if connection.vendor == "mysql":
        statements = [
            (insert + ", ".join(chunk) + returning, None)
            for chunk in _statement_chunks(_literal_rows(columns_prepared, constants=fixed))
        ]
    else:
        prepared = [(*row, *fixed) for row in zip(*columns_prepared)]
        width = len(named) + len(fixed)
        one_row = "(" + ", ".join(["%s"] * width) + ")"
        most = connection.features.max_query_params
        per_statement = BATCH_SIZE if most is None else max(1, min(BATCH_SIZE, most // width))
        statements = [
            (
                insert + ", ".join([one_row] * len(prepared[start : start + per_statement])) + returning,
                [value for row in prepared[start : start + per_statement] for value in row],
            )
            for start in range(0, len(prepared), per_statement)
        ]
    keys = columns_prepared[position]
    ids: dict = {}
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if returns_rows:
                ids.update((key, pk) for pk, key in cursor.fetchall())
    if not returns_rows:
        ids = ids_by_key(model, key_field=key_field, keys=keys)
    return [ids[key] for key in keys]


# A multi-row statement stays under this many characters: well within MySQL's smallest default
# max_allowed_packet (4 MB), whatever the length of the texts in the rows.
STATEMENT_CHARS = 1_000_000


def _statement_chunks(texts: list[str]) -> list[list[str]]:
    """Row texts grouped into statements of at most `BATCH_SIZE` rows and about `STATEMENT_CHARS`."""
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for text in texts:
        if chunk and (len(chunk) >= BATCH_SIZE or size + len(text) > STATEMENT_CHARS):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 2
    if chunk:
        chunks.append(chunk)
    return chunks


def _prepared_values(field: models.Field, values: list) -> list:
    """`_prepared_column`, except that text for a plain CharField or TextField, which the field prepares as
    itself, is taken as it is: usernames, names and passwords are different on every row of an import."""
    if type(field) in (models.CharField, models.TextField) and all(type(value) is str for value in values):
        return values
    return _prepared_column(field, values)


def _literal_rows(columns: Sequence[Sequence], *, constants: Sequence = ()) -> list[str]:
    """Rows of prepared values as SQL text, "(1, 'a', NULL)", for MySQL's multi-row INSERT; `constants`
    end every row (quoted once for all).

    MySQLdb's executemany() quotes every value through a few Python calls (microseconds each: at 100k
    rows of 13 columns, seconds); here each distinct value of a column is quoted once, by the driver's
    own quoting (strings escaped for the connection's character set), and integers need no quoting.
    """
    driver = connection.connection  # looked up once: each lookup goes through Django's connection proxy
    encoding, literal, string_literal = driver.encoding, driver.literal, driver.string_literal
    texts = []
    for values in columns:
        cache: dict = {}
        out = []
        append = out.append
        for value in values:
            kind = type(value)
            if kind is int:
                append(str(value))
                continue
            key = value if kind is str else _cache_key(value)
            text = cache.get(key) if key is not None else None
            if text is None:
                if kind is str:
                    text = string_literal(value.encode(encoding)).decode(encoding)
                else:
                    quoted = literal(value)
                    text = quoted.decode(encoding) if isinstance(quoted, bytes) else str(quoted)
                if key is not None:
                    cache[key] = text
            append(text)
        texts.append(out)
    if constants:
        suffix = ", " + _literal_rows([[value] for value in constants])[0][1:-1] + ")"
        return ["(" + ", ".join(row) + suffix for row in zip(*texts)]
    return ["(" + ", ".join(row) + ")" for row in zip(*texts)]


def ids_by_key(model: type[models.Model], *, key_field: str, keys: Collection) -> dict:
    """Primary keys of the rows whose unique `key_field` is among `keys`: {key: pk}, a query per `BATCH_SIZE`.

    Keys compare as the database compares them: a text key matched ignoring case (MySQL's collations) is
    found under the spelling asked for.
    """
    attname = model._meta.get_field(key_field).attname
    wanted = list(dict.fromkeys(keys))
    found: dict = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        chunk = wanted[start : start + BATCH_SIZE]
        stored = dict(model.objects.filter(**{f"{attname}__in": chunk}).values_list(attname, "pk"))
        folded = {key.casefold(): pk for key, pk in stored.items() if isinstance(key, str)}
        for key in chunk:
            if key in stored:
                found[key] = stored[key]
            elif isinstance(key, str) and key.casefold() in folded:
                found[key] = folded[key.casefold()]
    return found


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
    """Target ids linked to each owner through `relation` (e.g. `CustomerProfile.needs`), a query on the
    through table per `BATCH_SIZE` owners; owners without links are absent."""
    return m2m_links_load_many([relation], owner_ids=owner_ids)[0]


def m2m_links_load_many(relations: Sequence, *, owner_ids: Collection[int]) -> list[dict[int, set[int]]]:
    """`m2m_links_load` for several relations of the same owners at once: one statement (UNION ALL of the
    through tables) per `BATCH_SIZE` owners, whatever the number of relations.

    The owner ids are integers written into the statement and the rows fetched by the driver at once: for
    the 800k links of 100k customers, the ORM's handling of the id list and of each row cost seconds, and
    on an API page building the ORM's union cost more than the database's work.
    """
    links: list[dict[int, set[int]]] = [defaultdict(set) for _ in relations]
    if not owner_ids:
        return [{} for _ in relations]
    quote = connection.ops.quote_name
    selects = []
    for position, relation in enumerate(relations):
        through, owner, target = _through(relation)
        meta = through._meta
        owner_column, target_column = quote(meta.get_field(owner).column), quote(meta.get_field(target).column)
        selects.append(f"SELECT {position}, {owner_column}, {target_column} FROM {quote(meta.db_table)} "
                       f"WHERE {owner_column} IN ({{ids}})")
    statement = " UNION ALL ".join(selects)
    ids = sorted({int(owner_id) for owner_id in owner_ids})
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH_SIZE):
            cursor.execute(statement.replace("{ids}", ", ".join(map(str, ids[start : start + BATCH_SIZE]))))
            for position, owner_id, target_id in cursor.fetchall():
                links[position][owner_id].add(target_id)
    return [dict(by_owner) for by_owner in links]


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
            chunk = pairs[start : start + BATCH_SIZE]
            if connection.vendor == "mysql":  # integers need no quoting: skip MySQLdb's per-value calls
                values = ", ".join(f"({owner_id}, {target_id})" for owner_id, target_id in chunk)
                cursor.execute(sql.partition(" VALUES ")[0] + " VALUES " + values)
            else:
                cursor.executemany(sql, chunk)
    return len(pairs)


def m2m_links_replace(relation, links: Mapping[int, Collection[int]], *, created: Collection[int] = ()) -> None:
    """Make each owner's links exactly `links[owner]`: one delete, then inserts of plain pairs.

    Owners not in `links` are left alone. Owners in `created` were inserted in this transaction and have
    no links yet: nothing is deleted for them (a new import of 100k profiles deletes nothing). Django's
    ``m2m_changed`` is not sent: callers that need to tell others send their own signal.
    """
    if not links:
        return
    through, owner, _target = _through(relation)
    created = set(created)
    if stale := [owner_id for owner_id in links if owner_id not in created]:
        through.objects.filter(**{f"{owner}__in": stale}).delete()
    m2m_links_add(
        relation, ((owner_id, target_id) for owner_id, targets in links.items() for target_id in sorted(targets))
    )


# Fewer rows written than this do not move the planner's estimates much; the database's own sampling covers them.
STATISTICS_AFTER_ROWS = 1000


def refresh_statistics(models_: Iterable[type[models.Model]], *, rows: int) -> bool:
    """After `rows` were written in bulk, have the database re-read the statistics (ANALYZE) of these tables
    and of their many-to-many tables; nothing below `STATISTICS_AFTER_ROWS`. True when it will.

    After a bulk load the planner may still believe a table is nearly empty: on MariaDB, 100k customers
    imported into an empty database left an index estimate of one row per service, and every page that
    loads customers' needs then scanned the whole link table (1.1 s a query instead of 1 ms). Runs when
    the transaction commits (at once outside one): MySQL's ANALYZE TABLE would commit the open one.
    """
    if rows < STATISTICS_AFTER_ROWS:
        return False
    tables = []
    for model in models_:
        tables.append(model._meta.db_table)
        tables.extend(field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many)
    transaction.on_commit(lambda: _analyze(dict.fromkeys(tables)))
    return True


def _analyze(tables: Iterable[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("ANALYZE TABLE " + ", ".join(quote(table) for table in tables))
            cursor.fetchall()
        else:  # SQLite and PostgreSQL analyse one table per statement
            for table in tables:
                cursor.execute(f"ANALYZE {quote(table)}")
