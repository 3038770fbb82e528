"""The contact log's import: rows of `contacts.selectors.CONTACT_COLUMNS`, validated whole, then added.

The same contract as the profile imports (`imports.pipeline`): every row checked with the model's own rules
(its fields' validators and `Contact.clean()`), people resolved by username, every problem reported as
`line N: column: problem`, and nothing written unless the whole file is right. A contact is history: the
import adds entries and never changes one. A row that repeats an entry already recorded, identical, is
counted as unchanged (an export re-imports into the same database without doubling the log); the same
customer, manager, time and channel with another summary or follow-up is an error on its line.
"""
from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from contacts.models import Contact
from contacts.selectors import CONTACT_COLUMNS
from contacts.services import contacts_insert
from core.bulk import BATCH_SIZE
from core.tabular import (
    CellValues, ImportResult, Limits, Row, RowError, Source, model_errors, shorten, sorted_errors, table_from,
)
from customers.models import CustomerProfile
from managers.models import ManagerProfile

OPTIONAL_COLUMNS = ("next_follow_up",)
_CELL_COLUMNS = ("contacted_at", "channel", "summary", "next_follow_up")
_FIELDS = [field.name for field in Contact._meta.fields]


def _profile_ids(model, usernames: set[str]) -> dict[str, int]:
    """{username: profile id} for the users among `usernames` who have a profile of `model`."""
    names = sorted(usernames)
    found = {}
    for start in range(0, len(names), BATCH_SIZE):
        chunk = names[start : start + BATCH_SIZE]
        found.update(model.objects.filter(user__username__in=chunk).values_list("user__username", "pk"))
    return found


def _recorded(customer_ids: set[int]) -> dict[tuple, tuple]:
    """The log of these customers: {(customer, manager, contacted_at, channel): (summary, next_follow_up)}."""
    ids = sorted(customer_ids)
    recorded = {}
    for start in range(0, len(ids), BATCH_SIZE):
        rows = Contact.objects.filter(customer_id__in=ids[start : start + BATCH_SIZE]).values_list(
            "customer_id", "manager_id", "contacted_at", "channel", "summary", "next_follow_up",
        )
        for customer_id, manager_id, contacted_at, channel, summary, next_follow_up in rows:
            recorded[(customer_id, manager_id, contacted_at, channel)] = (summary, next_follow_up)
    return recorded


def _aware(value: datetime.datetime) -> datetime.datetime:
    """A time without an offset is the bank's (`TIME_ZONE`), as the export writes it."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check(table_rows: list[Row]) -> tuple[list[Contact], int, list[RowError]]:
    """The contacts to add, how many rows repeat recorded ones, and every problem."""
    errors: list[RowError] = []
    customers = _profile_ids(CustomerProfile, {row.values["customer"] for row in table_rows})
    managers = _profile_ids(ManagerProfile, {row.values["manager"] for row in table_rows})
    recorded = _recorded(set(customers.values()))
    cells = CellValues(Contact, _CELL_COLUMNS)
    new: list[Contact] = []
    unchanged = 0
    seen: dict[tuple, int] = {}
    for row in table_rows:
        row_errors = []
        ids = {}
        for column, found, message in (
            ("customer", customers, _("no customer has the username %(username)s")),
            ("manager", managers, _("no manager has the username %(username)s")),
        ):
            username = row.values[column]
            if not username:
                row_errors.append(RowError(row.line, column, _("This field cannot be blank."), "required"))
            elif username not in found:
                row_errors.append(RowError(row.line, column, message % {"username": shorten(username)}, "unknown"))
            else:
                ids[column] = found[username]
        values = {}
        for column in _CELL_COLUMNS:
            value, problems = cells.read(column, row.values.get(column, ""))
            row_errors += [RowError(row.line, column, problem, "invalid") for problem in problems]
            values[column] = value
        if row_errors:
            errors += row_errors
            continue
        contact = Contact(
            customer_id=ids["customer"], manager_id=ids["manager"], contacted_at=_aware(values["contacted_at"]),
            channel=values["channel"], summary=values["summary"], next_follow_up=values["next_follow_up"],
        )
        rules = model_errors(contact, exclude=_FIELDS)  # Contact.clean(): not in the future, follow-up after
        if rules:
            errors += [RowError(row.line, name, message, "invalid") for name, message in rules]
            continue
        key = (contact.customer_id, contact.manager_id, contact.contacted_at, contact.channel)
        if key in seen:
            message = _("the same contact (customer, manager, time and channel) is on line %(line)d") % {
                "line": seen[key]
            }
            errors.append(RowError(row.line, "row", message, "duplicate"))
            continue
        seen[key] = row.line
        if key in recorded:
            if recorded[key] != (contact.summary, contact.next_follow_up):
                message = _(
                    "this contact (customer, manager, time and channel) is recorded with another summary or "
                    "follow-up; an import adds contacts and changes none"
                )
                errors.append(RowError(row.line, "row", message, "conflict"))
            else:
                unchanged += 1
            continue
        new.append(contact)
    return new, unchanged, errors


def _source_name(file: Source | None) -> str:
    if file is None or isinstance(file, bytes):
        return ""
    name = file if isinstance(file, (str, os.PathLike)) else getattr(file, "name", "")
    return os.path.basename(os.fspath(name)) if isinstance(name, (str, os.PathLike)) else ""


def contacts_import(
    *,
    actor: User | None = None,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> ImportResult:
    """Add contacts to the log from a file (CSV in UTF-8 or XLSX, header `CONTACT_COLUMNS`;
    `next_follow_up` optional) or from rows.

    `customer` and `manager` are usernames of existing profiles (any manager: a log brought over from
    another system keeps who recorded each entry, present manager or not); `contacted_at` is ISO 8601
    (without an offset: the bank's time zone), `channel` one of `contacts.models.Channel`'s values,
    `next_follow_up` YYYY-MM-DD or empty. Validation, errors, dry run and all-or-nothing as in
    `imports.services.customers_import`, within `limits` (the settings' unless given); recorded as
    "contacts.imported" (a dry run as "contacts.imported_checked") by `actor` (None: the system).
    """
    required = tuple(column for column in CONTACT_COLUMNS if column not in OPTIONAL_COLUMNS)
    with transaction.atomic():
        table = table_from(rows=rows, file=file, required=required, optional=OPTIONAL_COLUMNS, limits=limits)
        new, unchanged, errors = _check(table.rows)
        errors = list(table.errors) + errors
        if errors:
            return ImportResult(errors=sorted_errors(errors, columns=CONTACT_COLUMNS), dry_run=dry_run)
        result = ImportResult(created=len(new), unchanged=unchanged, dry_run=dry_run)
        if not dry_run:
            contacts_insert(contacts=new)
        audit_record(
            actor=actor,
            action="contacts.imported_checked" if dry_run else "contacts.imported",
            target_type=Contact._meta.label_lower,
            summary=_source_name(file),
            data={"file": _source_name(file), "dry_run": dry_run, "created": result.created, "unchanged": unchanged},
        )
    return result
