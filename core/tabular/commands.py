"""The output side of the export commands (`export_customers`, `export_contacts`): `--output` and
`--format`, CSV streamed to standard output, a workbook only to a file."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .write import csv_chunks, write_csv, write_xlsx


def add_output_arguments(parser) -> None:
    parser.add_argument(
        "--output", "-o", metavar="FILE", help=_("Write to FILE instead of standard output (required for xlsx).")
    )
    parser.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        help=_("csv or xlsx; by default xlsx when FILE ends with .xlsx, csv otherwise."),
    )


def output_format(options: dict) -> str:
    """The format the options ask for (from the file's name when not given); a workbook needs a file."""
    output = options["output"]
    file_format = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
    if file_format == "xlsx" and not output:
        raise CommandError(_("xlsx cannot go to standard output: add --output FILE.xlsx."))
    return file_format


def table_write(
    command: BaseCommand, *, output: str | None, file_format: str, header: Sequence[str], rows: Iterable
) -> int:
    """Write the table to `output` (None: the command's standard output, as CSV); returns the rows written."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if output is None:
        for chunk in csv_chunks(header=header, rows=counted()):
            command.stdout.write(chunk, ending="")
        return count
    writer = write_xlsx if file_format == "xlsx" else write_csv
    try:
        writer(output, header=header, rows=counted())
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror or exc}
        ) from exc
    return count
