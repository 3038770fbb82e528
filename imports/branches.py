"""Branches from a file (`code,name,region`): every row checked with the model's rules, then all written or
none, like the profile imports. A code already stored updates that branch's name and region."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.tabular import ImportResult, RowError, Source, model_errors, sorted_errors, table_from
from vocabularies.models import Branch

BRANCH_IMPORT_COLUMNS = ("code", "name", "region")


@transaction.atomic
def branches_import(*, file: Source, actor: User | None = None, dry_run: bool = False) -> ImportResult:
    """Create or update branches by code; a few dozen rows, so each is checked with `full_clean`.
    Recorded as "branches.imported" by `actor` (None: the system)."""
    table = table_from(file=file, required=BRANCH_IMPORT_COLUMNS)
    errors = list(table.errors)
    stored = {branch.code: branch for branch in Branch.objects.all()}
    seen: dict[str, int] = {}
    changed: list[Branch] = []
    created = unchanged = 0
    for row in table.rows:
        code = row.values["code"]
        if code in seen:
            errors.append(RowError(
                row.line, "code", _("“%(code)s” is also on line %(line)d") % {"code": code, "line": seen[code]},
                "duplicate",
            ))
            continue
        seen[code] = row.line
        branch = stored.get(code) or Branch(code=code)
        before = (branch.name, branch.region)
        branch.name, branch.region = row.values["name"], row.values["region"]
        problems = model_errors(branch, exclude=[] if branch.pk is None else ["code"])
        errors += [RowError(row.line, field, message, "invalid") for field, message in problems]
        if problems:
            continue
        if branch.pk is None:
            created += 1
            changed.append(branch)
        elif (branch.name, branch.region) != before:
            changed.append(branch)
        else:
            unchanged += 1
    if errors:
        return ImportResult(errors=sorted_errors(errors, columns=BRANCH_IMPORT_COLUMNS), dry_run=dry_run)
    result = ImportResult(created=created, updated=len(changed) - created, unchanged=unchanged, dry_run=dry_run)
    if not dry_run:
        for branch in changed:  # dozens of rows: a save each keeps the model's normalisation
            branch.save()
        audit_record(actor=actor, action="branches.imported", target_type=Branch._meta.label_lower,
                     summary="", data={"created": result.created, "updated": result.updated})
    return result
