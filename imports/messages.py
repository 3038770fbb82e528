"""What an import says to people, worded so a command and a web page can each say it right.

The counts and problems are the same everywhere; only the hint for unknown terms differs with where
the user is: a command names its `--create-terms` option, an upload page its "create missing terms"
box. Callers pick the hint (`COMMAND_UNKNOWN_TERMS_HINT`, `PAGE_UNKNOWN_TERMS_HINT`) or build the
page from `import_errors_report` themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.tabular import ImportResult, RowError

COMMAND_UNKNOWN_TERMS_HINT = gettext_lazy(
    "Add the unknown terms in the admin, or import again with --create-terms to create them."
)
PAGE_UNKNOWN_TERMS_HINT = gettext_lazy(
    "Add the unknown terms in the admin, or tick “create missing terms” and upload the file again."
)


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
    """A rejected file, in parts: a heading, the problems in file order, and whether terms were unknown
    (then the surface adds its own hint: an option to pass, a box to tick)."""

    heading: str
    problems: list[RowError]
    unknown_terms: bool


def import_errors_report(result: ImportResult, *, source: str) -> ErrorReport:
    count = len(result.errors)
    heading = ngettext(
        "%(source)s: %(count)d problem; nothing was imported.",
        "%(source)s: %(count)d problems; nothing was imported.",
        count,
    ) % {"source": source, "count": count}
    return ErrorReport(
        heading=heading,
        problems=list(result.errors),
        unknown_terms=any(error.code == "unknown_term" for error in result.errors),
    )


def import_errors_message(result: ImportResult, *, source: str, unknown_terms_hint: str) -> str:
    """Every problem of a rejected file, one per line, then `unknown_terms_hint` if a term was unknown."""
    report = import_errors_report(result, source=source)
    lines = [report.heading, *map(str, report.problems)]
    if report.unknown_terms:
        lines.append(str(unknown_terms_hint))
    return "\n".join(lines)
