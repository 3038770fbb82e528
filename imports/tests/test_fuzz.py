"""Fuzzing the customer import with CSV and XLSX input: always a clear report, never a crash or a partial import."""
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from customers.models import CustomerProfile
from customers.signals import portraits_changed
from imports.services import customers_import

pytestmark = pytest.mark.django_db

COLUMNS = ["username", "name", "age", "occupation", "total_assets", "needs", "hobbies"]
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

cell = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["=1+1", "+SUM(A1)", "@x", "\t=1", "\x00", "a\x1bb", "9" * 400, "1e999", "-1", "é", "x" * 6000]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
header = st.one_of(
    st.just(COLUMNS),
    st.lists(st.sampled_from([*COLUMNS, "extra", "", "USERNAME"]), max_size=9),
)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr(portraits_changed, "receivers", [])
    with translation.override("en"):
        yield


def _check(data: bytes):
    before = CustomerProfile.objects.count()
    result = customers_import(file=data)
    if result.ok:
        assert CustomerProfile.objects.count() == before + result.created
    else:
        assert CustomerProfile.objects.count() == before  # nothing written
        assert all(str(error) and len(str(error)) < 500 for error in result.errors)


def _csv(columns, rows, encoding):
    lines = [",".join(columns)] + [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    return "\n".join(lines).encode(encoding, errors="replace")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_get_a_report_not_a_crash(data):
    _check(data)


@FUZZ
@given(
    columns=header,
    rows=st.lists(st.lists(cell, min_size=0, max_size=9), max_size=5),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]),
)
def test_csv_with_odd_headers_cells_and_encodings_gets_a_report_not_a_crash(columns, rows, encoding):
    _check(_csv(columns, rows, encoding))


@FUZZ
@given(columns=header, rows=st.lists(st.lists(cell, min_size=0, max_size=9), max_size=5))
def test_xlsx_with_odd_headers_and_cells_gets_a_report_not_a_crash(columns, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])  # openpyxl refuses to write these
    buffer = io.BytesIO()
    workbook.save(buffer)
    _check(buffer.getvalue())
