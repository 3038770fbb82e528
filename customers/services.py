"""Writes on customer portraits."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_rows_check, users_upsert
from portrait.tabular import (
    ImportResult,
    Row,
    RowError,
    Source,
    cell_to_field,
    model_errors,
    sorted_errors,
    split_terms,
    table_from,
)
from vocabularies.models import Hobby, Service
from vocabularies.services import (
    TermResolution,
    term_key,
    term_links_load,
    term_links_replace,
    terms_create_missing,
    terms_resolve,
)

from .models import CustomerProfile
from .selectors import CUSTOMER_COMPUTED_COLUMNS, CUSTOMER_IMPORT_COLUMNS
from .signals import portraits_changed

_PROFILE_COLUMNS = ("age", "occupation", "total_assets")
_TERM_COLUMNS = (("needs", Service), ("hobbies", Hobby))  # column = the many-to-many field's name
# Fields the file does not carry (user, manager, class...): full_clean() leaves them alone.
_NOT_IN_FILE = tuple(f.name for f in CustomerProfile._meta.fields if f.name not in _PROFILE_COLUMNS)


@dataclass
class _Plan:
    """One valid row: the portrait to save and what would change."""

    username: str
    name: str
    profile: CustomerProfile  # unsaved when `created`
    created: bool
    terms: dict[str, list[str]]
    changed: bool = False
    term_changes: set[str] = field(default_factory=set)  # columns whose term set changes


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
    customers (unchanged ones are counted apart and not sent).
    """
    table = table_from(rows=rows, file=file, required=CUSTOMER_IMPORT_COLUMNS, ignored=CUSTOMER_COMPUTED_COLUMNS)
    errors = list(table.errors)
    users = user_rows_check(rows=table.rows, role=Role.CUSTOMER)
    errors += users.errors
    profiles = {
        profile.user_id: profile
        for profile in CustomerProfile.objects.filter(user_id__in=[user.pk for user in users.existing.values()])
    }
    relations = {column: CustomerProfile._meta.get_field(column) for column, _model in _TERM_COLUMNS}
    current = {
        column: term_links_load(relation=relation, owner_ids=[profile.pk for profile in profiles.values()])
        for column, relation in relations.items()
    }
    resolutions = {
        column: terms_resolve(
            model=model, names=(name for row in table.rows for name in split_terms(row.values[column])), create=create_terms,
        )
        for column, model in _TERM_COLUMNS
    }

    plans = []
    for row in table.rows:
        username = users.usernames.get(row.line)
        user = users.existing.get(username) if username else None
        profile = profiles.get(user.pk) if user is not None else None
        plan, row_errors = _plan_row(row, username=username, profile=profile, current=current, resolutions=resolutions)
        if user is not None and plan is not None and user.name != plan.name:
            plan.changed = True
        errors += row_errors
        if plan is not None and not row_errors:
            plans.append(plan)

    if errors:
        return ImportResult(errors=sorted_errors(errors, columns=CUSTOMER_IMPORT_COLUMNS), dry_run=dry_run)
    result = ImportResult(
        created=sum(plan.created for plan in plans),
        updated=sum(plan.changed and not plan.created for plan in plans),
        unchanged=sum(not plan.changed for plan in plans),
        dry_run=dry_run,
        created_terms=[
            f"{column}: {name}" for column, resolution in resolutions.items() for name in resolution.missing.values()
        ],
    )
    if not dry_run:
        _write(plans, users_existing=users.existing, resolutions=resolutions, relations=relations)
    return result


def _plan_row(
    row: Row,
    *,
    username: str | None,
    profile: CustomerProfile | None,
    current: dict[str, dict[int, set[int]]],
    resolutions: dict[str, TermResolution],
) -> tuple[_Plan | None, list[RowError]]:
    """Validate one row's portrait cells with the model and its terms; the plan is None without a username."""
    errors = []
    instance = profile if profile is not None else CustomerProfile()
    before = [getattr(instance, column) for column in _PROFILE_COLUMNS]
    bad_cells = []
    for column in _PROFILE_COLUMNS:
        if problem := cell_to_field(instance, column, row.values[column]):
            errors.append(RowError(row.line, column, problem, "invalid"))
            bad_cells.append(column)
    errors += [
        RowError(row.line, name, message, "invalid")
        for name, message in model_errors(instance, exclude=[*_NOT_IN_FILE, *bad_cells])
    ]

    terms, term_changes = {}, set()
    for column, resolution in resolutions.items():
        linked = current[column].get(profile.pk, set()) if profile is not None else set()
        terms[column] = split_terms(row.values[column])
        for name in terms[column]:
            if problem := resolution.problem(name, allowed_ids=linked):
                errors.append(RowError(row.line, column, problem[1], problem[0]))
        if not errors and (
            any(term_key(name) in resolution.missing for name in terms[column])
            or resolution.ids_for(terms[column]) != linked
        ):
            term_changes.add(column)
    if username is None or errors:
        return None, errors
    plan = _Plan(
        username=username, name=row.values["name"], profile=instance, created=profile is None, terms=terms,
        term_changes=term_changes,
    )
    plan.changed = plan.created or bool(term_changes) or before != [getattr(instance, c) for c in _PROFILE_COLUMNS]
    return plan, errors


def _write(
    plans: list[_Plan],
    *,
    users_existing: dict[str, User],
    resolutions: dict[str, TermResolution],
    relations: dict[str, models.ManyToManyField],
) -> None:
    with transaction.atomic():
        for resolution in resolutions.values():
            terms_create_missing(resolution=resolution)
        users = users_upsert(
            names={plan.username: plan.name for plan in plans}, role=Role.CUSTOMER, existing=users_existing,
        ).users

        new = [plan.profile for plan in plans if plan.created]
        for plan in plans:
            if plan.created:
                plan.profile.user = users[plan.username]
        CustomerProfile.objects.bulk_create(new)
        if any(profile.pk is None for profile in new):  # backends that return no ids from a bulk insert (MySQL)
            ids = dict(CustomerProfile.objects.filter(user_id__in=[p.user_id for p in new]).values_list("user_id", "pk"))
            for profile in new:
                profile.pk = ids[profile.user_id]
                profile._state.adding, profile._state.db = False, CustomerProfile.objects.db

        updated = [plan.profile for plan in plans if plan.changed and not plan.created]
        now = timezone.now()
        for profile in updated:
            profile.updated_at = now  # bulk_update() does not run auto_now
        CustomerProfile.objects.bulk_update(updated, [*_PROFILE_COLUMNS, "updated_at"])

        for column, relation in relations.items():
            term_links_replace(
                relation=relation,
                links={
                    plan.profile.pk: resolutions[column].ids_for(plan.terms[column])
                    for plan in plans
                    if column in plan.term_changes
                },
            )
        changed_ids = [plan.profile.pk for plan in plans if plan.changed]
        if changed_ids:
            # Inside the transaction: if reclassifying fails, the import is rolled back with it.
            portraits_changed.send(sender=CustomerProfile, customer_ids=changed_ids)
