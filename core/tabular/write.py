"""Writing tabular files: CSV (UTF-8 with BOM, whole or in chunks for a stream) and XLSX.

Cells a spreadsheet would run as a formula are escaped with a leading `'`; `unescape_formula` (used
when reading) undoes exactly that escape, so an export re-imports unchanged.
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

# A spreadsheet runs a cell that starts with one of these as a formula (CSV/DDE injection).
# A leading tab or carriage return is also escaped: some spreadsheets strip it and then run what follows.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
# Control characters that XML 1.0 (and so openpyxl) refuses.
_ILLEGAL_XLSX_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
