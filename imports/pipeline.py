"""One import pipeline for every kind of profile (customers, managers): validate every row, write in bulk.

A `ProfileImport` says which model, role and columns; the pipeline does the rest the same way for
each: rows checked with the model's own validators, terms resolved against the vocabularies, every
problem reported as `line N: column: problem`, and nothing written unless the whole file is right.

It is built for files of a million rows: the rows are streamed from the file (`core.tabular.table_stream`)
and checked, then written, a chunk of `CHUNK_ROWS` at a time inside one transaction that is rolled back if
any row is wrong; across chunks only the usernames and the resolved terms and codes are kept. Cells are
checked through the fields' own rules once per distinct text of a chunk (`core.tabular.CellValues`) rather
than a `full_clean()` per row, profiles are read and written as tuples rather than model instances, and
every read and write is a bulk query (a few per chunk).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_rows_check, users_upsert
from core.bulk import BATCH_SIZE, bulk_insert_with_ids, bulk_update_rows, m2m_links_load, m2m_links_replace
from core.tabular import (
    CellValues,
    ImportResult,
    Limits,
    Row,
    RowError,
    Source,
    model_errors,
    sorted_errors,
    split_terms,
    table_stream,
)
from vocabularies.services import (
    NewCode,
    TermResolution,
    term_key,
    terms_create_missing,
    terms_resolve,
)

CHUNK_ROWS = 2 * BATCH_SIZE  # rows checked, then written, together


@dataclass(frozen=True)
class CodedColumn:
    """An optional column whose cell names something by code (a branch; the tiers a manager serves): each
    distinct cell is resolved once for the whole file. A file without the column keeps every stored value
    (a new profile gets the field's default); a cell in it, empty ones too, sets the field."""

    name: str   # the column
    field: str  # the model field (attname) it sets
    # The distinct texts of the column (and whether unknown codes are to be created) -> {text: (value, problems)},
    # problems as (code, message); values must be hashable (a tuple for a list). A code to create is a `NewCode`.
    resolve: Callable[[list[str], bool], dict[str, tuple[Any, list[tuple[str, str]]]]]
    stored: Callable[[Any], Any] = staticmethod(lambda value: value)  # a stored value as `resolve` gives it
    # Writes the `NewCode`s `resolve` gave (create_terms) and returns {code: value}; None: nothing is created.
    create: Callable[[list[str]], dict[str, Any]] | None = None

    def to_create(self, resolved: dict[str, tuple[Any, list[tuple[str, str]]]]) -> list[NewCode]:
        return [value for value, _problems in resolved.values() if isinstance(value, NewCode)]


@dataclass(frozen=True)
class ProfileImport:
    """What differs between the imports of two kinds of profile."""

    model: type[models.Model]
    role: Role
    columns: tuple[str, ...]                     # the header, in the order errors are listed
    profile_columns: tuple[str, ...]             # model fields read from cells
    term_columns: tuple[tuple[str, type[models.Model]], ...]  # (many-to-many field, vocabulary model)
    optional: tuple[str, ...] = ()               # may be missing or empty: empty keeps the current/default value
    ignored: tuple[str, ...] = ()                # accepted and skipped (the computed columns of an export)
    after_write: Callable[[list[int]], None] | None = None  # ids of created or changed profiles, in the transaction
    # Changes that only the importer's explicit word lets through (a capacity lowered below the current book):
    # gets the existing profiles the file changes (new values set, not saved) and whether the importer
    # confirmed; returns the problems (they refuse the file) and the warnings. Dry runs check the same.
    confirmation_check: Callable[[list[ProfileChange], bool], tuple[list[RowError], list[str]]] | None = None
    coded_columns: tuple[CodedColumn, ...] = ()

    @property
    def optional_columns(self) -> tuple[str, ...]:
        """The columns a file may leave out or empty: the plain optional ones and every coded one."""
        return (*self.optional, *(coded.name for coded in self.coded_columns))

    @property
    def fields(self) -> tuple[str, ...]:
        """The model fields a row sets: the cells read by the fields' rules, then the coded ones."""
        return (*self.profile_columns, *(coded.field for coded in self.coded_columns))

    def run(
        self,
        *,
        rows: Iterable[Mapping[str, Any] | Row] | None = None,
        file: Source | None = None,
        create_terms: bool = False,
        dry_run: bool = False,
        confirmed: bool = False,
        limits: Limits | None = None,
    ) -> ImportResult:
        """Validate everything; unless there are errors or it is a dry run, write it all in one transaction.

        The rows are read, checked and written a chunk of `CHUNK_ROWS` at a time inside one transaction:
        while every row so far is right, each chunk is written as soon as it is checked; from the first
        problem on, the rest of the file is only checked (to report every problem) and the transaction is
        rolled back at the end (the caller's, when there is one: the service's), so a file with any problem
        writes nothing. Across chunks only what the file-wide rules need is kept (`_FileChecks`: the
        usernames seen, the resolved terms and codes).
        `confirmed`: the importer accepts the changes `confirmation_check` asks about (they become warnings).
        `limits`: what a file may hold (the settings' unless given: the command line may raise them).
        """
        optional = self.optional_columns
        required = tuple(column for column in self.columns if column not in optional)
        table = table_stream(
            rows=rows, file=file, required=required, optional=optional, ignored=self.ignored, limits=limits
        )
        checks = _FileChecks(self, create_terms=create_terms)
        errors: list[RowError] = []  # the rows' problems; the reader's own are in `table.errors`
        warnings: list[str] = []
        created = updated = unchanged = 0
        with transaction.atomic(savepoint=False):  # the service's transaction, when it has one
            for chunk in _chunks(table, CHUNK_ROWS):
                plans, existing, chunk_errors, chunk_warnings = self._check_chunk(chunk, checks, confirmed=confirmed)
                errors += chunk_errors
                warnings += chunk_warnings
                created += sum(plan.created for plan in plans)
                updated += sum(plan.changed and not plan.created for plan in plans)
                unchanged += sum(not plan.changed for plan in plans)
                if not (dry_run or errors or table.errors):
                    self._create_codes(plans, checks)
                    self._write(
                        plans, users_existing=existing,
                        resolutions={column: terms.resolution for column, terms in checks.terms.items()},
                        relations={column: terms.relation for column, terms in checks.terms.items()},
                    )
            if table.refused is not None:  # the file as a whole: its rows' problems do not count
                errors = [table.refused]
            else:
                errors = table.errors + errors
            if errors:
                transaction.set_rollback(True)  # what the chunks before the first problem wrote: all of it
        if errors:
            return ImportResult(errors=sorted_errors(errors, columns=self.columns), dry_run=dry_run)
        return ImportResult(
            created=created,
            updated=updated,
            unchanged=unchanged,
            dry_run=dry_run,
            created_terms=[f"{column}: {name}" for column, terms in checks.terms.items() for name in terms.new] + [
                f"{column.name}: {code}" for column in self.coded_columns for code in checks.codes_to_create(column)
            ],
            warnings=warnings,
        )

    def _check_chunk(
        self, rows: list[Row], checks: _FileChecks, *, confirmed: bool
    ) -> tuple[list[_Plan], dict[str, User], list[RowError], list[str]]:
        """Check a chunk of rows against the database as it is now and the file's rows before them: the valid
        rows' plans, the chunk's existing users, the problems and the warnings. A few queries per chunk."""
        users = user_rows_check(rows=rows, role=self.role, first_lines=checks.first_lines)
        errors = users.errors
        stored = self._stored(user_ids=[user.pk for user in users.existing.values()])
        owner_ids = [pk for pk, *_rest in stored.values()]
        current = {
            column: m2m_links_load(terms.relation, owner_ids=owner_ids) for column, terms in checks.terms.items()
        }
        term_cells = {column: terms.cells(rows) for column, terms in checks.terms.items()}
        resolutions = {column: terms.resolution for column, terms in checks.terms.items()}
        coded = checks.coded_cells(rows)
        cells = CellValues(self.model, self.profile_columns)  # per chunk: amounts rarely repeat
        plans = []
        for row in rows:
            username = users.usernames.get(row.line)
            user = users.existing.get(username) if username else None
            plan, row_errors = self._plan_row(
                row, username=username, stored=stored.get(user.pk) if user is not None else None,
                cells=cells, defaults=checks.defaults, current=current, resolutions=resolutions, coded=coded,
                terms={column: cells_of[row.values[column]] for column, cells_of in term_cells.items()},
            )
            if user is not None and plan is not None and user.name != plan.name:
                plan.changed = True
            errors += row_errors
            if plan is not None and not row_errors:
                plans.append(plan)
        warnings = []
        if self.confirmation_check is not None:
            unconfirmed, warnings = self.confirmation_check(self._changes(plans, users.existing), confirmed)
            errors += unconfirmed
        return plans, users.existing, errors, warnings

    def _create_codes(self, plans: list[_Plan], checks: _FileChecks) -> None:
        """Create the codes this chunk names that do not exist yet (create_terms; those of earlier chunks are
        created already) and put their values in the plans."""
        for position, column in enumerate(self.coded_columns, start=len(self.profile_columns)):
            if column.create is None:
                continue
            values = checks.created_codes(column)
            for plan in plans:
                if isinstance(plan.values[position], NewCode):
                    plan.values = (*plan.values[:position], values[plan.values[position]], *plan.values[position + 1:])

    def _stored(self, *, user_ids: list[int]) -> dict[int, tuple[int, tuple, models.Model | None]]:
        """The profiles these users have: {user id: (profile id, values of `profile_columns`, instance)}.

        Read as plain values; as instances only for an import with a `confirmation_check`, which is given
        the changed profiles themselves (managers: thousands at most, where customers may be 100k).
        """
        stored = {}
        for start in range(0, len(user_ids), BATCH_SIZE):
            chunk = self.model.objects.filter(user_id__in=user_ids[start : start + BATCH_SIZE])
            n_plain = len(self.profile_columns)
            if self.confirmation_check is None:
                for pk, user_id, *values in chunk.values_list("pk", "user_id", *self.fields):
                    stored[user_id] = (pk, self._stored_values(values, n_plain), None)
            else:
                for profile in chunk:
                    values = [getattr(profile, column) for column in self.fields]
                    stored[profile.user_id] = (profile.pk, self._stored_values(values, n_plain), profile)
        return stored

    def _stored_values(self, values: list, n_plain: int) -> tuple:
        coded = (column.stored(value) for column, value in zip(self.coded_columns, values[n_plain:]))
        return (*values[:n_plain], *coded)

    def _plan_row(
        self,
        row: Row,
        *,
        username: str | None,
        stored: tuple[int, tuple, models.Model | None] | None,
        cells: CellValues,
        defaults: tuple,
        terms: dict[str, _TermCell],
        current: dict[str, dict[int, set[int]]],
        resolutions: dict[str, TermResolution],
        coded: dict[str, dict[str, tuple[Any, list[tuple[str, str]]]]],
    ) -> tuple[_Plan | None, list[RowError]]:
        """Validate one row's portrait cells with the model's rules and its terms; the plan is None without a
        username. A new profile starts from the fields' defaults, an existing one from its stored values."""
        errors = []
        pk, before, profile = stored if stored is not None else (None, defaults, None)
        values = list(before)
        cells_of_row = row.values
        for position, column in enumerate(self.profile_columns):
            text = cells_of_row.get(column, "")
            if not text and column in self.optional:
                problems = cells.problems(column, values[position])  # kept, and checked like the others
            else:
                value, problems = cells.read(column, text)
                if not problems:
                    values[position] = value
            if problems:
                errors += [RowError(row.line, column, problem, "invalid") for problem in problems]
        for position, column in enumerate(self.coded_columns, start=len(self.profile_columns)):
            if column.name in cells_of_row:
                value, problems = coded[column.name][cells_of_row[column.name]]
                errors += [RowError(row.line, column.name, message, code) for code, message in problems]
                if not problems:
                    values[position] = value
        if cells.has_row_rules:  # the model's own clean(): needs an instance
            instance = self.model(pk=pk, **dict(zip(self.profile_columns, values[:len(self.profile_columns)])))
            everything = [f.name for f in self.model._meta.fields]
            errors += [
                RowError(row.line, name, message, "invalid")
                for name, message in model_errors(instance, exclude=everything)
            ]

        term_changes = set()
        for column, resolution in resolutions.items():
            linked = current[column].get(pk, _NONE) if pk is not None else _NONE
            cell = terms[column]
            problems = cell.problems
            if problems:
                if linked:  # inactive terms may stay on a portrait that has them
                    problems = [found for name in cell.names if (found := resolution.problem(name, allowed_ids=linked))]
                errors += [RowError(row.line, column, message, code) for code, message in problems]
            if not errors and (cell.ids is None or cell.ids != linked):
                term_changes.add(column)
        if username is None or errors:
            return None, errors
        values = tuple(values)
        return _Plan(
            line=row.line,
            username=username,
            name=row.values["name"],
            pk=pk,
            profile=profile,
            created=pk is None,
            values=values,
            before=before,
            terms=terms,
            term_changes=term_changes,
            changed=pk is None or bool(term_changes) or values != before,
        ), errors

    def _changes(self, plans: list[_Plan], users: dict[str, User]) -> list[ProfileChange]:
        """The existing profiles the file changes, with the new values set (not saved)."""
        changes = []
        for plan in plans:
            if plan.changed and not plan.created:
                profile = plan.profile
                profile.user = users[plan.username]  # already read: str(profile) costs no query
                for column, value in zip(self.fields, plan.values):
                    setattr(profile, column, value)
                before = dict(zip(self.fields, plan.before))
                changes.append(ProfileChange(line=plan.line, profile=profile, before=before))
        return changes

    def _write(
        self,
        plans: list[_Plan],
        *,
        users_existing: dict[str, User],
        resolutions: dict[str, TermResolution],
        relations: dict[str, models.ManyToManyField],
    ) -> None:
        with transaction.atomic(savepoint=False):  # the service's transaction, when it has one
            for resolution in resolutions.values():
                terms_create_missing(resolution=resolution)
            user_ids = users_upsert(
                names={plan.username: plan.name for plan in plans},
                role=self.role,
                existing=users_existing,
                checked=True,  # user_rows_check did, on the same rows and users
            ).ids

            new = [plan for plan in plans if plan.created]
            ids = bulk_insert_with_ids(
                self.model,
                fields=["user", *self.fields],
                rows=[(user_ids[plan.username], *plan.values) for plan in new],
                key_field="user",
            )
            for plan, pk in zip(new, ids):
                plan.pk = pk

            updated = [plan for plan in plans if plan.changed and not plan.created]
            now = timezone.now()  # bulk_set() does not run auto_now
            bulk_update_rows(
                self.model, fields=[*self.fields, "updated_at"],
                rows=[(plan.pk, *plan.values, now) for plan in updated],
            )

            for column, relation in relations.items():
                resolution = resolutions[column]
                m2m_links_replace(
                    relation,
                    {
                        plan.pk: plan.terms[column].ids if plan.terms[column].ids is not None
                        else resolution.ids_for(plan.terms[column].names)
                        for plan in plans
                        if plan.created or column in plan.term_changes
                    },
                    created=[plan.pk for plan in new],
                )
            changed_ids = [plan.pk for plan in plans if plan.changed]
            if changed_ids and self.after_write:
                # Inside the transaction: if what follows fails, the import is rolled back with it.
                self.after_write(changed_ids)


@dataclass(frozen=True)
class ProfileChange:
    """An existing profile a row changes: its line, the profile with the new values (unsaved), the old values."""

    line: int
    profile: models.Model
    before: dict[str, Any]


@dataclass(slots=True)
class _Plan:
    """One valid row: the portrait to write and what would change."""

    line: int
    username: str
    name: str
    pk: int | None  # the profile's id; a new one's once written
    profile: models.Model | None  # the stored profile, when `_stored` read instances
    created: bool
    values: tuple  # of `profile_columns`, as they will be stored
    before: tuple  # the stored values (the defaults for a new profile)
    terms: dict[str, _TermCell]  # by column
    term_changes: set[str] = field(default_factory=set)  # columns whose term set changes
    changed: bool = False


_NONE: frozenset[int] = frozenset()  # the links of a new profile


@dataclass(frozen=True, slots=True)
class _TermCell:
    """One distinct term cell of a column: its names, what is wrong with them for a portrait that has none of
    them yet, and their ids (None while some are terms to create)."""

    names: list[str]
    problems: list[tuple[str, str]]  # (code, message)
    ids: frozenset[int] | None


class _FileChecks:
    """What the rules across a file's rows need while it is checked a chunk at a time, and no more: the
    usernames seen (by the line they were first on), each term column's resolution, the codes resolved so
    far (each distinct cell of a coded column once per file), the values a new profile starts from."""

    def __init__(self, profile_import: ProfileImport, *, create_terms: bool):
        model = profile_import.model
        self.create_terms = create_terms
        self.first_lines: dict[str, int] = {}
        self.terms = {
            column: _Terms(column, model._meta.get_field(column), vocabulary, create=create_terms)
            for column, vocabulary in profile_import.term_columns
        }
        self._coded_columns = profile_import.coded_columns
        self._coded: dict[str, dict[str, tuple[Any, list[tuple[str, str]]]]] = {
            column.name: {} for column in self._coded_columns
        }
        self._created: dict[str, dict[str, Any]] = {}  # codes created so far, by column
        self.defaults = tuple(model._meta.get_field(column).get_default() for column in profile_import.profile_columns)
        self.defaults += tuple(
            column.stored(model._meta.get_field(column.field).get_default()) for column in self._coded_columns
        )

    def codes_to_create(self, column: CodedColumn) -> list[NewCode]:
        """The codes of `column` the file names so far that are to be created, in file order."""
        return column.to_create(self._coded[column.name])

    def created_codes(self, column: CodedColumn) -> dict[str, Any]:
        """{code: value} for every code of `column` to create that the file names so far, creating those not
        created by an earlier chunk (inside the import's transaction: a file with a problem creates none)."""
        created = self._created.setdefault(column.name, {})
        new = [code for code in self.codes_to_create(column) if code not in created]
        if new:
            created.update(column.create(new))
        return created

    def coded_cells(self, rows: list[Row]) -> dict[str, dict[str, tuple[Any, list[tuple[str, str]]]]]:
        """{column: {cell: (value, problems)}} with every cell of `rows` resolved (a query for those not seen
        before in the file)."""
        for column in self._coded_columns:
            known = self._coded[column.name]
            new = list(dict.fromkeys(
                text for row in rows if (text := row.values.get(column.name)) is not None and text not in known
            ))
            if new:
                known.update(column.resolve(new, self.create_terms))
        return self._coded


class _Terms:
    """The terms of one column across a file: each distinct name resolved once, in file order (a new term is
    created with its first spelling), into one `TermResolution`; `new` lists the terms to create, in order."""

    def __init__(self, column: str, relation: models.ManyToManyField, model: type[models.Model], *, create: bool):
        self.column, self.relation, self.model, self.create = column, relation, model, create
        self.resolution = TermResolution(model=model)
        self.new: list[str] = []
        # By name as spelt: its key and what is wrong with choosing it (neither changes once it is resolved).
        self._keys: dict[str, str] = {}
        self._problems: dict[str, tuple[str, str] | None] = {}

    def cells(self, rows: list[Row]) -> dict[str, _TermCell]:
        """The distinct cells of `rows`, each split and checked once (`TermResolution`'s rules); names not seen
        before in the file are resolved first, in one query."""
        resolution, keys = self.resolution, self._keys
        names = {text: split_terms(text) for text in dict.fromkeys(row.values[self.column] for row in rows)}
        for split in names.values():
            for name in split:
                if name not in keys:
                    keys[name] = term_key(name)
        unseen = [
            name for split in names.values() for name in split
            if (key := keys[name]) not in resolution.names and key not in resolution.problems
        ]
        if unseen:
            found = terms_resolve(model=self.model, names=unseen, create=self.create)
            resolution.ids.update(found.ids)
            resolution.names.update(found.names)
            resolution.inactive |= found.inactive
            resolution.problems.update(found.problems)
            resolution.missing.update(found.missing)
            self.new += found.missing.values()
        problems, ids = self._problems, resolution.ids
        cells = {}
        for text, split in names.items():
            for name in split:
                if name not in problems:
                    problems[name] = resolution.problem(name)
            known = all(keys[name] in ids for name in split)  # not unknown, nor still to create
            cells[text] = _TermCell(
                names=split,
                problems=[problems[name] for name in split if problems[name] is not None],
                ids=frozenset(ids[keys[name]] for name in split) if known else None,
            )
        return cells


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
