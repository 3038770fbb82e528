"""Writes on relationship manager profiles."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User
from audit.services import audit_record, field_changes
from portrait.profile_import import ProfileImport
from portrait.tabular import ImportResult, Row, Source
from vocabularies.models import Hobby, Service
from vocabularies.services import terms_not_choosable

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


@transaction.atomic
def manager_profile_update(*, manager: ManagerProfile, actor: User | None, capabilities, hobbies) -> ManagerProfile:
    """Set what a manager offers and likes. Capacity and the accepting flag change through
    `matching.services` (they take the run lock: a run must see them)."""
    capabilities, hobbies = list(capabilities), list(hobbies)
    linked = {
        "capabilities": set(manager.capabilities.values_list("pk", flat=True)),
        "hobbies": set(manager.hobbies.values_list("pk", flat=True)),
    }
    errors = {
        field: problems
        for field, chosen in (("capabilities", capabilities), ("hobbies", hobbies))
        if (problems := terms_not_choosable(chosen=chosen, linked_ids=linked[field]))
    }
    if errors:
        raise ValidationError(errors)
    before = {
        "capabilities": sorted(manager.capabilities.values_list("name", flat=True)),
        "hobbies": sorted(manager.hobbies.values_list("name", flat=True)),
    }
    manager.capabilities.set(capabilities)
    manager.hobbies.set(hobbies)
    manager.save(update_fields=["updated_at"])
    after = {"capabilities": sorted(t.name for t in capabilities), "hobbies": sorted(t.name for t in hobbies)}
    audit_record(
        actor=actor, action="manager.profile_updated", target=manager, summary=str(manager.user),
        changes=field_changes(before, after),
    )
    return manager
