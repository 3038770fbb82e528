"""Fuzzing the manager import with CSV and XLSX input: always a clear report, never a crash or a partial import.

Hostile files (random bytes, odd encodings, missing or extra columns, one username twice, huge numbers
and capacities, huge cells, formulas, control characters) meet a bank that already has managers, a
customer and retired terms, so that a refused file has something to leave untouched: whenever the
report lists errors, every table the import may write is exactly as before.
"""
import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import Role, User
from audit.models import AuditEvent
from customers.models import CustomerProfile
from customers.tests.factories import CustomerFactory
from imports.services import MANAGER_IMPORT_COLUMNS, managers_import
from managers.models import ManagerProfile
from managers.tests.factories import ManagerFactory
from vocabularies.models import Hobby, Service

from .fuzzing import FUZZ, HOSTILE_CELLS, assert_clear_report, cells, csv_bytes, encodings, headers, xlsx_bytes

pytestmark = pytest.mark.django_db

COLUMNS = [c for c in MANAGER_IMPORT_COLUMNS if c not in ("branch", "tiers")]  # optional: tested with hostile cells
header = headers(COLUMNS)

# Usernames of the bank below (in any case or width), new ones, and ones the model refuses.
usernames = st.one_of(
    st.sampled_from(["li", "LI", "ｌｉ", " li ", "zhao", "new_1", "new_2", "customer_x", "", "a" * 151, "bad name!",
                     "=cmd|' /C calc'!A0", "x\x00y", "\u202eevil"]),
    st.text(max_size=8),
)
names = st.one_of(st.sampled_from(["李娜", "", "n" * 101, "=HYPERLINK(\"http://x\")", "a\x07b"]), st.text(max_size=8))
terms = st.lists(
    st.sampled_from(["Funds", "funds", "Insurance", "Trust", "Unknown", "Golf", "Tea", "", " ", "@SUM(1)", "\x1b"]),
    max_size=4,
).flatmap(lambda words: st.sampled_from([";", "；", ",", "|"]).map(lambda sep: sep.join(words)))
capacities = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "0", "1", "-1", "1.5", "1e9", "2147483648", "4294967296", str(2**63), "9" * 400, "５",
                     " 7 ", "NaN", "inf", "=1+1", "\t3", "3\x00"]),
)
phones = st.sampled_from(["", "010-65528888", "+86 138 0013 8000", "call me", "1" * 25, "=1+1", " 123 "])
manager_rows = st.lists(st.tuples(usernames, names, terms, terms, capacities, phones).map(list), max_size=6)


@pytest.fixture(autouse=True)
def bank():
    """Manager li (capacity 3, serving two customers), zhao; a customer customer_x; a retired service."""
    funds, insurance, trust = (Service.objects.create(name=name) for name in ["Funds", "Insurance", "Trust"])
    golf, tea = (Hobby.objects.create(name=name) for name in ["Golf", "Tea"])
    Service.objects.filter(pk=trust.pk).update(is_active=False)
    li = ManagerFactory(user__username="li", capacity=3, capabilities=[funds, trust], hobbies=[golf])
    ManagerFactory(user__username="zhao", capacity=9, capabilities=[insurance], hobbies=[tea])
    CustomerFactory.create_batch(2, manager=li)
    CustomerFactory(user__username="customer_x")
    with translation.override("en"):
        yield


def database_state() -> dict:
    """Everything a manager import may write, in a comparable form."""
    through = {name: getattr(ManagerProfile, name).through for name in ("capabilities", "hobbies")}
    return {
        "users": sorted(User.objects.values_list("username", "name", "role", "is_active", "is_staff", "password")),
        "managers": sorted(
            ManagerProfile.objects.values_list(
                "user__username", "capacity", "phone", "accepting_customers", "updated_at"
            )
        ),
        **{name: sorted(model.objects.values_list()) for name, model in through.items()},
        "services": sorted(Service.objects.values_list("name", "is_active")),
        "hobby_terms": sorted(Hobby.objects.values_list("name", "is_active")),
        "books": sorted(CustomerProfile.objects.values_list("pk", "manager_id")),
        "audit": AuditEvent.objects.count(),
    }


def _check(data: bytes, *, create_terms: bool = False):
    before = database_state()
    result = managers_import(file=data, create_terms=create_terms)
    if result.ok:
        assert ManagerProfile.objects.count() == len(before["managers"]) + result.created
        assert AuditEvent.objects.filter(action="managers.imported").count() >= 1
        assert not ManagerProfile.objects.filter(capacity__lt=1).exists()
    else:
        assert_clear_report(result)
        assert database_state() == before  # nothing written, not even the terms or the audit event
    return result


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_get_a_report_not_a_crash(data):
    _check(data)


@FUZZ
@given(columns=header, rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=5), encoding=encodings)
def test_csv_with_odd_headers_cells_and_encodings_gets_a_report_not_a_crash(columns, rows, encoding):
    _check(csv_bytes(columns, rows, encoding))


@FUZZ
@given(columns=header, rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=5))
def test_xlsx_with_odd_headers_and_cells_gets_a_report_not_a_crash(columns, rows):
    _check(xlsx_bytes(columns, rows))


@FUZZ
@given(rows=manager_rows, encoding=encodings, create_terms=st.booleans())
@example(rows=[["new_1", "A", "Funds", "Golf", "5", ""], ["NEW_1", "B", "Funds", "Golf", "5", ""]], encoding="utf-8",
         create_terms=False)  # one manager twice in a file
@example(rows=[["new_1", "A", "Funds", "Golf", "5", ""], ["new_2", "B", "Funds", "Golf", "9" * 400, ""]],
         encoding="utf-8", create_terms=False)  # one good row, one huge capacity
@example(rows=[["new_1", "=1+1", "Funds", "Golf", "5", ""], ["zhao", "Z", "Unknown", "", "4294967296", ""]],
         encoding="gbk", create_terms=True)
@example(rows=[["customer_x", "C", "Funds", "", "5", ""]], encoding="utf-8", create_terms=False)  # another role
def test_manager_shaped_csv_rows_are_all_written_or_none(rows, encoding, create_terms):
    _check(csv_bytes(COLUMNS, rows, encoding), create_terms=create_terms)


# In a workbook, a capacity may also be a number cell: integers of any size, floats, booleans.
xlsx_capacities = st.one_of(
    capacities,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@FUZZ
@given(rows=st.lists(st.tuples(usernames, names, terms, terms, xlsx_capacities, phones).map(list), max_size=6))
@example(rows=[["new_1", "A", "Funds", "Golf", 10**20, ""], ["new_2", "B", "Funds", "Golf", 5, ""]])
@example(rows=[["new_1", "A", "Funds", "Golf", 2.5, ""]])
def test_manager_shaped_xlsx_rows_are_all_written_or_none(rows):
    _check(xlsx_bytes(COLUMNS, rows))


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_a_hostile_cell_in_any_column_refuses_the_whole_file(cell):
    """One good manager beside a row with the hostile cell: the good one is not written either."""
    columns = list(MANAGER_IMPORT_COLUMNS)
    for column in columns:
        row = {"username": "new_2", "name": "B", "capabilities": "Funds", "hobbies": "Golf", "capacity": "4",
               "phone": "010-65528888", "branch": "", "tiers": ""}
        row[column] = cell
        first = {"username": "new_1", "name": "A", "capabilities": "Funds", "hobbies": "Golf", "capacity": "5"}
        data = csv_bytes(columns, [[first.get(c, "") for c in columns], [row[c] for c in columns]], "utf-8")

        result = _check(data)

        written = User.objects.filter(username="new_1").exists()
        assert written == result.ok
        User.objects.filter(role=Role.MANAGER).exclude(username__in=["li", "zhao"]).delete()  # for the next column
