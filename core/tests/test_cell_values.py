"""CellValues: the fields' own rules on cells, once per distinct text, agreeing with full_clean() on an instance."""
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.testing.hypothesis import examples
from core.tabular import CellValues, cell_to_field, field_problems, model_errors
from customers.models import CustomerProfile
from managers.models import ManagerProfile

COLUMNS = ("age", "occupation", "total_assets")
NOT_IN_FILE = [f.name for f in CustomerProfile._meta.fields if f.name not in COLUMNS]

numberish = st.one_of(
    st.integers(min_value=-10**16, max_value=10**16).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**14, max_value=10**14).map(str),
    st.sampled_from(["", "1e3", "1,000", "NaN", "+5", "-0", ".5", "5.", "0x10", "٣٥", " 4", "120", "17", "18"]),
    st.text(max_size=8),
)


def full_clean_problems(column: str, text: str) -> list[str]:
    """What the import did before CellValues: the cell put on an instance, then full_clean() on it."""
    instance = CustomerProfile(age=40, occupation="", total_assets=Decimal("1"))
    if problem := cell_to_field(instance, column, text):
        return [problem]
    return [message for name, message in model_errors(instance, exclude=NOT_IN_FILE) if name == column]


@settings(max_examples=examples(300), deadline=None)
@given(column=st.sampled_from(COLUMNS), text=st.one_of(numberish, st.text(max_size=120)))
def test_agrees_with_full_clean_on_an_instance(column, text):
    with translation.override("en"):
        value, problems = CellValues(CustomerProfile, COLUMNS).read(column, text)

        assert list(problems) == full_clean_problems(column, text)
        if not problems:
            instance = CustomerProfile(age=40, occupation="", total_assets=Decimal("1"))
            cell_to_field(instance, column, text)
            instance.full_clean(exclude=NOT_IN_FILE, validate_unique=False, validate_constraints=False)
            assert value == getattr(instance, column) and type(value) is type(getattr(instance, column))


def test_each_distinct_text_is_checked_once(monkeypatch):
    cells = CellValues(CustomerProfile, COLUMNS)
    calls = []
    original = cells.fields["age"].clean
    monkeypatch.setattr(cells.fields["age"], "clean", lambda *args: calls.append(args) or original(*args))

    assert [cells.read("age", text)[0] for text in ["40", "41", "40", "40"]] == [40, 41, 40, 40]
    assert len(calls) == 2


def test_a_kept_value_is_checked_by_its_text_not_by_equality():
    cells = CellValues(CustomerProfile, COLUMNS)

    assert cells.problems("total_assets", Decimal("1.0")) == ()
    assert cells.problems("total_assets", Decimal("1.000")) == ("Ensure that there are no more than 2 decimal places.",)


@pytest.mark.parametrize(("model", "expected"), [(CustomerProfile, False), (ManagerProfile, False)])
def test_profiles_have_no_row_rules_of_their_own(model, expected):
    """Their clean() is Model.clean: the field checks are all full_clean() would run on an import's cells."""
    assert CellValues(model, ()).has_row_rules is expected


def test_field_problems_pass_a_blank_value_of_a_field_that_may_be_blank():
    occupation = CustomerProfile._meta.get_field("occupation")
    age = CustomerProfile._meta.get_field("age")

    with translation.override("en"):
        assert field_problems(occupation, "") == []
        assert field_problems(age, None) == ["This field cannot be null."]
        assert field_problems(age, 17) == ["Ensure this value is greater than or equal to 18."]
