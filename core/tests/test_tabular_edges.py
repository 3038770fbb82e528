"""Reading at the edges: a file exactly at a limit is read and one past it refused (CSV and XLSX alike);
term lists drop a repeated name whatever the case of its first spelling; whole numbers stay whole;
problems are listed row first, then by column; a list of names is cut after ten.

`test_tabular_limits.py` shows files well past each limit are refused; a limit off by one (the last
allowed row, column or character refused) passed it unnoticed, and so did a case-sensitive check for
repeated terms (scripts/mutation_run.py).
"""
import io

import pytest

from core.tabular import RowError, read_table, shorten_list, sorted_errors, split_terms

from .test_tabular_limits import _rewrite, _xlsx


def both_formats(rows):
    """The same rows as an XLSX workbook and as CSV bytes."""
    return [_xlsx(rows), "\n".join(",".join(map(str, row)) for row in rows).encode()]


@pytest.mark.parametrize("data", both_formats([["name", "age"]] + [["Ann", 30]] * 5), ids=["xlsx", "csv"])
def test_exactly_the_row_limit_is_read(settings, data):
    settings.PORTRAIT_IMPORT_MAX_ROWS = 5
    table = read_table(data, required=["name", "age"])
    assert table.errors == []
    assert [row.values for row in table.rows] == [{"name": "Ann", "age": "30"}] * 5


@pytest.mark.parametrize("data", both_formats([["name", "age", "x", "y"], ["Ann", 30, 1, 2]]), ids=["xlsx", "csv"])
def test_exactly_the_column_limit_is_read(settings, data):
    settings.PORTRAIT_IMPORT_MAX_COLUMNS = 4
    table = read_table(data, required=["name", "age"], ignored=["x", "y"])
    assert table.errors == []
    assert [row.values for row in table.rows] == [{"name": "Ann", "age": "30"}]


@pytest.mark.parametrize("length", [100, 101])
def test_a_cell_of_exactly_the_length_limit_is_read_and_one_more_character_is_not(settings, length):
    settings.PORTRAIT_IMPORT_MAX_CELL_CHARS = 100
    for data in both_formats([["name", "age"], ["B" * length, 30]]):
        table = read_table(data, required=["name", "age"])
        if length == 100:
            assert table.errors == [] and table.rows[0].values["name"] == "B" * 100
        else:
            assert table.rows == [] and [error.code for error in table.errors] == ["cell_too_long"]


def test_the_delete_character_is_refused_like_the_other_control_characters():
    table = read_table("name,age\nAn\x7fn,30\nBob,31\n".encode(), required=["name", "age"])
    assert [(error.line, error.field, error.code) for error in table.errors] == [(2, "name", "control_character")]
    assert "U+007F" in str(table.errors[0])
    assert [row.values["name"] for row in table.rows] == ["Bob"]


@pytest.mark.parametrize(("cell", "names"), [
    ("funds; FUNDS; Funds", ["funds"]),
    ("Insurance;insurance;INSURANCE", ["Insurance"]),
    ("Straße; STRASSE", ["Straße"]),  # casefold, not lower: ß folds to ss
])
def test_a_repeated_term_is_dropped_whatever_the_case_of_its_first_spelling(cell, names):
    assert split_terms(cell) == names


def test_a_list_of_exactly_ten_names_is_shown_whole_and_eleven_are_shortened():
    names = [f"name{i:02d}" for i in range(11)]
    assert shorten_list(names[:10]) == ", ".join(names[:10])
    assert shorten_list(names) == ", ".join(names[:10]) + " and 1 more"


@pytest.mark.parametrize("as_stream", [False, True], ids=["bytes", "stream"])
def test_an_upload_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(settings, as_stream):
    data = "name,age\nAnn,30\n".encode()
    source = (lambda: io.BytesIO(data)) if as_stream else (lambda: data)
    settings.PORTRAIT_IMPORT_MAX_BYTES = len(data)
    assert [row.values for row in read_table(source(), required=["name", "age"]).rows] == [{"name": "Ann", "age": "30"}]
    settings.PORTRAIT_IMPORT_MAX_BYTES = len(data) - 1
    assert [error.code for error in read_table(source(), required=["name", "age"]).errors] == ["too_big"]


def test_whole_numbers_a_spreadsheet_saved_as_decimals_read_as_whole_numbers():
    """Some tools save 35 as 35.0; the cell reads "35", as typed, so an integer column accepts it."""
    data = _xlsx([["name", "age", "assets"], ["Ann", 35, 1234.5]])
    data = _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>35</v>", b"<v>35.0</v>"))
    table = read_table(data, required=["name", "age", "assets"])
    assert [row.values for row in table.rows] == [{"name": "Ann", "age": "35", "assets": "1234.5"}]


def test_problems_with_the_whole_row_come_before_its_cells_then_in_column_order():
    errors = [
        RowError(3, "age", "too young"), RowError(2, "name", "empty"), RowError(2, "age", "not a number"),
        RowError(2, "row", "expected 3 cells"),
    ]
    ordered = sorted_errors(errors, columns=["name", "age"])
    assert [(error.line, error.field) for error in ordered] == [(2, "row"), (2, "name"), (2, "age"), (3, "age")]
