"""Hostile files: declared dimensions, huge cells, formulas without values, control characters."""
from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

from openpyxl import Workbook

from core.tabular import read_table


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content)
            target.writestr(item.filename, content)
    return out.getvalue()


def _peak(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_xlsx_declaring_the_whole_sheet_with_one_far_cell_is_refused_in_bounded_memory():
    data = _xlsx([["name", "age"], ["Ann", 30]])

    def far(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    bomb = _rewrite(data, "xl/worksheets/sheet1.xml", far)
    assert len(bomb) < 20_000
    table, peak = _peak(lambda: read_table(bomb, required=["name", "age"]))
    assert peak < 100 * 1024 * 1024
    assert table.rows == []
    assert [(error.line, error.code) for error in table.errors] == [(1048576, "too_many_columns")]
    assert len(str(table.errors[0])) < 300


def test_an_xlsx_declaring_the_whole_sheet_is_read_by_its_real_cells():
    data = _xlsx([["name", "age"], ["Ann", 30]])
    declared = _rewrite(
        data, "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    table, peak = _peak(lambda: read_table(declared, required=["name", "age"]))
    assert peak < 100 * 1024 * 1024
    assert table.errors == []
    assert [row.values for row in table.rows] == [{"name": "Ann", "age": "30"}]


def test_an_xlsx_with_one_huge_cell_is_refused_in_bounded_memory():
    data = _xlsx([["name", "age"], ["PLACEHOLDER", 30]])
    huge = b"A" * (200 * 1024 * 1024)
    bomb = _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"PLACEHOLDER", huge))
    assert len(bomb) < 1024 * 1024
    table, peak = _peak(lambda: read_table(bomb, required=["name", "age"]))
    assert peak < 100 * 1024 * 1024
    assert table.rows == []
    assert [error.code for error in table.errors] == ["too_big"]
    assert len("\n".join(map(str, table.errors))) < 300


def test_a_cell_longer_than_the_limit_is_refused_with_its_line_and_a_short_message(settings):
    settings.PORTRAIT_IMPORT_MAX_CELL_CHARS = 100
    for data in (_xlsx([["name", "age"], ["B" * 5000, 30]]), ("name,age\n" + "B" * 5000 + ",30\n").encode()):
        table = read_table(data, required=["name", "age"])
        assert table.rows == []
        assert [(error.line, error.field, error.code) for error in table.errors] == [(2, "name", "cell_too_long")]
        assert len(str(table.errors[0])) < 200


def test_an_upload_over_the_size_limit_is_refused_before_it_is_parsed(settings):
    settings.PORTRAIT_IMPORT_MAX_BYTES = 1000
    table = read_table(("name,age\n" + "Ann,30\n" * 1000).encode(), required=["name", "age"])
    assert table.rows == []
    assert [error.code for error in table.errors] == ["too_big"]


def test_more_rows_or_columns_than_the_limits_are_refused(settings):
    settings.PORTRAIT_IMPORT_MAX_ROWS = 5
    settings.PORTRAIT_IMPORT_MAX_COLUMNS = 4
    many_rows = [["name", "age"]] + [["Ann", 30]] * 6
    for data in (_xlsx(many_rows), "\n".join(",".join(map(str, r)) for r in many_rows).encode()):
        table = read_table(data, required=["name", "age"])
        assert table.rows == [] and [error.code for error in table.errors] == ["too_many_rows"]
    wide = [["name", "age", "", "", "", "x"], ["Ann", 30]]
    for data in (_xlsx(wide), b"name,age,,,,x\nAnn,30\n"):
        table = read_table(data, required=["name", "age"])
        assert table.rows == [] and [error.code for error in table.errors] == ["too_many_columns"]


def test_a_formula_saved_without_its_value_is_an_error_not_an_empty_cell():
    data = _xlsx([["name", "age"], ["=CONCAT(\"A\",\"nn\")", 30], ["Bob", "=20+10"]])  # openpyxl saves no values
    table = read_table(data, required=["name", "age"])
    assert table.rows == []
    assert [(error.line, error.field, error.code) for error in table.errors] == [
        (2, "name", "formula_without_value"), (3, "age", "formula_without_value"),
    ]


def test_control_characters_are_refused_per_cell_in_csv_and_xlsx():
    csv_data = "name,age\nA\x00nn,30\nBob,3\x1b1\nCé\tline,40\n".encode()
    table = read_table(csv_data, required=["name", "age"])
    assert [(error.line, error.field, error.code) for error in table.errors] == [
        (2, "name", "control_character"), (3, "age", "control_character"),
    ]
    assert "U+0000" in str(table.errors[0])
    assert [row.values["name"] for row in table.rows] == ["Cé\tline"]  # a tab is not a control character here


def test_an_error_never_quotes_a_whole_value():
    from django.utils.translation import override

    table = read_table(("name,age\n" + "x" * 10 + ",1e" + "9" * 400 + "\n").encode(), required=["name", "age"])
    assert table.errors == []  # read_table only reads; the value is judged by the model
    from core.tabular import RowError, shorten, shorten_list

    assert shorten("y" * 500) == "y" * 59 + "…"
    assert len(RowError(2, "name", "bad " + "z" * 5000).message) <= 300
    with override("en"):
        assert shorten_list([f"user{i}" for i in range(25)], first=3) == "user0, user1, user2 and 22 more"


def test_exports_escape_formulas_including_a_leading_tab_or_carriage_return(tmp_path):
    from openpyxl import load_workbook

    from core.tabular import escape_formula, unescape_formula, write_csv, write_xlsx

    hostile = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "'=x"]
    for value in hostile:
        assert escape_formula(value).startswith("'")
        assert unescape_formula(escape_formula(value)) == value
    write_csv(tmp_path / "a.csv", header=["name"], rows=[[v] for v in hostile])
    import csv

    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [row[0] for row in csv.reader(handle)][1:]
    assert len(cells) == len(hostile) and all(cell.startswith("'") for cell in cells)
    write_xlsx(tmp_path / "a.xlsx", header=["name"], rows=[[v] for v in hostile])
    cells = [row[0] for row in load_workbook(tmp_path / "a.xlsx").active.iter_rows(min_row=2, values_only=True)]
    assert all(cell.startswith("'") for cell in cells)
