"""core.tabular: reading and writing CSV/XLSX, escaping, term lists, cells to model fields."""
import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from customers.models import CustomerProfile
from core.tabular import (
    Row,
    RowError,
    cell_to_field,
    csv_chunks,
    escape_formula,
    join_terms,
    read_table,
    rows_from_mappings,
    split_terms,
    table_from,
    unescape_formula,
    write_csv,
    write_xlsx,
)

COLUMNS = ("username", "name", "needs")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(text: str | bytes, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_table(data, required=kwargs.pop("required", COLUMNS), **kwargs)


class TestFormulaEscaping:
    @pytest.mark.parametrize(
        ("value", "escaped"),
        [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-x", "'-x"),
            ("@cmd", "'@cmd"),
            ("'abc", "''abc"),
            ("abc", "abc"),
            ("", ""),
        ],
    )
    def test_escapes_what_a_spreadsheet_would_run(self, value, escaped):
        assert escape_formula(value) == escaped

    def test_leaves_a_hand_typed_quote_alone(self):
        assert unescape_formula("'abc") == "'abc"
        assert unescape_formula("'") == "'"

    @given(st.text())
    def test_unescape_inverts_escape(self, value):
        assert unescape_formula(escape_formula(value)) == value


class TestTerms:
    def test_splits_strips_and_drops_blanks_and_repeats(self):
        assert split_terms(" Funds ;;Insurance; funds ;") == ["Funds", "Insurance"]

    def test_accepts_the_full_width_semicolon(self):
        assert split_terms("基金；保险;信托") == ["基金", "保险", "信托"]

    def test_empty_cell(self):
        assert split_terms("") == []

    def test_join(self):
        assert join_terms(["a", "b"]) == "a;b"


class TestReadCsv:
    def test_reads_rows_with_their_physical_lines(self):
        table = read('username,name,needs\nalice,"Alice\nSmith",a;b\n\nbob,Bob,\n')

        assert table.errors == []
        assert table.rows == [
            Row(2, {"username": "alice", "name": "Alice\nSmith", "needs": "a;b"}),
            Row(5, {"username": "bob", "name": "Bob", "needs": ""}),
        ]

    @pytest.mark.parametrize("ending", ["\n", "\r\n"])
    def test_accepts_a_bom_and_either_line_ending(self, ending):
        table = read(b"\xef\xbb\xbf" + ending.join(["username,name,needs", "wang,王伟,"]).encode())

        assert table.rows == [Row(2, {"username": "wang", "name": "王伟", "needs": ""})]

    def test_strips_cells_and_matches_header_names_loosely(self):
        table = read(" Username , NAME,needs\n alice ,  A , x \n")

        assert table.rows[0].values == {"username": "alice", "name": "A", "needs": "x"}

    def test_unescapes_formula_cells(self):
        assert read("username,name,needs\na,'=SUM(A1),\n").rows[0].values["name"] == "=SUM(A1)"

    def test_refuses_a_file_that_is_not_utf8(self):
        table = read("username,name,needs\nwang,王伟,\n".encode("gbk"))

        assert [(e.line, e.field, e.code) for e in table.errors] == [(2, "file", "not_utf8")]
        assert "file is not UTF-8: save it as 'CSV UTF-8" in table.errors[0].message
        assert table.rows == []

    def test_reports_missing_unknown_and_repeated_columns(self):
        table = read("username,nmae,username\n")

        assert [str(error).split(" (")[0] for error in table.errors] == [
            "line 1: nmae: unknown column",
            "line 1: username: the column appears more than once",
            "line 1: name: missing column: the header must have username, name, needs",
            "line 1: needs: missing column: the header must have username, name, needs",
        ]

    def test_optional_and_ignored_columns(self):
        table = read("username,name,needs,capacity,segment\na,,,5,3\n", optional=["capacity"], ignored=["segment"])

        assert table.errors == []
        assert table.rows[0].values == {"username": "a", "name": "", "needs": "", "capacity": "5"}

    def test_reports_rows_with_too_many_or_too_few_cells(self):
        table = read("username,name,needs\na,b\nc,d,e,f\ng,h,i\n")

        assert [str(error) for error in table.errors] == [
            "line 2: row: expected 3 cells, found 2",
            "line 3: row: expected 3 cells, found 4",
        ]
        assert [row.line for row in table.rows] == [4]

    def test_tolerates_trailing_empty_cells_from_excel(self):
        table = read("username,name,needs,,\na,b,c,,\n")

        assert table.errors == []
        assert table.rows == [Row(2, {"username": "a", "name": "b", "needs": "c"})]

    def test_recognises_a_semicolon_separated_file(self):
        assert read("username;name;needs\n").errors[0].code == "separator"

    def test_an_empty_file(self):
        assert [e.code for e in read("").errors] == ["empty"]

    def test_reads_from_a_path_and_a_binary_stream(self, tmp_path):
        path = tmp_path / "f.csv"
        path.write_bytes(b"username,name,needs\na,,\n")

        assert (
            read_table(path, required=COLUMNS).rows == read_table(io.BytesIO(path.read_bytes()), required=COLUMNS).rows
        )

    def test_a_missing_path_raises_oserror(self, tmp_path):
        with pytest.raises(OSError):
            read_table(tmp_path / "missing.csv", required=COLUMNS)


class TestReadXlsx:
    def test_reads_the_first_sheet_with_row_numbers(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["username", "name", "needs"])
        sheet.append(["alice", "'=1+1", None])
        sheet.append([None, None, None])
        sheet.append([35, 12.5, 3.0])
        buffer = io.BytesIO()
        workbook.save(buffer)

        table = read(buffer.getvalue())

        assert table.errors == []
        assert table.rows == [
            Row(2, {"username": "alice", "name": "=1+1", "needs": ""}),
            Row(4, {"username": "35", "name": "12.5", "needs": "3"}),
        ]


class TestRowsFromMappings:
    def test_numbers_rows_after_an_imaginary_header_and_converts_values(self):
        table = rows_from_mappings(
            [{"username": "a", "name": None, "needs": ["x", "y"]}, Row(9, {"username": "b", "name": 5, "needs": ""})],
            required=COLUMNS,
        )

        assert table.rows == [
            Row(2, {"username": "a", "name": "", "needs": "x;y"}),
            Row(9, {"username": "b", "name": "5", "needs": ""}),
        ]

    def test_reports_missing_and_unknown_keys(self):
        table = rows_from_mappings([{"username": "a", "extra": 1}], required=COLUMNS)

        assert sorted(str(e) for e in table.errors) == [
            "line 2: extra: unknown column",
            "line 2: name: missing column",
            "line 2: needs: missing column",
        ]

    def test_table_from_wants_exactly_one_source(self):
        with pytest.raises(TypeError):
            table_from(required=COLUMNS)
        with pytest.raises(TypeError):
            table_from(rows=[], file=b"", required=COLUMNS)


class TestWrite:
    ROWS = [{"username": "alice", "name": '=HYPERLINK("x")', "needs": "a;b"}, ["bob", "王伟", None]]

    def test_csv_has_a_bom_a_header_and_escaped_cells(self):
        text = "".join(csv_chunks(header=COLUMNS, rows=self.ROWS))

        assert text.startswith("\ufeffusername,name,needs\r\n")
        assert list(csv.reader(io.StringIO(text[1:]))) == [
            list(COLUMNS),
            ["alice", '\'=HYPERLINK("x")', "a;b"],
            ["bob", "王伟", ""],
        ]

    def test_csv_written_reads_back_exactly(self, tmp_path):
        path = tmp_path / "out.csv"
        write_csv(path, header=COLUMNS, rows=[["'x", "-1", "@a\nb"], ["a", "b", "c"]])

        assert [row.values for row in read_table(path, required=COLUMNS).rows] == [
            {"username": "'x", "name": "-1", "needs": "@a\nb"},
            {"username": "a", "name": "b", "needs": "c"},
        ]

    def test_csv_chunks_split_large_outputs(self):
        chunks = list(csv_chunks(header=["n"], rows=([i] for i in range(5)), chunk_rows=2))

        assert len(chunks) == 3
        assert "".join(chunks) == "\ufeffn\r\n" + "".join(f"{i}\r\n" for i in range(5))

    def test_numbers_are_written_as_they_are(self):
        text = "".join(csv_chunks(header=["a", "b"], rows=[[Decimal("1234567.80"), -5]], bom=False))

        assert text == "a,b\r\n1234567.80,-5\r\n"

    def test_xlsx_has_a_bold_header_text_cells_and_numbers(self, tmp_path):
        path = tmp_path / "out.xlsx"
        write_xlsx(
            path, header=["name", "age", "assets"], rows=[["=SUM(A1)", 35, Decimal("1.50")], ["bell\x07", None, None]]
        )

        sheet = load_workbook(path).active
        assert [cell.value for cell in sheet[1]] == ["name", "age", "assets"]
        assert sheet["A1"].font.bold
        assert (sheet["A2"].value, sheet["A2"].data_type, sheet["B2"].value, sheet["C2"].value) == (
            "'=SUM(A1)",
            "s",
            35,
            1.5,
        )
        assert sheet["A3"].value == "bell"


class TestCellToField:
    def test_decimal_is_parsed_exactly_never_through_float(self):
        profile = CustomerProfile()

        assert cell_to_field(profile, "total_assets", "1234567.89") is None
        assert profile.total_assets == Decimal("1234567.89") and isinstance(profile.total_assets, Decimal)

    @pytest.mark.parametrize("text", ["1e3", "abc", "1,000", "Infinity", "0x10"])
    def test_decimal_refuses_anything_but_plain_notation(self, text):
        assert cell_to_field(CustomerProfile(), "total_assets", text) == f"“{text}” value must be a decimal number."

    @pytest.mark.parametrize("text", ["1_000", "1e3", "35.0", "٣٥"])
    def test_integer_refuses_anything_but_plain_digits(self, text):
        assert cell_to_field(CustomerProfile(), "age", text) == f"“{text}” value must be an integer."

    def test_empty_cells(self):
        profile = CustomerProfile(occupation="x", segment=3)

        assert cell_to_field(profile, "age", "") == "This field cannot be blank."
        assert cell_to_field(profile, "occupation", "") is None and profile.occupation == ""
        assert cell_to_field(profile, "segment", "") is None and profile.segment is None


class TestMessages:
    def test_row_error_renders_line_field_problem(self):
        assert str(RowError(7, "age", "too young")) == "line 7: age: too young"
