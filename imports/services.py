"""The profile imports: customers and managers from a file (or rows in code), validated whole, then written.

Each import is one `ProfileImport` (which model, role and columns) and one service that runs it and
records who did it. Pages, the API and the commands call these services.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from accounts.models import Role, User
from audit.services import audit_record
from core.bulk import refresh_statistics
from core.tabular import ImportResult, Limits, Row, RowError, Source
from customers.models import CustomerProfile
from customers.selectors import CUSTOMER_COMPUTED_COLUMNS, CUSTOMER_IMPORT_COLUMNS, CUSTOMER_OPTIONAL_COLUMNS
from customers.signals import portraits_changed
from managers.messages import capacity_below_book_refusal, capacity_below_book_warnings
from managers.models import ManagerProfile, capacity_needs_confirmation
from managers.selectors import manager_loads
from vocabularies.models import Hobby, Service
from vocabularies.services import branch_codes_resolve, branches_create, tier_codes_resolve

from matching.services import acquire_run_lock

from .pipeline import CodedColumn, ProfileChange, ProfileImport

MANAGER_IMPORT_COLUMNS = ("username", "name", "capabilities", "hobbies", "capacity", "phone", "branch", "tiers")
BRANCH_COLUMN = CodedColumn(name="branch", field="branch_id", resolve=branch_codes_resolve, create=branches_create)
TIERS_COLUMN = CodedColumn(name="tiers", field="tiers", resolve=tier_codes_resolve, stored=tuple)


def _announce(customer_ids: list[int]) -> None:
    portraits_changed.send(sender=CustomerProfile, customer_ids=customer_ids)


def _capacities_below_book(changes: list[ProfileChange], confirmed: bool) -> tuple[list[RowError], list[str]]:
    """A capacity lowered below the manager's book refuses the file unless confirmed (then it warns), as on
    every other surface (`managers.models.capacity_needs_confirmation`)."""
    sizes = manager_loads([change.profile.pk for change in changes])
    overflowing = [
        change for change in changes
        if capacity_needs_confirmation(
            capacity=change.profile.capacity, previous=change.before["capacity"], served=sizes.get(change.profile.pk, 0)
        )
    ]
    if confirmed:
        return [], capacity_below_book_warnings([change.profile for change in overflowing], book_sizes=sizes)
    return [
        RowError(
            change.line, "capacity",
            capacity_below_book_refusal(
                manager=change.profile, served=sizes[change.profile.pk], capacity=change.profile.capacity
            ),
            "capacity_below_book",
        )
        for change in overflowing
    ], []


CUSTOMER_IMPORT = ProfileImport(
    model=CustomerProfile,
    role=Role.CUSTOMER,
    columns=CUSTOMER_IMPORT_COLUMNS,
    profile_columns=("age", "occupation", "total_assets"),
    term_columns=(("needs", Service), ("hobbies", Hobby)),
    ignored=CUSTOMER_COMPUTED_COLUMNS,
    optional=tuple(column for column in CUSTOMER_OPTIONAL_COLUMNS if column != BRANCH_COLUMN.name),
    coded_columns=(BRANCH_COLUMN,),
    after_write=_announce,
)

MANAGER_IMPORT = ProfileImport(
    model=ManagerProfile,
    role=Role.MANAGER,
    columns=MANAGER_IMPORT_COLUMNS,
    profile_columns=("capacity", "phone"),
    term_columns=(("capabilities", Service), ("hobbies", Hobby)),
    optional=("capacity", "phone"),
    confirmation_check=_capacities_below_book,
    coded_columns=(BRANCH_COLUMN, TIERS_COLUMN),
)


def _source_name(file: Source | None) -> str:
    """The file's name for the audit log: a path's last part, an upload's name; "" for rows or bytes."""
    if file is None or isinstance(file, bytes):
        return ""
    name = file if isinstance(file, (str, os.PathLike)) else getattr(file, "name", "")
    return os.path.basename(os.fspath(name)) if isinstance(name, (str, os.PathLike)) else ""


def _audited(
    profile_import: ProfileImport,
    *,
    action: str,
    actor: User | None,
    rows: Iterable[Mapping[str, Any] | Row] | None,
    file: Source | None,
    create_terms: bool,
    dry_run: bool,
    confirmed: bool = False,
    run_lock: bool = False,
    limits: Limits | None = None,
    file_name: str = "",
) -> ImportResult:
    """Run an import and record it (a rejected file writes nothing and is not recorded).

    A dry run is recorded too, as `<action>_checked`: one row, and it tells who looked at which file.
    `run_lock`: the import changes what matching runs read (capacities, the accepting flag), so a real one
    takes the run lock first, like every other such writer, and checks the books while holding it.
    `file_name`: the name the file had on the user's machine (an upload is kept under a stored name).
    """
    with transaction.atomic():
        if run_lock and not dry_run:
            acquire_run_lock(f"{action} by {actor or 'system'}")
        result = profile_import.run(
            rows=rows, file=file, create_terms=create_terms, dry_run=dry_run, confirmed=confirmed, limits=limits
        )
        if result.ok:
            audit_record(
                actor=actor,
                action=f"{action}_checked" if dry_run else action,
                target_type=profile_import.model._meta.label_lower,
                summary=file_name or _source_name(file),
                data={
                    "file": file_name or _source_name(file), "dry_run": dry_run, "created": result.created,
                    "updated": result.updated, "unchanged": result.unchanged, "created_terms": result.created_terms,
                    "warnings": len(result.warnings),
                },
            )
            if not dry_run:
                refresh_statistics([User, profile_import.model], rows=result.created + result.updated)
    return result


def customers_import(
    *,
    actor: User | None = None,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    create_terms: bool = False,
    dry_run: bool = False,
    limits: Limits | None = None,
    file_name: str = "",
) -> ImportResult:
    """Create or update customers (user + portrait + needs + hobbies) from a file or from rows.

    `file` is a path or binary stream (CSV in UTF-8, BOM optional, or XLSX) whose header has
    `CUSTOMER_IMPORT_COLUMNS`; the computed columns of an export are accepted and ignored. `rows` are
    mappings with those keys instead. A row is the customer's whole portrait: empty needs clear them.

    Every row is validated, with the models' rules; if any row is wrong, nothing is written and
    `errors` lists every problem as `line N: column: problem`. Unknown terms are errors unless
    `create_terms`. A `dry_run` writes nothing. Otherwise one transaction writes it all, a chunk of rows at a
    time as it is checked (`pipeline.CHUNK_ROWS`; rolled back at the end if any row is wrong), in a few
    queries per 5,000 rows, whatever the number of terms, and sends `portraits_changed` with the ids of
    created and updated customers (unchanged ones are counted apart and not sent), so matching
    reclassifies them (in bulk, when the transaction commits). `limits` bound the file (size, rows...):
    the settings' unless given (the command line may raise them for a file the operator trusts).
    Recorded in the audit log as "customers.imported" by `actor` (None: the system).
    """
    return _audited(
        CUSTOMER_IMPORT, action="customers.imported", actor=actor, rows=rows, file=file,
        create_terms=create_terms, dry_run=dry_run, limits=limits, file_name=file_name,
    )


def managers_import(
    *,
    actor: User | None = None,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    create_terms: bool = False,
    dry_run: bool = False,
    confirm_overflow: bool = False,
    limits: Limits | None = None,
    file_name: str = "",
) -> ImportResult:
    """Create or update relationship managers (user + profile + capabilities + hobbies).

    Columns `MANAGER_IMPORT_COLUMNS`; `capacity` may be left out or empty: a new manager then gets
    `PORTRAIT_DEFAULT_MANAGER_CAPACITY` and an existing one keeps theirs; so may `phone` (none, or the
    current one). `accepting_customers` is not
    touched. A capacity lowered below the customers a manager serves now is an error on its line unless
    `confirm_overflow` (then the customers stay, with a warning in `warnings`, as in the admin). A real
    import takes the run lock. Validation, dry run, limits, errors and writes work as in `customers_import`;
    recorded as "managers.imported".
    """
    return _audited(
        MANAGER_IMPORT, action="managers.imported", actor=actor, rows=rows, file=file,
        create_terms=create_terms, dry_run=dry_run, confirmed=confirm_overflow, run_lock=True, limits=limits,
        file_name=file_name,
    )
