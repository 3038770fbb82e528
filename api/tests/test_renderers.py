"""The API's JSON renderer (orjson) writes the document DRF's renderer writes."""
import datetime
import json
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers

from api.renderers import JSONRenderer

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DOCUMENT = {
    "results": [
        {"id": 7, "name": "张三", "needs": ["理财规划", "基金投资"], "total_assets": Decimal("1234567.80"),
         "segment": None, "manager_locked": True, "age": 0},
        ("a", "tuple"),
    ],
    "utc": datetime.datetime(2026, 12, 7, 2, 3, 4, 567891, tzinfo=datetime.timezone.utc),
    "bank time": datetime.datetime(2026, 12, 7, 10, 3, 4, tzinfo=SHANGHAI),
    "day": datetime.date(2026, 12, 7),
    "time": datetime.time(9, 30),
    "lazy": gettext_lazy("Signed in."),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "separators": "line\u2028paragraph\u2029end",
    "quotes and controls": 'say "hi"\n\t\\',
    1: "an integer key",
    "score": 0.1 + 0.2,
    "big": 2**63 - 1,
}


def test_the_document_is_drfs_byte_for_byte():
    assert JSONRenderer().render(DOCUMENT) == renderers.JSONRenderer().render(DOCUMENT)


@pytest.mark.parametrize("data", [
    {"beyond 64 bits": 2**70},  # orjson refuses it: DRF's renderer writes it
    [1.5, 1e16, 1e-7, -0.0],  # numbers the two write in other notations: the same values
])
def test_what_orjson_writes_otherwise_reads_back_the_same(data):
    assert json.loads(JSONRenderer().render(data)) == json.loads(renderers.JSONRenderer().render(data))


def test_an_indented_document_on_request_and_nothing_for_none():
    indented = JSONRenderer().render({"a": [1]}, "application/json; indent=2")

    assert indented == renderers.JSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert b"\n" in indented
    assert JSONRenderer().render(None) == b""


def test_a_value_neither_knows_is_refused_as_drf_refuses_it():
    with pytest.raises(TypeError):
        JSONRenderer().render({"object": object()})
