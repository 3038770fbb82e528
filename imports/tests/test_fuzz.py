"""Fuzzing the customer import with CSV and XLSX input: always a clear report, never a crash or a partial import."""
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from customers.models import CustomerProfile
from customers.signals import portraits_changed
from imports.services import customers_import

from .fuzzing import FUZZ, assert_clear_report, cells, csv_bytes, encodings, headers, xlsx_bytes

pytestmark = pytest.mark.django_db

COLUMNS = ["username", "name", "age", "occupation", "total_assets", "needs", "hobbies"]
header = headers(COLUMNS)


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
        assert_clear_report(result)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_get_a_report_not_a_crash(data):
    _check(data)


@FUZZ
@given(columns=header, rows=st.lists(st.lists(cells, min_size=0, max_size=9), max_size=5), encoding=encodings)
def test_csv_with_odd_headers_cells_and_encodings_gets_a_report_not_a_crash(columns, rows, encoding):
    _check(csv_bytes(columns, rows, encoding))


@FUZZ
@given(columns=header, rows=st.lists(st.lists(cells, min_size=0, max_size=9), max_size=5))
def test_xlsx_with_odd_headers_and_cells_gets_a_report_not_a_crash(columns, rows):
    _check(xlsx_bytes(columns, rows))
