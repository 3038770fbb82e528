"""Import errors quote at most a short piece of a value (i10 #8)."""
import pytest
from django.utils import translation

from imports.messages import COMMAND_HINTS, import_errors_message
from imports.services import customers_import

pytestmark = pytest.mark.django_db

HEADER = "username,name,age,occupation,total_assets,needs,hobbies"


def test_an_invalid_number_is_quoted_cut_short_in_the_error():
    huge = "9" * 3000 + "x"
    with translation.override("en"):
        result = customers_import(file=f"{HEADER}\nalice,Alice,{huge},,{huge},,\n".encode())
        text = import_errors_message(result, source="f.csv", hints=COMMAND_HINTS)
    assert not result.ok and {error.field for error in result.errors} >= {"age", "total_assets"}
    assert huge not in text and "9" * 61 not in text
    assert all(len(str(error)) < 400 for error in result.errors)
