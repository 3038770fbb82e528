"""Workbook bombs: every part of an .xlsx archive is bounded before openpyxl opens it (`core.tabular.archive`).

Issue 20: a 133 KB workbook whose styles part held 18 million `<xf/>` took 7.7 GB and 3 minutes; 4 million
shared strings 733 MB. Each bomb here is a few KB to a few MB, is refused in seconds, and, read in a child
process, keeps its peak RSS under 500 MB.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from core.tabular import Limits, RowError, read_table
from core.testing.hypothesis import examples
from core.tabular.archive import ArchiveLimits, ArchiveRefused, check_archive

from . import xlsx_bombs
from .xlsx_bombs import workbook

COLUMNS = ["name", "age"]
FUZZ = hypothesis_settings(
    max_examples=examples(60), deadline=None,  # derandomized by the ci profile (docs/testing.md)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _codes(data: bytes, **limits) -> list[str]:
    table = read_table(data, required=COLUMNS, limits=Limits.from_settings(**limits) if limits else None)
    return [error.code for error in table.errors]


class TestAWorkbookWithinTheBoundsIsRead:
    def test_the_bombs_base_workbook_reads_its_row(self):
        table = read_table(workbook(), required=COLUMNS)

        assert table.errors == []
        assert [row.values for row in table.rows] == [{"name": "Ann", "age": "30"}]

    def test_a_styled_workbook_with_a_chart_and_several_sheets_reads_its_first_sheet(self):
        book = Workbook()
        sheet = book.active
        sheet.append(COLUMNS)
        for index in range(200):
            sheet.append([f"name{index}", index])
            sheet.cell(row=index + 2, column=1).font = Font(bold=index % 2 == 0, size=8 + index % 7)
            sheet.cell(row=index + 2, column=2).fill = PatternFill("solid", fgColor=f"{index:06X}")
        chart = BarChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=201), titles_from_data=True)
        sheet.add_chart(chart, "D2")
        book.create_sheet("notes").append(["anything", "else"])
        buffer = io.BytesIO()
        book.save(buffer)

        table = read_table(buffer.getvalue(), required=COLUMNS)

        assert table.errors == []
        assert len(table.rows) == 200

    def test_rows_up_to_the_limit_are_read_and_one_more_is_refused_before_openpyxl(self):
        rows = "".join(f'<row r="{n}"><c t="inlineStr"><is><t>x{n}</t></is></c><c><v>{n}</v></c></row>'
                       for n in range(3, 8))
        data = workbook(**{"xl/worksheets/sheet1.xml": xlsx_bombs._SHEET_HEAD + xlsx_bombs._ROWS + rows
                           + xlsx_bombs._SHEET_TAIL})

        assert _codes(data, max_rows=6) == []
        assert _codes(data, max_rows=5) == ["too_many_rows"]


class TestRejectsWorkbookBombs:
    """One bomb per kind of part, each refused before openpyxl opens the file."""

    @pytest.mark.parametrize(
        ("kind", "code", "part"),
        [
            ("styles", "too_complex", "xl/styles.xml"),
            ("strings", "too_many_rows", ""),  # 4 million strings: more than 2 a data row
            ("row", "too_complex", "xl/worksheets/sheet1.xml"),
            ("drawing", "too_complex", "xl/drawings/drawing1.xml"),
            ("parts", "too_complex", "the zip archive"),
            ("tag", "too_complex", "xl/styles.xml"),
            ("deep", "too_complex", "xl/styles.xml"),
            ("entities", "too_complex", "xl/workbook.xml"),
            ("disguised", "too_complex", "xl/workbook.xml"),
        ],
    )
    def test_a_bomb_is_refused_naming_its_part(self, kind, code, part):
        """How fast: `python -m core.tests.xlsx_bombs KIND` prints it (figures, not a timed test)."""
        data = xlsx_bombs.BOMBS[kind]()

        table = read_table(data, required=COLUMNS)

        assert [error.code for error in table.errors] == [code]
        assert part in table.errors[0].message
        assert table.rows == []

    def test_a_worksheet_a_relationship_names_as_a_drawing_is_refused(self):
        sheet = xlsx_bombs._SHEET_HEAD + xlsx_bombs._ROWS + xlsx_bombs._SHEET_TAIL
        rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'drawing" Target="../worksheets/sheet2.xml"/></Relationships>')
        data = workbook(**{"xl/worksheets/sheet2.xml": sheet, "xl/chartsheets/_rels/sheet1.xml.rels": rels})

        table = read_table(data, required=COLUMNS)

        assert [error.code for error in table.errors] == ["too_complex"]
        assert "xl/worksheets/sheet2.xml" in table.errors[0].message

    def test_a_worksheet_at_the_workbooks_fixed_name_is_refused_even_when_nothing_names_it(self):
        content_types = xlsx_bombs._CONTENT_TYPES.replace(
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>', ""
        ).replace('ContentType="application/xml"', 'ContentType="application/vnd.openxmlformats-officedocument.'
                  'spreadsheetml.sheet.main+xml"')
        sheet = xlsx_bombs._SHEET_HEAD + "<row/>" * 10 + xlsx_bombs._SHEET_TAIL
        data = workbook(**{"[Content_Types].xml": content_types, "_rels/.rels": "<Relationships/>",
                           "xl/workbook.xml": sheet})

        table = read_table(data, required=COLUMNS)

        assert [error.code for error in table.errors] == ["too_complex"]
        assert "xl/workbook.xml" in table.errors[0].message

    def test_unpacked_bytes_are_counted_as_they_are_inflated_whatever_the_headers_say(self, settings):
        settings.PORTRAIT_IMPORT_MAX_BYTES = 200_000  # 1 MB unpacked at most
        data = workbook(**{"xl/media/image1.bin": lambda: iter([b"\0" * (2 * 1024 * 1024)])})

        assert _codes(data) == ["too_big"]

    def test_the_shared_strings_bound_follows_the_row_limit(self):
        data = xlsx_bombs.strings_bomb(count=100)  # 103 strings

        assert _codes(data, max_rows=50) == ["too_many_rows"]  # at most 2 × 51
        assert _codes(data, max_rows=60) == []  # the two rows read

    def test_the_command_lines_no_limit_lifts_the_size_and_strings_bounds_but_not_the_shape(self):
        assert _codes(xlsx_bombs.strings_bomb(count=100), max_rows=None) == []
        assert _codes(xlsx_bombs.styles_bomb(count=300_000), max_bytes=None, max_rows=None) == ["too_complex"]

    def test_the_check_refuses_with_its_own_error_only(self):
        with zipfile.ZipFile(io.BytesIO(xlsx_bombs.deep_bomb(depth=200))) as archive:
            with pytest.raises(ArchiveRefused) as refused:
                check_archive(archive, ArchiveLimits(unpacked_bytes=None, rows=None, strings=None))
        assert (refused.value.code, refused.value.part) == ("too_complex", "xl/styles.xml")


PARTS = [
    "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
    "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/drawings/drawing1.xml", "xl/theme/theme1.xml",
]
_TAGS = ["row", "c", "v", "si", "t", "xf", "sheetData", "worksheet", "sst", "styleSheet", "a", "is"]
xml_pieces = st.one_of(
    st.sampled_from([f"<{tag}>" for tag in _TAGS] + [f"</{tag}>" for tag in _TAGS] + [f"<{tag}/>" for tag in _TAGS]),
    st.sampled_from([f'<worksheet xmlns="{xlsx_bombs.MAIN}"><sheetData>', f'<sst xmlns="{xlsx_bombs.MAIN}">',
                     "<!DOCTYPE x>", "&amp;", "&e;", "<?xml version='1.0'?>", "<![CDATA[x]]>", "<!-- c -->"]),
    st.text(max_size=8),
)
part_contents = st.one_of(
    st.binary(max_size=200),
    st.lists(xml_pieces, max_size=40).map(lambda pieces: "".join(pieces)),
    st.tuples(st.sampled_from(["<xf/>", "<si><t>x</t></si>", "<row/>", "<c/>", "<a>"]),
              st.integers(min_value=0, max_value=300_000)).map(lambda repeat: repeat[0] * repeat[1]),
)


class TestFuzzTheArchivesParts:
    @FUZZ
    @given(changes=st.dictionaries(st.sampled_from(PARTS), part_contents, min_size=1, max_size=4))
    def test_any_part_contents_give_rows_or_the_readers_errors_never_an_exception(self, changes):
        data = workbook(**changes)

        table = read_table(data, required=COLUMNS)

        assert all(isinstance(error, RowError) for error in table.errors)
        assert table.errors or [row.values for row in table.rows] == [{"name": "Ann", "age": "30"}]

    @FUZZ
    @given(data=st.binary(max_size=400).map(lambda tail: b"PK\x03\x04" + tail))
    def test_any_bytes_after_the_zip_magic_are_an_unreadable_file(self, data):
        assert [error.code for error in read_table(data, required=COLUMNS).errors] == ["bad_xlsx"]


_MEASURE = """
import json, os, sys, time
import django
django.setup()
from core.tabular import read_table
from core.tests import xlsx_bombs
kind = sys.argv[1]
data = xlsx_bombs.BOMBS[kind]()
start = time.perf_counter()
codes = [error.code for error in read_table(data, required=["name", "age"]).errors]
# VmHWM is this process's own peak: ru_maxrss survives exec, so it would carry the forking worker's peak.
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"codes": codes, "seconds": time.perf_counter() - start, "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.parametrize(
    ("kind", "code"),
    [("styles", "too_complex"), ("strings", "too_many_rows"), ("row", "too_complex"), ("drawing", "too_complex"),
     ("parts", "too_complex"), ("tag", "too_complex"), ("disguised", "too_complex")],
)
def test_a_bomb_read_in_a_child_process_peaks_under_500_mb(kind, code):
    """In a fresh interpreter (Django and openpyxl loaded: some 70 MB), so that its peak (VmHWM) is this bomb's."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portrait.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, kind], cwd=Path(django_settings.BASE_DIR), env=environment,
        capture_output=True, text=True, timeout=120, check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])

    assert figures["codes"] == [code]
    assert figures["peak_mb"] < 500
