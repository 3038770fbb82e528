# ruff: noqa: E501 (the parts of a workbook, one XML element a line)
"""Workbook bombs: small .xlsx files whose parts unpack to millions of elements, one kind each.

Each is a valid two-row workbook (name, age / Ann, 30) with one part swapped or added; the big part is
written in chunks, so building one takes a fraction of a second and its file is a few hundred KB at most.
`python -m core.tests.xlsx_bombs KIND [--openpyxl] [--count N]` reads one in this process and prints its refusal,
the seconds and the peak RSS (the figures in docs/testing.md); `--openpyxl` opens it the way the reader
did before `core.tabular.archive` (load the workbook, read the first sheet), to compare.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_STYLES_HEAD = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"""
_STYLES_TAIL = '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
_STRINGS_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}">'
_STRINGS = "<si><t>name</t></si><si><t>age</t></si><si><t>Ann</t></si>"
_SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>30</v></c></row>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _repeat(text: str, count: int) -> Iterator[bytes]:
    block = (text * 10_000).encode()
    for _ in range(count // 10_000):
        yield block
    yield (text * (count % 10_000)).encode()


Part = Callable[[], Iterator[bytes]] | str | bytes


def _parts(**changes: Part) -> dict[str, Callable[[], Iterator[bytes]]]:
    parts: dict[str, Part] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES_HEAD + _STYLES_TAIL,
        "xl/sharedStrings.xml": _STRINGS_HEAD + _STRINGS + "</sst>",
        "xl/worksheets/sheet1.xml": _SHEET_HEAD + _ROWS + _SHEET_TAIL,
    }
    parts.update(changes)
    return {
        name: part if callable(part) else (lambda part=part: iter([part.encode() if isinstance(part, str) else part]))
        for name, part in parts.items()
    }


def workbook(**changes: Part) -> bytes:
    """The two-row workbook, with parts (name: text or bytes, or a function giving the bytes in chunks) changed
    or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, chunks in _parts(**changes).items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks():
                    part.write(chunk)
    return out.getvalue()


def styles_bomb(count: int = 2_000_000) -> bytes:
    """The styles part of issue 20 (18 million `<xf/>` took 7.7 GB): `count` cell formats."""
    return workbook(**{"xl/styles.xml": lambda: _chain(_STYLES_HEAD, _repeat("<xf/>", count), _STYLES_TAIL)})


def strings_bomb(count: int = 1_100_000) -> bytes:
    """`count` distinct shared strings (4 million, 9.9 MB, took 733 MB): just over the bound by default, so
    that it builds quickly (`--count 4000000` for the issue's)."""
    return workbook(**{"xl/sharedStrings.xml": lambda: _chain(_STRINGS_HEAD + _STRINGS, _distinct_strings(count), "</sst>")})


def _distinct_strings(count: int) -> Iterator[bytes]:
    for start in range(0, count, 10_000):
        yield "".join(f"<si><t>{index:x}</t></si>" for index in range(start, min(start + 10_000, count))).encode()


def row_bomb(count: int = 2_000_000) -> bytes:
    """One row of `count` empty cells (openpyxl holds a row whole)."""
    return workbook(**{"xl/worksheets/sheet1.xml": lambda: _chain(
        _SHEET_HEAD + _ROWS + '<row r="3">', _repeat("<c/>", count), "</row>" + _SHEET_TAIL
    )})


def drawing_bomb(count: int = 2_000_000) -> bytes:
    """A part openpyxl does not need (a drawing) with `count` elements."""
    return workbook(**{"xl/drawings/drawing1.xml": lambda: _chain(
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">',
        _repeat("<xdr:a/>", count), "</xdr:wsDr>",
    )})


def parts_bomb(count: int = 20_000) -> bytes:
    """`count` tiny parts."""
    return workbook(**{f"xl/media/p{index}.xml": "<a/>" for index in range(count)})


def tag_bomb(count: int = 1_000_000) -> bytes:
    """One styles element with `count` attributes (expat hands them over in one dictionary)."""
    return workbook(**{"xl/styles.xml": lambda: _chain(
        _STYLES_HEAD + "<xf ", " ".join(f'a{index}=""' for index in range(count)), "/>" + _STYLES_TAIL,
    )})


def deep_bomb(depth: int = 100_000) -> bytes:
    """Elements nested `depth` deep in the styles part."""
    return workbook(**{"xl/styles.xml": lambda: _chain(
        _STYLES_HEAD, _repeat("<a>", depth), "", _repeat("</a>", depth), _STYLES_TAIL
    )})


def entities_bomb() -> bytes:
    """The billion laughs, in the workbook part."""
    entities = "".join(
        f'<!ENTITY e{n} "{("&e" + str(n - 1) + ";") * 10}">' if n else '<!ENTITY e0 "ha">' for n in range(10)
    )
    return workbook(**{"xl/workbook.xml": f"<!DOCTYPE workbook [{entities}]>" + _WORKBOOK.split("?>", 1)[1].replace(
        "<sheets>", "<sheets>&e9;"
    )})


def disguised_sheet_bomb(count: int = 2_000_000) -> bytes:
    """The workbook part replaced by a worksheet of `count` rows: openpyxl would build its tree whole."""
    sheet = lambda: _chain(_SHEET_HEAD, _repeat("<row/>", count), _SHEET_TAIL)  # noqa: E731
    return workbook(**{"xl/workbook.xml": sheet})


def _chain(*pieces) -> Iterator[bytes]:
    for piece in pieces:
        if isinstance(piece, str):
            yield piece.encode()
        else:
            for chunk in piece:
                yield chunk if isinstance(chunk, bytes) else chunk.encode()


BOMBS = {
    "styles": styles_bomb, "strings": strings_bomb, "row": row_bomb, "drawing": drawing_bomb,
    "parts": parts_bomb, "tag": tag_bomb, "deep": deep_bomb, "entities": entities_bomb,
    "disguised": disguised_sheet_bomb,
}


def _main() -> None:  # pragma: no cover - a measuring tool
    import argparse
    import os
    import resource
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.test")
    import django

    django.setup()
    from core.tabular import read_table

    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=BOMBS)
    parser.add_argument("--openpyxl", action="store_true", help="open it as the reader did before the checks")
    parser.add_argument("--count", type=int, help="how many elements (parts, attributes, depth) instead of the default")
    args = parser.parse_args()
    data = BOMBS[args.kind](*([args.count] if args.count else []))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        if args.openpyxl:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            outcome = f"read {sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))} rows"
        else:
            outcome = "; ".join(f"{error.code}: {error.message}" for error in read_table(data, required=["name", "age"]).errors)
    except BaseException as exc:  # noqa: BLE001 - what openpyxl does with it is the point
        outcome = f"{type(exc).__name__}: {str(exc)[:100]}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{args.kind}: {len(data) / 1024:.0f} KB, {seconds:.1f} s, peak RSS {peak / 1024:.0f} MB "
          f"(before reading {before / 1024:.0f} MB): {outcome}")


if __name__ == "__main__":  # pragma: no cover
    _main()
