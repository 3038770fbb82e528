"""Writes on customer portraits."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from accounts.models import Role
from portrait.profile_import import ProfileImport
from portrait.tabular import ImportResult, Row, Source
from vocabularies.models import Hobby, Service

from .models import CustomerProfile
from .selectors import CUSTOMER_COMPUTED_COLUMNS, CUSTOMER_IMPORT_COLUMNS
from .signals import portraits_changed


def _announce(customer_ids: list[int]) -> None:
    portraits_changed.send(sender=CustomerProfile, customer_ids=customer_ids)


CUSTOMER_IMPORT = ProfileImport(
    model=CustomerProfile,
    role=Role.CUSTOMER,
    columns=CUSTOMER_IMPORT_COLUMNS,
    profile_columns=("age", "occupation", "total_assets"),
    term_columns=(("needs", Service), ("hobbies", Hobby)),
    ignored=CUSTOMER_COMPUTED_COLUMNS,
    after_write=_announce,
)


def customers_import(
    *,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    create_terms: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update customers (user + portrait + needs + hobbies) from a file or from rows.

    `file` is a path or binary stream (CSV in UTF-8, BOM optional, or XLSX) whose header has
    `CUSTOMER_IMPORT_COLUMNS`; the computed columns of an export are accepted and ignored. `rows` are
    mappings with those keys instead. A row is the customer's whole portrait: empty needs clear them.

    Everything is validated first, with the models' rules; if any row is wrong, nothing is written and
    `errors` lists every problem as `line N: column: problem`. Unknown terms are errors unless
    `create_terms`. A `dry_run` stops before writing. Otherwise one transaction writes it all in a
    constant number of queries and sends `portraits_changed` with the ids of created and updated
    customers (unchanged ones are counted apart and not sent), so matching reclassifies them.
    """
    return CUSTOMER_IMPORT.run(rows=rows, file=file, create_terms=create_terms, dry_run=dry_run)
