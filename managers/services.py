"""Writes on relationship manager profiles."""
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

from .models import ManagerProfile

MANAGER_IMPORT_COLUMNS = ("username", "name", "capabilities", "hobbies", "capacity")
_REQUIRED_COLUMNS = ("username", "name", "capabilities", "hobbies")
_PROFILE_COLUMNS = ("capacity",)  # optional: empty keeps the default (new) or the current value (existing)
_TERM_COLUMNS = (("capabilities", Service), ("hobbies", Hobby))  # column = the many-to-many field's name
_NOT_IN_FILE = tuple(f.name for f in ManagerProfile._meta.fields if f.name not in _PROFILE_COLUMNS)


@dataclass
class _Plan:
    username: str
    name: str
    profile: ManagerProfile  # unsaved when `created`
    created: bool
    terms: dict[str, list[str]]
    changed: bool = False
    term_changes: set[str] = field(default_factory=set)


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
    touched. Validation, dry run, errors and writes work as in `customers.services.customers_import`;
    no signal is sent.
    """
    table = table_from(rows=rows, file=file, required=_REQUIRED_COLUMNS, optional=_PROFILE_COLUMNS)
    errors = list(table.errors)
    users = user_rows_check(rows=table.rows, role=Role.MANAGER)
    errors += users.errors
    profiles = {
        profile.user_id: profile
        for profile in ManagerProfile.objects.filter(user_id__in=[user.pk for user in users.existing.values()])
    }
    relations = {column: ManagerProfile._meta.get_field(column) for column, _model in _TERM_COLUMNS}
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
        return ImportResult(errors=sorted_errors(errors, columns=MANAGER_IMPORT_COLUMNS), dry_run=dry_run)
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
    profile: ManagerProfile | None,
    current: dict[str, dict[int, set[int]]],
    resolutions: dict[str, TermResolution],
) -> tuple[_Plan | None, list[RowError]]:
    errors = []
    instance = profile if profile is not None else ManagerProfile()
    before = [getattr(instance, column) for column in _PROFILE_COLUMNS]
    bad_cells = []
    for column in _PROFILE_COLUMNS:
        text = row.values.get(column, "")
        if text and (problem := cell_to_field(instance, column, text)):
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
            names={plan.username: plan.name for plan in plans}, role=Role.MANAGER, existing=users_existing,
        ).users

        new = [plan.profile for plan in plans if plan.created]
        for plan in plans:
            if plan.created:
                plan.profile.user = users[plan.username]
        ManagerProfile.objects.bulk_create(new)
        if any(profile.pk is None for profile in new):  # backends that return no ids from a bulk insert (MySQL)
            ids = dict(ManagerProfile.objects.filter(user_id__in=[p.user_id for p in new]).values_list("user_id", "pk"))
            for profile in new:
                profile.pk = ids[profile.user_id]
                profile._state.adding, profile._state.db = False, ManagerProfile.objects.db

        updated = [plan.profile for plan in plans if plan.changed and not plan.created]
        now = timezone.now()
        for profile in updated:
            profile.updated_at = now  # bulk_update() does not run auto_now
        ManagerProfile.objects.bulk_update(updated, [*_PROFILE_COLUMNS, "updated_at"])

        for column, relation in relations.items():
            term_links_replace(
                relation=relation,
                links={
                    plan.profile.pk: resolutions[column].ids_for(plan.terms[column])
                    for plan in plans
                    if column in plan.term_changes
                },
            )
