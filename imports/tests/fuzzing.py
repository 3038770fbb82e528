"""What the import fuzz tests share: Hypothesis settings, hostile cells and headers, CSV and XLSX builders.

Used by test_fuzz.py (customers) and test_fuzz_managers.py, so both imports meet the same hostile input.
"""
import io

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.testing.hypothesis import examples

# The database fixture is set up once per test and shared by its examples: each example checks its own
# before/after, so that is what we want.
FUZZ = settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Formulas, control characters, numbers too long or too big for any column, a cell above the size limit.
HOSTILE_CELLS = ["=1+1", "+SUM(A1)", "@x", "\t=1", "\x00", "a\x1bb", "9" * 400, "1e999", "-1", "é", "x" * 6000]

cells = st.one_of(
    st.text(max_size=20),
    st.sampled_from(HOSTILE_CELLS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)

encodings = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"])


def headers(columns) -> st.SearchStrategy[list[str]]:
    """The right header, or one with columns missing, repeated, extra, blank or in capitals."""
    columns = list(columns)
    return st.one_of(
        st.just(columns),
        st.lists(st.sampled_from([*columns, "extra", "", "USERNAME"]), max_size=len(columns) + 2),
    )


def csv_bytes(columns, rows, encoding: str) -> bytes:
    """A CSV file in `encoding` (characters it lacks replaced); only cells with a comma are quoted."""
    lines = [",".join(columns)] + [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    return "\n".join(lines).encode(encoding, errors="replace")


def xlsx_bytes(columns, rows) -> bytes:
    """An XLSX workbook; text cells lose the control characters openpyxl refuses to write."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_clear_report(result) -> None:
    """A refused file lists its problems, each a short line a person can read."""
    assert result.errors
    assert all(str(error) and len(str(error)) < 500 for error in result.errors)
