"""Writes on relationship manager profiles."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from accounts.models import Role
from portrait.profile_import import ProfileImport
from portrait.tabular import ImportResult, Row, Source
from vocabularies.models import Hobby, Service

from .models import ManagerProfile

MANAGER_IMPORT_COLUMNS = ("username", "name", "capabilities", "hobbies", "capacity")

MANAGER_IMPORT = ProfileImport(
    model=ManagerProfile,
    role=Role.MANAGER,
    columns=MANAGER_IMPORT_COLUMNS,
    profile_columns=("capacity",),
    term_columns=(("capabilities", Service), ("hobbies", Hobby)),
    optional=("capacity",),
)


def managers_import(
    *,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    create_terms: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update relationship managers (user + profile + capabilities + hobbies).

    Columns `MANAGER_IMPORT_COLUMNS`; `capacity` may be left out or empty: a new manager then gets
    `PORTRAIT_DEFAULT_MANAGER_CAPACITY` and an existing one keeps theirs. `accepting_customers` is not
    touched. Validation, dry run, errors and writes work as in `customers.services.customers_import`.
    """
    return MANAGER_IMPORT.run(rows=rows, file=file, create_terms=create_terms, dry_run=dry_run)
