"""Tabular files in and out: CSV (UTF-8, with or without BOM) and XLSX, shared by every import and export.

Reading returns rows with the physical line each one starts on and collects every problem as a
`RowError` instead of stopping at the first, so an import can report the whole file at once.
Writing escapes cells a spreadsheet would run as a formula; reading undoes exactly that escape, so an
export re-imports unchanged.
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Union

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

Source = Union[str, os.PathLike, bytes, IO[bytes]]

TERM_SEPARATOR = ";"
# Chinese input methods type the full-width semicolon; accept it as the same separator.
_TERM_SPLIT_RE = re.compile(r"[;\uff1b]")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV/DDE injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")
ESCAPE_PREFIX = "'"
_XLSX_MAGIC = b"PK\x03\x04"
# Control characters that XML 1.0 (and so openpyxl) refuses.
_ILLEGAL_XLSX_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- Results shared by every import ------------------------------------------------------------
# Problems that belong to no column name the row, the file or its header; shown translated.
_PSEUDO_FIELDS = {
    "row": pgettext_lazy("where an import problem is", "row"),
    "file": pgettext_lazy("where an import problem is", "file"),
    "header": pgettext_lazy("where an import problem is", "header"),
}


@dataclass(frozen=True)
class RowError:
    """One problem in an input file: the physical line (header = 1), the column and what is wrong."""

    line: int
    field: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return _("line %(line)d: %(field)s: %(message)s") % {
            "line": self.line, "field": _PSEUDO_FIELDS.get(self.field, self.field), "message": self.message,
        }


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a rejected file, would have done)."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    unchanged: int = 0
    created_terms: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def sorted_errors(errors: Iterable[RowError], *, columns: Sequence[str]) -> list[RowError]:
    """By line, then in the order of `columns` (problems with the whole row or file first)."""
    position = {column: index for index, column in enumerate(columns)}
    return sorted(errors, key=lambda error: (error.line, position.get(error.field, -1)))


def import_summary(result: ImportResult, *, noun: str) -> str:
    """One line for a command's output: "Imported 120 customers: 100 created, 20 updated, 0 unchanged." """
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


def import_errors_message(result: ImportResult, *, source: str) -> str:
    """Every problem of a rejected file, one per line, for a CommandError."""
    count = len(result.errors)
    heading = ngettext(
        "%(source)s: %(count)d problem; nothing was imported.",
        "%(source)s: %(count)d problems; nothing was imported.",
        count,
    ) % {"source": source, "count": count}
    lines = [heading, *map(str, result.errors)]
    if any(error.code == "unknown_term" for error in result.errors):
        lines.append(_("Add the unknown terms in the admin, or import again with --create-terms to create them."))
    return "\n".join(lines)


@dataclass(frozen=True)
class Row:
    """One data row: the physical line it starts on and its cells by column name (stripped, unescaped)."""

    line: int
    values: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    errors: list[RowError]


# --- Cells --------------------------------------------------------------------------------------
def escape_formula(value: str) -> str:
    """Prefix `'` to a text a spreadsheet would run as a formula; also to a text that starts with `'`,
    so `unescape_formula` can tell the two apart and the escape round-trips exactly."""
    if value and (value[0] in FORMULA_PREFIXES or value[0] == ESCAPE_PREFIX):
        return ESCAPE_PREFIX + value
    return value


def unescape_formula(value: str) -> str:
    """Inverse of `escape_formula`; a hand-typed `'abc` (nothing escaped) stays as it is."""
    if len(value) > 1 and value[0] == ESCAPE_PREFIX and (value[1] in FORMULA_PREFIXES or value[1] == ESCAPE_PREFIX):
        return value[1:]
    return value


def split_terms(cell: str) -> list[str]:
    """`"Funds; Insurance;;funds"` -> `["Funds", "Insurance"]`: stripped, blanks dropped, first spelling kept
    when the same name (ignoring case) repeats."""
    names, seen = [], set()
    for part in _TERM_SPLIT_RE.split(cell or ""):
        name = part.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def join_terms(names: Iterable[str]) -> str:
    return TERM_SEPARATOR.join(names)


def model_errors(instance: models.Model, *, exclude: Iterable[str]) -> list[tuple[str, str]]:
    """Run the model's own field validation and `clean()` on an unsaved (or changed) instance.

    Returns `(field, message)` pairs, `"row"` for errors that belong to no field. Unique checks and
    database constraints are skipped: they cost one query per row, and the validators on the fields
    carry the same rules; uniqueness across rows is the caller's (one query for the whole file).
    """
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            ("row" if name == NON_FIELD_ERRORS else name, str(message))
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def cell_to_field(instance: models.Model, name: str, text: str) -> str | None:
    """Put a cell's text on a model field, for `model_errors` to validate; return a problem, or None.

    Numbers are taken only in plain notation and never through float: "1234567.89" becomes exactly
    Decimal("1234567.89"), while "1e3", "1,000" or "abc" get the field's own "invalid" message. An empty
    cell is None for a nullable field, blank text for a text field and the field's "blank" message
    otherwise. Range, length and decimal-place rules are left to the model's validators.
    """
    model_field = instance._meta.get_field(name)
    if text == "":
        if isinstance(model_field, (models.CharField, models.TextField)):
            setattr(instance, model_field.attname, "")
        elif model_field.null:
            setattr(instance, model_field.attname, None)
        else:
            return str(model_field.error_messages["blank"])
        return None
    if isinstance(model_field, models.DecimalField):
        if not _DECIMAL_RE.fullmatch(text):
            return str(model_field.error_messages["invalid"] % {"value": text})
        setattr(instance, model_field.attname, Decimal(text))
        return None
    if isinstance(model_field, models.IntegerField) and not _INTEGER_RE.fullmatch(text):
        return str(model_field.error_messages["invalid"] % {"value": text})
    setattr(instance, model_field.attname, text)  # full_clean() converts it with the field's to_python()
    return None


# --- Reading -------------------------------------------------------------------------------------
def read_table(
    source: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
) -> Table:
    """Read a CSV (UTF-8, BOM optional) or XLSX file (recognised by its content) with a header row.

    Header names are matched ignoring case and surrounding spaces. `required` columns must be present,
    `optional` ones may be, `ignored` ones (such as computed columns of an export) are accepted and
    dropped; any other column is an error, so a typo is not silently skipped. Blank rows are skipped.
    Every row missing from `Table.rows` has an entry in `Table.errors`. Raises `OSError` when a path
    cannot be read.
    """
    data = _read_bytes(source)
    if data.startswith(_XLSX_MAGIC):
        raw_rows, errors = _xlsx_rows(data)
    else:
        raw_rows, errors = _csv_rows(data)
    if errors:
        return Table(columns=[], rows=[], errors=errors)
    return _table_from_raw(raw_rows, required=required, optional=optional, ignored=ignored)


def table_from(
    *,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
) -> Table:
    """The rows of an import, from a file (`read_table`) or given in code (`rows_from_mappings`)."""
    if (rows is None) == (file is None):
        raise TypeError("pass exactly one of rows= or file=")
    if file is not None:
        return read_table(file, required=required, optional=optional, ignored=ignored)
    return rows_from_mappings(rows, required=required, optional=optional, ignored=ignored)


def rows_from_mappings(
    items: Iterable[Mapping[str, Any] | Row],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
) -> Table:
    """Rows given in code (an API, a test) rather than a file: a `Row` keeps its line, a mapping is
    numbered as if a header were line 1. Values become text like a file's cells (lists of terms are
    joined, None is empty); nothing is unescaped."""
    known = {*required, *optional, *ignored}
    rows, errors = [], []
    for index, item in enumerate(items):
        line, values = (item.line, item.values) if isinstance(item, Row) else (index + 2, item)
        bad = False
        for column in values:
            if column not in known:
                errors.append(RowError(line, str(column), _("unknown column"), "unknown_column"))
                bad = True
        for column in required:
            if column not in values:
                errors.append(RowError(line, column, _("missing column"), "missing_column"))
                bad = True
        if not bad:
            cells = {c: _cell_text(values[c]) for c in (*required, *optional) if c in values}
            rows.append(Row(line=line, values=cells))
    return Table(columns=[*required, *optional], rows=rows, errors=errors)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return join_terms(str(v) for v in value)
    return str(value).strip()


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return handle.read()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _not_utf8_error(data: bytes, exc: UnicodeDecodeError) -> RowError:
    line = data.count(b"\n", 0, exc.start) + 1
    return RowError(
        line,
        "file",
        _(
            "file is not UTF-8: save it as 'CSV UTF-8 (Comma delimited)' in Excel (or convert it, "
            "e.g. `iconv -f GBK -t UTF-8`) and import it again"
        ),
        "not_utf8",
    )


def _csv_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [_not_utf8_error(data, exc)]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: report where the row starts
            try:
                cells = next(reader)
            except StopIteration:
                break
            rows.append((start, cells))
    except csv.Error as exc:
        return [], [RowError(reader.line_num, "file", _("unreadable CSV: %(error)s") % {"error": exc}, "bad_csv")]
    return rows, []


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return [], [RowError(1, "file", _("unreadable XLSX file: %(error)s") % {"error": exc}, "bad_xlsx")]
    try:
        # Read-only sheets yield every row from 1 on, empty ones included, so the index is the row number.
        rows = [
            (number, [_xlsx_text(value) for value in values])
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return rows, []


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # The shortest text that reads back as the same float: 1234.5 -> "1234.5", 35.0 -> "35".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _table_from_raw(
    raw_rows: list[tuple[int, list[str]]],
    *,
    required: Sequence[str],
    optional: Sequence[str],
    ignored: Sequence[str],
) -> Table:
    raw_rows = [(line, cells) for line, cells in raw_rows if any(cell.strip() for cell in cells)]
    expected = ", ".join((*required, *optional))
    if not raw_rows:
        message = _("the file is empty: expected a header row: %(columns)s") % {"columns": expected}
        return Table([], [], [RowError(1, "header", message, "empty")])

    header_line, header = raw_rows[0]
    header = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    while header and not header[-1]:
        header.pop()  # Excel writes trailing separators when a cell beyond the table was ever formatted
    errors: list[RowError] = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        message = _("columns must be separated by commas (,), not semicolons or tabs")
        errors.append(RowError(header_line, "header", message, "separator"))
        return Table([], [], errors)

    known = {*required, *optional, *ignored}
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            column = _("column %(position)d") % {"position": position}
            errors.append(RowError(header_line, column, _("the column has no name"), "unnamed_column"))
        elif name in seen:
            errors.append(RowError(header_line, name, _("the column appears more than once"), "duplicate_column"))
        elif name not in known:
            message = _("unknown column (expected: %(columns)s)") % {"columns": expected}
            errors.append(RowError(header_line, name, message, "unknown_column"))
        seen.add(name)
    for name in required:
        if name not in seen:
            message = _("missing column: the header must have %(columns)s") % {"columns": expected}
            errors.append(RowError(header_line, name, message, "missing_column"))
    if errors:
        return Table([], [], errors)

    wanted = {*required, *optional}
    keep = [(index, name) for index, name in enumerate(header) if name in wanted]
    rows = []
    for line, cells in raw_rows[1:]:
        extra = cells[len(header):]
        if len(cells) < len(header) or any(cell.strip() for cell in extra):
            errors.append(
                RowError(
                    line, "row",
                    _("expected %(expected)d cells, found %(found)d") % {"expected": len(header), "found": len(cells)},
                    "cell_count",
                )
            )
            continue
        rows.append(Row(line=line, values={name: unescape_formula(cells[index].strip()) for index, name in keep}))
    return Table(columns=[name for _index, name in keep], rows=rows, errors=errors)


# --- Writing -------------------------------------------------------------------------------------
def _ordered(row: Mapping[str, Any] | Sequence[Any], header: Sequence[str]) -> Sequence[Any]:
    return [row.get(column) for column in header] if isinstance(row, Mapping) else row


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)  # numbers (Decimal keeps its exact text) are never formulas


def csv_chunks(
    *, header: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]], bom: bool = True, chunk_rows: int = 500
) -> Iterator[str]:
    """CSV text in pieces (UTF-8 BOM first, so Excel reads Chinese correctly), for files and streams alike."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in _ordered(row, header)])
        if count % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(
    target: str | os.PathLike | IO[str],
    *,
    header: Sequence[str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    bom: bool = True,
) -> None:
    """Write a CSV file (a path, or a text stream opened with `newline=""`)."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            write_csv(handle, header=header, rows=rows, bom=bom)
        return
    for chunk in csv_chunks(header=header, rows=rows, bom=bom):
        target.write(chunk)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return _ILLEGAL_XLSX_RE.sub("", escape_formula(value))
    return value  # int and Decimal become numbers; None an empty cell


def write_xlsx(
    target: str | os.PathLike | IO[bytes],
    *,
    header: Sequence[str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    sheet_title: str = "Sheet1",
) -> None:
    """Write an XLSX workbook with one sheet: a bold header row, then the rows (streamed, write-only)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        values = []
        for value in _ordered(row, header):
            cell = WriteOnlyCell(sheet, value=_xlsx_cell(value))
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            values.append(cell)
        sheet.append(values)
    workbook.save(target)
