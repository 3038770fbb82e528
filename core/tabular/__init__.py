"""Tabular files in and out (CSV, XLSX), for every import and export; knows no domain.

`read` (files or rows in code to `Row`s within `Limits`, term lists; `archive` checks an .xlsx's parts
before openpyxl opens it), `write` (CSV/XLSX out, formula escaping),
`cells` (a cell's text onto a Django model field, validated by the model), `results` (`RowError`,
`ImportResult`). The wording for people (commands, pages) lives with the imports, not here.
"""
from .cells import CellValues, cell_to_field, field_problems, model_errors
from .read import (
    TERM_SEPARATOR,
    Limits,
    Row,
    Source,
    Table,
    TableStream,
    join_terms,
    read_table,
    read_table_stream,
    rows_from_mappings,
    split_terms,
    table_from,
    table_stream,
)
from .results import ImportResult, RowError, shorten, shorten_list, sorted_errors
from .write import csv_chunks, escape_formula, unescape_formula, write_csv, write_xlsx

__all__ = [
    "TERM_SEPARATOR", "CellValues", "ImportResult", "Limits", "Row", "RowError", "Source", "Table", "TableStream",
    "cell_to_field",
    "csv_chunks", "escape_formula", "field_problems", "join_terms", "model_errors", "read_table", "read_table_stream",
    "rows_from_mappings", "sorted_errors", "shorten", "shorten_list", "split_terms", "table_from", "table_stream",
    "unescape_formula", "write_csv", "write_xlsx",
]
