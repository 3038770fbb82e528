"""Reading tabular files: CSV (UTF-8, with or without BOM) and XLSX to rows, or rows given in code.

Reading returns rows with the physical line each one starts on and collects every problem as a
`RowError` instead of stopping at the first, so an import can report the whole file at once.
Term lists ("Funds; Insurance") are split here too.

A file is read as a stream (`table_stream`): a CSV is decoded and parsed a row at a time from its file,
so an import of a million rows holds a chunk of rows, never the file's text or all its rows
(`read_table` collects the stream, for the small imports).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Union

from django.conf import settings
from django.utils.translation import gettext as _

from .archive import ArchiveLimits, ArchiveRefused, check_archive
from .results import RowError, shorten
from .write import ESCAPE_PREFIX, unescape_formula

Source = Union[str, os.PathLike, bytes, IO[bytes]]

TERM_SEPARATOR = ";"
# Chinese input methods type the full-width semicolon; accept it as the same separator.
_TERM_SPLIT_RE = re.compile(r"[;\uff1b]")
_XLSX_MAGIC = b"PK\x03\x04"
# Characters no name or term has: refused on import (the .xlsx export could not keep them anyway).
# Tab, line feed and carriage return stay allowed (a quoted cell may span lines).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Limits a file must keep before any row is built (settings may lower or raise them).
DEFAULT_LIMITS = {
    "PORTRAIT_IMPORT_MAX_BYTES": 20 * 1024 * 1024,   # the file as uploaded
    "PORTRAIT_IMPORT_MAX_ROWS": 500_000,             # data rows, header excluded
    "PORTRAIT_IMPORT_MAX_COLUMNS": 100,
    "PORTRAIT_IMPORT_MAX_CELL_CHARS": 5_000,
}
# An .xlsx is a zip: its unpacked parts may be this many times the upload limit, no more.
_XLSX_UNPACKED_FACTOR = 5
# openpyxl keeps every shared string: at most this many per data row allowed (`archive.check_archive`).
_XLSX_STRINGS_PER_ROW = 2


def _limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


@dataclass(frozen=True)
class Limits:
    """The bounds a file keeps before any row is built: the settings (`DEFAULT_LIMITS`) unless a caller says
    otherwise; None lifts a bound (the command line may, for a file the operator trusts)."""

    max_bytes: int | None
    max_rows: int | None
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls, **changes: int | None) -> Limits:
        """The settings' limits, with `changes` (`max_bytes=None`...) applied."""
        values = {
            "max_bytes": _limit("PORTRAIT_IMPORT_MAX_BYTES"),
            "max_rows": _limit("PORTRAIT_IMPORT_MAX_ROWS"),
            "max_columns": _limit("PORTRAIT_IMPORT_MAX_COLUMNS"),
            "max_cell_chars": _limit("PORTRAIT_IMPORT_MAX_CELL_CHARS"),
        }
        return cls(**{**values, **changes})

    def archive(self) -> ArchiveLimits:
        """The bounds of an .xlsx archive's parts: unpacked size and shared strings follow the file's limits."""
        return ArchiveLimits(
            unpacked_bytes=None if self.max_bytes is None else _XLSX_UNPACKED_FACTOR * self.max_bytes,
            rows=None if self.max_rows is None else self.max_rows + 1,
            strings=None if self.max_rows is None else _XLSX_STRINGS_PER_ROW * (self.max_rows + 1),
        )


class _Refused(Exception):
    """The file as a whole is refused (too many rows or columns, unreadable) while its rows are read."""

    def __init__(self, error: RowError):
        self.error = error


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: the physical line it starts on and its cells by column name (stripped, unescaped)."""

    line: int
    values: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    errors: list[RowError]


@dataclass(eq=False)
class TableStream:
    """The rows of a file (or of rows given in code), read one at a time by iterating.

    `columns` and the problems found before any row (the size, the header) are known at once; while the
    rows are read, each refused row's problems are appended to `errors`. A file refused as a whole on the
    way (more rows or wider rows than the limits, not UTF-8, unreadable) stops the rows and sets `refused`:
    that one problem is then all there is to report, and the rows read before it are void.
    """

    columns: list[str]
    errors: list[RowError]
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    refused: RowError | None = None

    def __iter__(self) -> Iterator[Row]:
        return self.rows

    def collect(self) -> Table:
        """The whole table at once, as `read_table` gives it."""
        rows = list(self.rows)
        if self.refused is not None:
            return Table(columns=[], rows=[], errors=[self.refused])
        return Table(columns=self.columns, rows=rows, errors=self.errors)


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


def read_table(
    source: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
    limits: Limits | None = None,
) -> Table:
    """Read a CSV (UTF-8, BOM optional) or XLSX file (recognised by its content) with a header row.

    Header names are matched ignoring case and surrounding spaces. `required` columns must be present,
    `optional` ones may be, `ignored` ones (such as computed columns of an export) are accepted and
    dropped; any other column is an error, so a typo is not silently skipped. Blank rows are skipped.
    Every row missing from `Table.rows` has an entry in `Table.errors`. `limits`: the settings' unless
    given (`Limits.from_settings(max_rows=...)`). Raises `OSError` when a path cannot be read.
    The whole table at once: `read_table_stream` reads the same a row at a time.
    """
    return read_table_stream(source, required=required, optional=optional, ignored=ignored, limits=limits).collect()


def read_table_stream(
    source: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
    limits: Limits | None = None,
) -> TableStream:
    """`read_table`'s rows one at a time (`TableStream`): a CSV is parsed as it is iterated, from its file.

    The size and the header are checked before this returns; raises `OSError` when a path cannot be read.
    The file is closed (a stream given is left open) once the rows are read.
    """
    limits = limits or Limits.from_settings()
    opened = _opened(source, limits.max_bytes)
    if opened is None:
        return TableStream(columns=[], errors=[_too_big_error(limits)])
    handle, owned = opened
    try:
        if handle.read(len(_XLSX_MAGIC)) == _XLSX_MAGIC:
            handle.seek(0)
            data = handle.read()
            if owned:
                handle.close()
            raw, error = _xlsx_rows(data, limits)
            if error is not None:
                return TableStream(columns=[], errors=[error])
        else:
            handle.seek(0)
            raw = _csv_rows(handle, limits, owned=owned)
    except BaseException:
        if owned:
            handle.close()
        raise
    return _stream_from_raw(raw, required=required, optional=optional, ignored=ignored, limits=limits)


def table_from(
    *,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
    limits: Limits | None = None,
) -> Table:
    """The rows of an import, from a file (`read_table`, within `limits`) or given in code (`rows_from_mappings`)."""
    return table_stream(
        rows=rows, file=file, required=required, optional=optional, ignored=ignored, limits=limits
    ).collect()


def table_stream(
    *,
    rows: Iterable[Mapping[str, Any] | Row] | None = None,
    file: Source | None = None,
    required: Sequence[str],
    optional: Sequence[str] = (),
    ignored: Sequence[str] = (),
    limits: Limits | None = None,
) -> TableStream:
    """`table_from`'s rows one at a time: a file's as `read_table_stream` reads them, or the rows given."""
    if (rows is None) == (file is None):
        raise TypeError("pass exactly one of rows= or file=")
    if file is not None:
        return read_table_stream(file, required=required, optional=optional, ignored=ignored, limits=limits)
    stream = TableStream(columns=[*required, *optional], errors=[])
    stream.rows = _mapping_rows(stream, rows, required=required, optional=optional, ignored=ignored)
    return stream


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
    return table_stream(rows=items, required=required, optional=optional, ignored=ignored).collect()


def _mapping_rows(
    stream: TableStream,
    items: Iterable[Mapping[str, Any] | Row],
    *,
    required: Sequence[str],
    optional: Sequence[str],
    ignored: Sequence[str],
) -> Iterator[Row]:
    known = {*required, *optional, *ignored}
    errors = stream.errors
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
            yield Row(line=line, values={c: _cell_text(values[c]) for c in (*required, *optional) if c in values})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return join_terms(str(v) for v in value)
    return str(value).strip()


def _opened(source: Source, most: int | None) -> tuple[IO[bytes], bool] | None:
    """A seekable binary handle on the file at its start, and whether it is ours to close; None when the file
    is larger than `most` (judged by its size, before anything is read). A stream that cannot seek (or gives
    text) is read into memory, no further than the limit, as before streaming."""
    if isinstance(source, bytes):
        return (io.BytesIO(source), True) if most is None or len(source) <= most else None
    if isinstance(source, (str, os.PathLike)):
        handle = open(source, "rb")  # noqa: SIM115 - closed once read (`_csv_rows`), or below
        if most is not None and os.fstat(handle.fileno()).st_size > most:
            handle.close()
            return None
        return handle, True
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable() and not isinstance(source, io.TextIOBase):
        start = source.tell()
        size = source.seek(0, io.SEEK_END) - start
        source.seek(start)
        if most is not None and size > most:
            return None
        if start:  # read from where the caller's stream stood, as before
            return io.BytesIO(source.read()), True
        return source, False
    data = source.read() if most is None else source.read(most + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return (io.BytesIO(data), True) if most is None or len(data) <= most else None


def _too_big_error(limits: Limits) -> RowError:
    message = _("the file is too large: at most %(size).1f MB can be imported") % {
        "size": (limits.max_bytes or 0) / (1024 * 1024)
    }
    return RowError(1, "file", message, "too_big")


def _too_many_rows_error(line: int, limits: Limits) -> RowError:
    message = _("the file has more than %(count)d data rows") % {"count": limits.max_rows}
    return RowError(line, "file", message, "too_many_rows")


def _too_many_columns_error(line: int, limits: Limits) -> RowError:
    message = _("the row has more than %(count)d columns") % {"count": limits.max_columns}
    return RowError(line, "row", message, "too_many_columns")


def _cell_too_long_error(line: int, column: str, length: int, limits: Limits) -> RowError:
    message = _("the cell has %(length)d characters, at most %(most)d are allowed") % {
        "length": length, "most": limits.max_cell_chars,
    }
    return RowError(line, column, message, "cell_too_long")


def _archive_error(refusal: ArchiveRefused, limits: Limits) -> RowError:
    """What `archive.check_archive` refused, for people: the size, the strings, or the workbook's shape."""
    if refusal.code == "too_big":
        message = _("the workbook is too large once unpacked: at most %(size).1f MB") % {
            "size": _XLSX_UNPACKED_FACTOR * (limits.max_bytes or 0) / (1024 * 1024)
        }
        return RowError(1, "file", message, "too_big")
    if refusal.code == "too_many_rows":  # counted in the sheet's XML, before openpyxl reads a row
        return _too_many_rows_error((limits.max_rows or 0) + 2, limits)
    if refusal.code == "too_many_strings":
        message = _("the workbook has more than %(count)d distinct texts (%(per_row)d per data row allowed)") % {
            "count": _XLSX_STRINGS_PER_ROW * ((limits.max_rows or 0) + 1), "per_row": _XLSX_STRINGS_PER_ROW,
        }
        return RowError(1, "file", message, "too_many_rows")
    if refusal.code == "too_complex":
        message = _(
            "the workbook is built unlike a spreadsheet (%(part)s: %(detail)s): open it in Excel and save it "
            "as 'CSV UTF-8', then import the CSV"
        ) % {"part": shorten(refusal.part) if refusal.part else _("the zip archive"), "detail": refusal.detail}
        return RowError(1, "file", message, "too_complex")
    message = _("unreadable XLSX file: %(error)s") % {"error": shorten(str(refusal))}
    return RowError(1, "file", message, "bad_xlsx")


def _not_utf8_error(handle: IO[bytes]) -> RowError:
    """The problem of a file that is not UTF-8, on the line of its first bad byte (the file read again)."""
    handle.seek(0)
    decoder, line = codecs.getincrementaldecoder("utf-8")(), 1
    while block := handle.read(1 << 20):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:  # `start` counts the few bytes held back from the block before
            line += block.count(b"\n", 0, max(0, exc.start - len(exc.object) + len(block)))
            break
        line += block.count(b"\n")
    return RowError(
        line,
        "file",
        _(
            "file is not UTF-8: save it as 'CSV UTF-8 (Comma delimited)' in Excel (or convert it, "
            "e.g. `iconv -f GBK -t UTF-8`) and import it again"
        ),
        "not_utf8",
    )


def _csv_rows(handle: IO[bytes], limits: Limits, *, owned: bool) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV as (the line each starts on, cells), decoded and parsed as they are read; raises
    `_Refused` for the whole file. Closes `handle` at the end when `owned`, else leaves it open."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    max_rows, max_columns = limits.max_rows, limits.max_columns
    count = 0
    try:
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: report where the row starts
            try:
                cells = next(reader)
            except StopIteration:
                return
            if max_rows is not None and count > max_rows:  # the header and max_rows data rows are in already
                raise _Refused(_too_many_rows_error(start, limits))
            if len(cells) > max_columns:
                raise _Refused(_too_many_columns_error(start, limits))
            count += 1
            yield start, cells
    except csv.Error as exc:
        message = _("unreadable CSV: %(error)s") % {"error": shorten(str(exc))}
        raise _Refused(RowError(reader.line_num, "file", message, "bad_csv")) from exc
    except UnicodeDecodeError as exc:
        raise _Refused(_not_utf8_error(handle)) from exc
    finally:
        text.detach()  # the wrapper would close the handle
        if owned:
            handle.close()


def _xlsx_rows(data: bytes, limits: Limits) -> tuple[Iterator[tuple[int, list[str]]] | None, RowError | None]:
    """The cells of the first sheet, streamed from its XML: declared dimensions are ignored, so a sheet
    claiming `A1:XFD1048576` costs only its real cells; the limits are checked cell by cell, before a
    row is built. A formula saved without its computed value becomes `_NO_VALUE`. Every part of the
    archive is checked first (`archive.check_archive`): openpyxl never sees a workbook bomb.
    Returns the rows (raising `_Refused` on the way) or the problem that refuses the file at once."""
    import zipfile

    from openpyxl import load_workbook

    bounds = limits.archive()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            if bounds.unpacked_bytes is not None and unpacked > bounds.unpacked_bytes:  # as the headers claim
                raise ArchiveRefused("too_big", "", "")
            check_archive(archive, bounds)
    except ArchiveRefused as refusal:
        return None, _archive_error(refusal, limits)
    except Exception as exc:  # a damaged zip
        message = _("unreadable XLSX file: %(error)s") % {"error": shorten(str(exc))}
        return None, RowError(1, "file", message, "bad_xlsx")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        message = _("unreadable XLSX file: %(error)s") % {"error": shorten(str(exc))}
        return None, RowError(1, "file", message, "bad_xlsx")
    return _workbook_rows(workbook, limits), None


def _workbook_rows(workbook, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from _sheet_rows(workbook, workbook.worksheets[0], limits)
    except (_Refused, GeneratorExit):
        raise
    except Exception as exc:  # a damaged sheet
        message = _("unreadable XLSX file: %(error)s") % {"error": shorten(str(exc))}
        raise _Refused(RowError(1, "file", message, "bad_xlsx")) from exc
    finally:
        workbook.close()


class _NoValue(str):
    """A formula cell saved without its computed value (openpyxl, LibreOffice headless...)."""


_NO_VALUE = _NoValue("")


def _sheet_rows(workbook, sheet, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = _NO_VALUE
            return cell

    max_rows, max_columns = limits.max_rows, limits.max_columns
    count = 0
    header_width = 0
    with sheet._get_source() as source:
        parser = Parser(
            source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if max_rows is not None and count > max_rows:
                raise _Refused(_too_many_rows_error(number, limits))
            values: dict[int, str] = {}
            for cell in cells:
                if cell["value"] is None:
                    continue
                if cell["column"] > max_columns:
                    raise _Refused(_too_many_columns_error(number, limits))
                values[cell["column"]] = (
                    cell["value"] if isinstance(cell["value"], _NoValue) else _xlsx_text(cell["value"])
                )
            if values and not header_width:
                header_width = max(values)
            # Empty trailing cells are not stored: pad to the header, as a CSV row would be.
            width = max(max(values, default=0), header_width)
            count += 1
            yield number, [values.get(column, "") for column in range(1, width + 1)]


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


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip() and not any(cell is _NO_VALUE for cell in cells)


def _stream_from_raw(
    raw: Iterator[tuple[int, list[str]]],
    *,
    required: Sequence[str],
    optional: Sequence[str],
    ignored: Sequence[str],
    limits: Limits,
) -> TableStream:
    """The header checked (the first row that is not blank), then the data rows as a stream."""
    expected = ", ".join((*required, *optional))
    try:
        header_line, header = next((line, cells) for line, cells in raw if not _blank(cells))
    except StopIteration:
        message = _("the file is empty: expected a header row: %(columns)s") % {"columns": expected}
        return TableStream([], [RowError(1, "header", message, "empty")])
    except _Refused as refused:
        return TableStream([], [refused.error])

    header = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    while header and not header[-1]:
        header.pop()  # Excel writes trailing separators when a cell beyond the table was ever formatted
    errors: list[RowError] = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        message = _("columns must be separated by commas (,), not semicolons or tabs")
        raw.close()
        return TableStream([], [RowError(header_line, "header", message, "separator")])
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
        raw.close()
        return TableStream([], errors)

    wanted = {*required, *optional}
    keep = [(index, name) for index, name in enumerate(header) if name in wanted]
    stream = TableStream(columns=[name for _index, name in keep], errors=[])
    stream.rows = _data_rows(stream, raw, width=len(header), keep=keep, limits=limits)
    return stream


def _data_rows(
    stream: TableStream, raw: Iterator[tuple[int, list[str]]], *, width: int, keep: list[tuple[int, str]],
    limits: Limits,
) -> Iterator[Row]:
    errors, most, control = stream.errors, limits.max_cell_chars, _CONTROL_RE.search
    try:
        for line, cells in raw:
            if _blank(cells):
                continue
            if len(cells) < width or (len(cells) > width and "".join(cells[width:]).strip()):
                errors.append(
                    RowError(
                        line, "row",
                        _("expected %(expected)d cells, found %(found)d") % {"expected": width, "found": len(cells)},
                        "cell_count",
                    )
                )
                continue
            # A file of 100k rows: the usual cell (short, printable, no formula) is checked inline.
            if any(len(cell) > most or cell is _NO_VALUE or control(cell) for cell in (cells[i] for i, _ in keep)):
                errors += [
                    problem for index, name in keep if (problem := _cell_problem(line, name, cells[index], limits))
                ]
                continue
            values = {}
            for index, name in keep:
                text = cells[index].strip()
                values[name] = unescape_formula(text) if text[:1] == ESCAPE_PREFIX else text
            yield Row(line=line, values=values)
    except _Refused as refused:
        stream.refused = refused.error


def _cell_problem(line: int, column: str, text: str, limits: Limits) -> RowError | None:
    """What makes a cell unusable whatever its column: a formula without a value, a size, a control character."""
    if text is _NO_VALUE:
        message = _(
            "the cell holds a formula saved without its value: open the file in Excel, save it again "
            "(or paste the values instead of the formulas)"
        )
        return RowError(line, column, message, "formula_without_value")
    if len(text) > limits.max_cell_chars:
        return _cell_too_long_error(line, column, len(text), limits)
    control = _CONTROL_RE.search(text)
    if control:
        message = _("the cell contains the control character U+%(code)04X: remove it") % {"code": ord(control.group())}
        return RowError(line, column, message, "control_character")
    return None
