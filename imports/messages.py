"""What an import says to people, worded so a command and a web page can each say it right.

The counts and problems are the same everywhere; only the hints for problems an option fixes differ
with where the user is: a command names its `--create-terms` option, an upload page its "create missing
terms" box; a command names its `--max-bytes` and `--max-rows` options, a page the settings behind its
limits (and the commands, which take larger files). Callers pick the hints (`COMMAND_HINTS`, `PAGE_HINTS`:
hint by problem code) or build the page from `import_errors_report` themselves.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.tabular import ImportResult, RowError

COMMAND_UNKNOWN_TERMS_HINT = gettext_lazy(
    "Add the unknown terms in the admin, or import again with --create-terms to create them."
)
# The upload page's boxes: its form labels them with these, and its hints name them the same way.
CREATE_TERMS_LABEL = gettext_lazy("Create needs, hobbies and branch codes that do not exist yet")
CONFIRM_OVERFLOW_LABEL = gettext_lazy("Keep customers above a lowered capacity")
PAGE_UNKNOWN_TERMS_HINT = format_lazy(
    gettext_lazy("Add the unknown terms in the admin, or tick “{box}” and upload the file again."),
    box=CREATE_TERMS_LABEL,
)
# The limits of what a file may hold: the settings set them for everyone; a command may raise two of them.
_COLUMNS_HINT = gettext_lazy(
    "The PORTRAIT_IMPORT_MAX_COLUMNS setting (an environment variable) sets how many columns a row may have."
)
_CELL_HINT = gettext_lazy(
    "The PORTRAIT_IMPORT_MAX_CELL_CHARS setting (an environment variable) sets how long a cell may be."
)
COMMAND_HINTS = {
    "unknown_term": COMMAND_UNKNOWN_TERMS_HINT,
    "unknown_branch": gettext_lazy(
        "Add the branches with import_branches or in the admin, or import again with --create-terms to create "
        "them with their code as name (then give them a name and region in the admin)."
    ),
    "capacity_below_book": gettext_lazy(
        "Move those managers' books first, or import again with --confirm-overflow to keep their customers."
    ),
    "too_big": gettext_lazy(
        "Import it again with a larger --max-bytes (for example --max-bytes 500MB), or with --no-limit to lift "
        "the size and row limits for this import (PORTRAIT_IMPORT_MAX_BYTES sets the default)."
    ),
    "too_many_rows": gettext_lazy(
        "Import it again with a larger --max-rows (for example --max-rows 2000000), or with --no-limit to lift "
        "the size and row limits for this import (PORTRAIT_IMPORT_MAX_ROWS sets the default)."
    ),
    "too_many_columns": _COLUMNS_HINT,
    "cell_too_long": _CELL_HINT,
}
PAGE_HINTS = {
    "unknown_term": PAGE_UNKNOWN_TERMS_HINT,
    "unknown_branch": format_lazy(
        gettext_lazy(
            "Add the branches in the admin, or tick “{box}” and upload the file again to create them with their "
            "code as name (then give them a name and region in the admin)."
        ),
        box=CREATE_TERMS_LABEL,
    ),
    "capacity_below_book": format_lazy(
        gettext_lazy("Move those managers' books first, or tick “{box}” and upload the file again."),
        box=CONFIRM_OVERFLOW_LABEL,
    ),
    "too_big": gettext_lazy(
        "The PORTRAIT_IMPORT_MAX_BYTES setting sets the largest file this page takes: an administrator may "
        "raise it, or import the file with the import_customers or import_managers command and its "
        "--max-bytes option; or split the file."
    ),
    "too_many_rows": gettext_lazy(
        "The PORTRAIT_IMPORT_MAX_ROWS setting sets how many rows this page takes: an administrator may raise "
        "it, or import the file with the import_customers or import_managers command and its --max-rows "
        "option; or split the file."
    ),
    "too_many_columns": _COLUMNS_HINT,
    "cell_too_long": _CELL_HINT,
}


def import_summary(result: ImportResult, *, noun: str) -> str:
    """One line: "Imported 120 customers: 100 created, 20 updated, 0 unchanged." (dry runs say so)."""
    counts = {
        "total": result.total, "noun": noun, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if result.dry_run:
        text = _(
            "Dry run, nothing written: %(total)d %(noun)s valid: %(created)d to create, "
            "%(updated)d to update, %(unchanged)d unchanged."
        ) % counts
    else:
        text = _(
            "Imported %(total)d %(noun)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
        ) % counts
    if result.created_terms:
        terms = {"summary": text, "terms": ", ".join(result.created_terms)}
        if result.dry_run:
            text = _("%(summary)s Terms to create: %(terms)s.") % terms
        else:
            text = _("%(summary)s Created terms: %(terms)s.") % terms
    return text


@dataclass(frozen=True)
class ErrorReport:
    """A rejected file, in parts: a heading and the problems in file order; the surface adds its own hints
    for the kinds of problem an option fixes (an option to pass, a box to tick)."""

    heading: str
    problems: list[RowError]

    @property
    def unknown_terms(self) -> bool:
        return any(problem.code == "unknown_term" for problem in self.problems)

    def hints(self, hints_by_code: dict[str, str]) -> list[str]:
        return hints_for((problem.code for problem in self.problems), hints_by_code)


def hints_for(codes: Iterable[str], hints_by_code: dict[str, str]) -> list[str]:
    """The hints for these kinds of problem (codes may repeat), in the order of `hints_by_code`."""
    present = set(codes)
    return [str(hint) for code, hint in hints_by_code.items() if code in present]


def import_errors_report(result: ImportResult, *, source: str) -> ErrorReport:
    count = len(result.errors)
    heading = ngettext(
        "%(source)s: %(count)d problem; nothing was imported.",
        "%(source)s: %(count)d problems; nothing was imported.",
        count,
    ) % {"source": source, "count": count}
    return ErrorReport(heading=heading, problems=list(result.errors))


def import_errors_message(result: ImportResult, *, source: str, hints: dict[str, str]) -> str:
    """Every problem of a rejected file, one per line, then the hints (`COMMAND_HINTS`…) for its kinds of problem."""
    report = import_errors_report(result, source=source)
    return "\n".join([report.heading, *map(str, report.problems), *report.hints(hints)])
