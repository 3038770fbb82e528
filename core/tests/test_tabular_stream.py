"""A CSV is read as a stream: from its file a row at a time, in memory that does not grow with the file."""
from __future__ import annotations

import io
import tracemalloc

from core.tabular import read_table, read_table_stream

COLUMNS = ["name", "age"]


def test_a_csv_file_is_read_a_row_at_a_time_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("name,age\n" + "".join(f"Customer number {i:06d},{i % 90 + 18}\n" for i in range(60_000)))
    assert path.stat().st_size > 1_500_000

    tracemalloc.start()
    try:
        stream = read_table_stream(path, required=COLUMNS)
        count = sum(1 for _row in stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 60_000 and stream.errors == [] and stream.refused is None
    assert peak < 200_000  # the file is 1.6 MB: a few buffers, never the file nor its rows


def test_a_byte_that_is_not_utf8_deep_in_a_file_is_reported_on_its_line(tmp_path):
    path = tmp_path / "gbk.csv"
    rows = [f"Ann {i},30".encode() for i in range(5000)]
    rows[3997] = "王芳,30".encode("gbk")  # line 3999, far past the first blocks decoded
    path.write_bytes(b"name,age\n" + b"\n".join(rows) + b"\n")

    table = read_table(path, required=COLUMNS)

    assert table.rows == []
    assert [(error.line, error.code) for error in table.errors] == [(3999, "not_utf8")]


def test_a_stream_is_read_from_where_it_stands_and_left_open():
    stream = io.BytesIO(b"skip" + "name,age\nAnn,30\n".encode())
    stream.read(4)

    assert [row.values for row in read_table(stream, required=COLUMNS).rows] == [{"name": "Ann", "age": "30"}]
    assert not stream.closed


def test_rows_refused_on_the_way_are_errors_and_the_others_are_read():
    stream = read_table_stream("name,age\nAnn,30\nBob\nCara,41\n".encode(), required=COLUMNS)

    assert [row.line for row in stream] == [2, 4]
    assert [(error.line, error.code) for error in stream.errors] == [(3, "cell_count")]
