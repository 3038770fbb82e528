"""One import pipeline for every kind of profile (customers, managers): validate all, then write in bulk.

A `ProfileImport` says which model, role and columns; the pipeline does the rest the same way for
each: rows checked with the model's own validators, terms resolved against the vocabularies, every
problem reported as `line N: column: problem`, and nothing written unless the whole file is right.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_rows_check, users_upsert
from core.bulk import bulk_create_with_ids, m2m_links_load, m2m_links_replace
from core.tabular import (
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
from vocabularies.services import (
    TermResolution,
    term_key,
    terms_create_missing,
    terms_resolve,
)


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
    # Things to tell about valid rows that are not errors (a capacity below the current book): gets the
    # existing profiles the file changes, with their new values set but not saved; dry runs warn too.
    warnings: Callable[[list[models.Model]], list[str]] | None = None

    @property
    def not_in_file(self) -> tuple[str, ...]:
        """Fields the file does not carry (user, manager, class...): full_clean() leaves them alone."""
        return tuple(f.name for f in self.model._meta.fields if f.name not in self.profile_columns)

    def run(
        self,
        *,
        rows: Iterable[Mapping[str, Any] | Row] | None = None,
        file: Source | None = None,
        create_terms: bool = False,
        dry_run: bool = False,
    ) -> ImportResult:
        """Validate everything; unless there are errors or it is a dry run, write it all in one transaction."""
        required = tuple(column for column in self.columns if column not in self.optional)
        table = table_from(rows=rows, file=file, required=required, optional=self.optional, ignored=self.ignored)
        errors = list(table.errors)
        users = user_rows_check(rows=table.rows, role=self.role)
        errors += users.errors
        profiles = {
            profile.user_id: profile
            for profile in self.model.objects.filter(user_id__in=[user.pk for user in users.existing.values()])
        }
        for user in users.existing.values():
            if user.pk in profiles:
                profiles[user.pk].user = user  # already read: str(profile) costs no query
        relations = {column: self.model._meta.get_field(column) for column, _model in self.term_columns}
        current = {
            column: m2m_links_load(relation, owner_ids=[profile.pk for profile in profiles.values()])
            for column, relation in relations.items()
        }
        resolutions = {
            column: terms_resolve(
                model=model, names=(name for row in table.rows for name in split_terms(row.values[column])),
                create=create_terms,
            )
            for column, model in self.term_columns
        }

        plans = []
        for row in table.rows:
            username = users.usernames.get(row.line)
            user = users.existing.get(username) if username else None
            profile = profiles.get(user.pk) if user is not None else None
            plan, row_errors = self._plan_row(
                row, username=username, profile=profile, current=current, resolutions=resolutions
            )
            if user is not None and plan is not None and user.name != plan.name:
                plan.changed = True
            errors += row_errors
            if plan is not None and not row_errors:
                plans.append(plan)

        if errors:
            return ImportResult(errors=sorted_errors(errors, columns=self.columns), dry_run=dry_run)
        result = ImportResult(
            created=sum(plan.created for plan in plans),
            updated=sum(plan.changed and not plan.created for plan in plans),
            unchanged=sum(not plan.changed for plan in plans),
            dry_run=dry_run,
            created_terms=[
                f"{column}: {name}"
                for column, resolution in resolutions.items()
                for name in resolution.missing.values()
            ],
        )
        if self.warnings is not None:
            result.warnings = self.warnings([plan.profile for plan in plans if plan.changed and not plan.created])
        if not dry_run:
            self._write(plans, users_existing=users.existing, resolutions=resolutions, relations=relations)
        return result

    def _plan_row(
        self,
        row: Row,
        *,
        username: str | None,
        profile: models.Model | None,
        current: dict[str, dict[int, set[int]]],
        resolutions: dict[str, TermResolution],
    ) -> tuple[_Plan | None, list[RowError]]:
        """Validate one row's portrait cells with the model and its terms; the plan is None without a username."""
        errors = []
        instance = profile if profile is not None else self.model()
        before = [getattr(instance, column) for column in self.profile_columns]
        bad_cells = []
        for column in self.profile_columns:
            text = row.values.get(column, "")
            if column in self.optional and not text:
                continue
            if problem := cell_to_field(instance, column, text):
                errors.append(RowError(row.line, column, problem, "invalid"))
                bad_cells.append(column)
        errors += [
            RowError(row.line, name, message, "invalid")
            for name, message in model_errors(instance, exclude=[*self.not_in_file, *bad_cells])
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
            username=username,
            name=row.values["name"],
            profile=instance,
            created=profile is None,
            terms=terms,
            term_changes=term_changes,
        )
        plan.changed = (
            plan.created or bool(term_changes) or before != [getattr(instance, c) for c in self.profile_columns]
        )
        return plan, errors

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
            users = users_upsert(
                names={plan.username: plan.name for plan in plans},
                role=self.role,
                existing=users_existing,
            ).users

            new = [plan.profile for plan in plans if plan.created]
            for plan in plans:
                if plan.created:
                    plan.profile.user = users[plan.username]
            bulk_create_with_ids(self.model, new, key_field="user")

            updated = [plan.profile for plan in plans if plan.changed and not plan.created]
            now = timezone.now()
            for profile in updated:
                profile.updated_at = now  # bulk_update() does not run auto_now
            self.model.objects.bulk_update(updated, [*self.profile_columns, "updated_at"])

            for column, relation in relations.items():
                m2m_links_replace(
                    relation,
                    {
                        plan.profile.pk: resolutions[column].ids_for(plan.terms[column])
                        for plan in plans
                        if column in plan.term_changes
                    },
                )
            changed_ids = [plan.profile.pk for plan in plans if plan.changed]
            if changed_ids and self.after_write:
                # Inside the transaction: if what follows fails, the import is rolled back with it.
                self.after_write(changed_ids)


@dataclass
class _Plan:
    """One valid row: the portrait to save and what would change."""

    username: str
    name: str
    profile: models.Model  # unsaved when `created`
    created: bool
    terms: dict[str, list[str]]
    changed: bool = False
    term_changes: set[str] = field(default_factory=set)  # columns whose term set changes
