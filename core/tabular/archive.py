"""The checks an .xlsx archive passes before openpyxl opens it, so that a workbook bomb is refused in
bounded memory and in seconds.

openpyxl builds a tree of most parts of a workbook (the styles, the workbook, every relationship part, the
drawings of chart sheets...) and keeps every shared string, even in read-only mode: a 133 KB file whose
styles part holds 18 million `<xf/>` took 7.7 GB, 4 million shared strings 733 MB. So every part of the
archive is first streamed once through expat (the parser under `xml.etree`), counting bytes and elements
as they come and keeping nothing, and the archive is refused past any of these bounds:

- at most `ArchiveLimits.parts` parts, and `unpacked_bytes` once unpacked (counted while inflating,
  whatever the zip's headers claim);
- the content types and relationships are read first: a part whose root is a worksheet or a shared
  strings table and which they name as anything else is refused at its first tag (openpyxl would build a
  tree of its records, as a workbook, a drawing...);
- in every part: no document type declaration (so no entities), elements nested at most `depth` deep,
  at most `gap` bytes between two tags (a huge tag or text), and every element counts against one budget
  for the whole archive (`tree_elements`), the size of the trees openpyxl may build;
- but for the records openpyxl streams: the rows of a worksheet's `sheetData` and the strings of the
  shared strings table count apart, each at most `record_elements` elements (openpyxl holds one row or
  one string at a time); a worksheet has at most `rows` rows, the shared strings at most `strings`
  strings (openpyxl keeps them all).

A part that is not XML (an image, a printer's settings) is only counted in bytes. Nothing here knows what
the rows mean: `read.py` turns a refusal into a `RowError`.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.xml.constants import ARC_APP, ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_WORKBOOK

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET, _STRINGS = f"{_MAIN} worksheet", f"{_MAIN} sst"
# What the content types and relationships may call a part whose records are streamed.
_RECORD_TYPES = {
    _WORKSHEET: ("application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml", "/worksheet"),
    _STRINGS: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml", "/sharedStrings"),
}
# Parts openpyxl reads by their name alone (the workbook when the content types name none): never records.
_FIXED_PARTS = {name: "fixed" for name in (ARC_APP, ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_WORKBOOK)}
_CHUNK = 1 << 20


class ArchiveRefused(Exception):
    """The archive passes no further: `code` is what is wrong ("too_big", "too_complex", "bad_xlsx"),
    `part` the part's name (or "" for the whole archive), `detail` the bound in words, for people."""

    def __init__(self, code: str, part: str, detail: str):
        super().__init__(f"{part}: {detail}" if part else detail)
        self.code, self.part, self.detail = code, part, detail


@dataclass(frozen=True)
class ArchiveLimits:
    """The bounds of `check_archive`. None: no bound (the command line may lift the size limits)."""

    unpacked_bytes: int | None
    rows: int | None
    strings: int | None
    parts: int = 10_000
    tree_elements: int = 250_000
    record_elements: int = 100_000
    depth: int = 100
    gap: int = 4 * 1024 * 1024


def check_archive(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Raise `ArchiveRefused` unless every part of `archive` keeps within `limits` (see the module's text)."""
    items = [item for item in archive.infolist() if not item.is_dir()]
    if len(items) > limits.parts:
        raise ArchiveRefused("too_complex", "", f"more than {limits.parts} parts")
    budget = _Budget(limits)
    naming = [item for item in items if _names_parts(item.filename)]
    for item in naming:
        _scan_part(archive, item, limits, budget)
    budget.names = _part_names(archive, [item.filename for item in naming])
    for item in items:
        if not _names_parts(item.filename):
            _scan_part(archive, item, limits, budget)


def _names_parts(name: str) -> bool:
    return name == "[Content_Types].xml" or name.endswith(".rels")


class _Budget:
    def __init__(self, limits: ArchiveLimits):
        self.limits = limits
        self.unpacked = 0
        self.tree = 0
        self.names: dict[str, set[str]] = {}  # part: what the content types and relationships call it

    def add_bytes(self, part: str, count: int) -> None:
        self.unpacked += count
        most = self.limits.unpacked_bytes
        if most is not None and self.unpacked > most:
            raise ArchiveRefused("too_big", part, f"more than {most} bytes unpacked")


def _scan_part(archive: zipfile.ZipFile, item: zipfile.ZipInfo, limits: ArchiveLimits, budget: _Budget) -> None:
    name = item.filename
    parser = _Counter(name, limits, budget).parser
    xml = True  # until expat says otherwise: then the part is only counted in bytes
    gap = 0  # bytes since the last "<"
    try:
        with archive.open(item) as stream:
            while chunk := stream.read(_CHUNK):
                budget.add_bytes(name, len(chunk))
                if not xml:
                    continue
                gap = _check_gap(name, chunk, gap, limits.gap)
                try:
                    parser.Parse(chunk, False)
                except expat.ExpatError:
                    xml = False
            if xml:
                try:
                    parser.Parse(b"", True)
                except expat.ExpatError:
                    pass
    except ArchiveRefused:
        raise
    except Exception as exc:  # a damaged member: bad CRC, unknown compression...
        raise ArchiveRefused("bad_xlsx", name, str(exc)) from exc


def _check_gap(name: str, chunk: bytes, gap: int, most: int) -> int:
    first = chunk.find(b"<")
    if first < 0:
        gap += len(chunk)
    else:
        longest = max(gap + first, max(map(len, chunk[first + 1 :].split(b"<"))))
        gap = len(chunk) - chunk.rfind(b"<") - 1
        if longest > most:
            raise ArchiveRefused("too_complex", name, f"more than {most} bytes in one tag or text")
    if gap > most:
        raise ArchiveRefused("too_complex", name, f"more than {most} bytes in one tag or text")
    return gap


class _Counter:
    """expat's handlers for one part: count, compare, keep nothing."""

    def __init__(self, name: str, limits: ArchiveLimits, budget: _Budget):
        self.name, self.limits, self.budget = name, limits, budget
        self.depth = 0
        self.record_tag = ""  # the tag of this part's records: rows or strings (once the root is known)
        self.record_depth = 0  # the depth of the record being read, 0 outside one
        self.record_elements = 0
        self.records = 0
        self.most_records = None
        self.most_depth, self.most_record_elements = limits.depth, limits.record_elements
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.ordered_attributes = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        self.parser = parser

    def refuse(self, detail: str):
        raise ArchiveRefused("too_complex", self.name, detail)

    def doctype(self, *args):
        self.refuse("a document type declaration")

    def start(self, tag, attributes):
        self.depth = depth = self.depth + 1
        if depth > self.most_depth:
            self.refuse(f"elements nested more than {self.most_depth} deep")
        if self.record_depth:  # the bulk of a workbook: the cells of a row, the runs of a string
            self.record_elements += 1
            if self.record_elements > self.most_record_elements:
                self.refuse(f"more than {self.most_record_elements} elements in one row or string")
            return
        if tag == self.record_tag and depth == self.record_level:
            self.record_depth, self.record_elements = depth, 1
            self.records += 1
            if self.most_records is not None and self.records > self.most_records:
                code = "too_many_rows" if self.record_level == 3 else "too_many_strings"
                raise ArchiveRefused(code, self.name, f"more than {self.most_records} records")
            return
        if depth == 1:
            self.root(tag)
        budget = self.budget
        budget.tree += 1
        if budget.tree > self.limits.tree_elements:
            self.refuse(f"more than {self.limits.tree_elements} elements outside rows and strings")

    def root(self, tag: str) -> None:
        """A worksheet streams its rows (in sheetData, depth 3), a shared strings table its strings (depth 2),
        if nothing names the part as another kind of part."""
        if tag not in _RECORD_TYPES:
            return
        content_type, relation = _RECORD_TYPES[tag]
        if any(name not in (content_type, relation) for name in self.budget.names.get(self.name, ())):
            self.refuse("a worksheet or shared strings part named as another part")
        if tag == _WORKSHEET:
            self.record_tag, self.record_level, self.most_records = f"{_MAIN} row", 3, self.limits.rows
        else:
            self.record_tag, self.record_level, self.most_records = f"{_MAIN} si", 2, self.limits.strings

    record_level = 0

    def end(self, tag):
        if self.depth == self.record_depth:
            self.record_depth = 0
        self.depth -= 1


def _part_names(archive: zipfile.ZipFile, names: list[str]) -> dict[str, set[str]]:
    """{part: what the content types call it (a content type) and every relationship to it (its type's last
    segment, "/worksheet")}. These parts have passed `_scan_part`, so their trees are small."""
    found: dict[str, set[str]] = {name: {kind} for name, kind in _FIXED_PARTS.items()}
    for name in names:
        if name == "[Content_Types].xml":
            for override in _tree(archive, name).iter(f"{{{_CONTENT_TYPES}}}Override"):
                part = (override.get("PartName") or "").lstrip("/")
                found.setdefault(part, set()).add(override.get("ContentType") or "")
            continue
        # "xl/_rels/workbook.xml.rels" names targets relative to "xl/"; "_rels/.rels" to the root.
        base = posixpath.dirname(posixpath.dirname(name))
        for relation in _tree(archive, name).iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            if relation.get("TargetMode") == "External":
                continue
            target = relation.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            kind = (relation.get("Type") or "").rstrip("/")
            found.setdefault(part, set()).add(kind[kind.rfind("/"):])
    return found


def _tree(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(archive.read(name))
    except ElementTree.ParseError:
        return ElementTree.Element("unreadable")  # openpyxl will say so
