"""Reading our own standard workbooks straight from their XML, ten times faster than openpyxl.

A standard workbook is read by its defined names. openpyxl builds every cell, style and merged
range of every sheet first (50–70 ms a file); here the zip's ``workbook.xml`` gives the names,
and only the sheets they point at are parsed, values only. The values are handed to the very
reader the normal path uses (``report_from_workbook``) through a small stand-in for openpyxl's
workbook, so both paths read a workbook the same way.

Anything this reader is not sure about (a name that is not one cell, a cell without its
reference, a date, a sheet it cannot find) makes it give up, and the normal reader takes over.
"""

from __future__ import annotations

import functools
import html
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string

from ..errors import UnreadableInput
from ..model import Report
from ..spec import Spec, load_spec
from ..validate.read import read_for_validation
from ..workbook import report_from_workbook

__all__ = ["read_fast", "read_standard_workbook", "workbook_parts"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ADDRESS = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_C, _V_TAG, _IS = f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_IS_OPEN = '<is xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_CELL = re.compile(r'<c r="([A-Z]{1,3}\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r' t="(\w+)"')
_STYLE = re.compile(r' s="(\d+)"')
_V = re.compile(r"<v>([^<]*)</v>")
_T = re.compile(r"<t(?: [^>]*)?>([^<]*)</t>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)


class _Unusual(Exception):
    """Something this reader does not handle: the normal reader reads the file instead."""


class _CellView(NamedTuple):
    value: Any
    row: int
    column: int


class _Name:
    """A defined name pointing at one cell, as openpyxl's ``DefinedName.destinations`` gives it."""

    __slots__ = ("destinations",)

    def __init__(self, sheet: str, address: str) -> None:
        self.destinations = ((sheet, address),)


class _Sheet:
    """The values of one worksheet, with the few methods the workbook reader calls. Cells are
    decoded when they are asked for: a form's labels never are."""

    def __init__(self, title: str, cells: dict[tuple[int, int], Any],
                 decode: Callable[[Any], Any] | None = None) -> None:
        self.title = title
        self._cells = cells
        self._decode = decode
        self._values: dict[tuple[int, int], Any] = {}
        self.max_row = max((r for r, _ in cells), default=1)

    def _get(self, position: tuple[int, int]) -> Any:
        if self._decode is None:
            return self._cells.get(position)
        if position in self._values:
            return self._values[position]
        raw = self._cells.get(position)
        value = self._values[position] = None if raw is None else self._decode(raw)
        return value

    def cell(self, row: int, column: int) -> _CellView:
        return _CellView(self._get((row, column)), row, column)

    def __getitem__(self, address: str) -> _CellView:
        return self.cell(*_cell_position(address))

    def iter_rows(self, min_row: int = 1, max_col: int = 1,
                  values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        get = self._get
        for r in range(min_row, self.max_row + 1):
            yield tuple(get((r, c)) for c in range(1, max_col + 1))


class _Workbook:
    """Defined names and lazily parsed sheets of a standard workbook's zip."""

    def __init__(self, archive: zipfile.ZipFile, skip: frozenset[str]) -> None:
        self._archive = archive
        rels = archive.read("xl/_rels/workbook.xml.rels")
        self._parts, self.defined_names = workbook_parts(archive.read("xl/workbook.xml"), rels)
        names = set(archive.namelist())
        if any(part not in names for part in self._parts.values()):
            raise _Unusual("sheet part")
        self.sheetnames = list(self._parts)
        self._strings: list[str] | None = None
        self._dates: frozenset[int] | None = None
        self._skip = skip
        self._sheets: dict[str, _Sheet] = {}

    def __getitem__(self, title: str) -> _Sheet:
        sheet = self._sheets.get(title)
        if sheet is None:
            if title in self._skip:
                sheet = _Sheet(title, {})
            else:
                data = self._archive.read(self._parts[title])
                raw = _scan(data)
                sheet = (_Sheet(title, raw, self._scanned_value) if raw is not None
                         else _Sheet(title, self._parse_tree(data)))
            self._sheets[title] = sheet
        return sheet

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            try:
                data = self._archive.read("xl/sharedStrings.xml")
            except KeyError:
                data = None
            self._strings = [] if data is None else [
                _text(si) for si in etree.fromstring(data, _PARSER).iter(f"{_MAIN}si")]
        return self._strings

    def _date_styles(self) -> frozenset[int]:
        if self._dates is None:
            try:
                data = self._archive.read("xl/styles.xml")
            except KeyError:
                data = b""
            self._dates = _date_styles(data)
        return self._dates

    def _scanned_value(self, raw: tuple[str, str]) -> Any:
        attrs, content = raw
        found_kind = _TYPE.search(attrs)
        kind = found_kind.group(1) if found_kind else "n"
        if kind == "inlineStr":
            if "&" in content:  # character references: lxml decodes them in C
                return _text(etree.fromstring(content.replace("<is>", _IS_OPEN, 1), _PARSER))
            return "".join(_T.findall(_PHONETIC.sub("", content)))
        found = _V.search(content)
        if found is None:
            return None
        style = _STYLE.search(attrs)
        return self._decode(kind, _xml_text(found.group(1)), int(style.group(1)) if style else 0)

    def _parse_tree(self, data: bytes) -> dict[tuple[int, int], Any]:
        root = etree.fromstring(data, _PARSER)
        values: dict[tuple[int, int], Any] = {}
        for c in root.iter(_C):
            if not len(c):  # a styled empty cell: most cells of a form
                continue
            value = self._value(c)
            if value is not None:
                values[_cell_position(c.get("r"))] = value
        return values

    def _value(self, c: Any) -> Any:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            return _text(c[0]) if c[0].tag == _IS else None
        text = None
        for child in c:
            if child.tag == _V_TAG:
                text = child.text
        if text is None:
            return None
        return self._decode(kind, text, int(c.get("s", "0")))

    def _decode(self, kind: str, text: str, style: int) -> Any:
        """A cell's value from its type attribute, its <v> text and its style index."""
        if kind == "n":
            if style in self._date_styles():
                raise _Unusual("date")
            return float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if kind == "s":
            return self._shared_strings()[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return bool(int(text))
        raise _Unusual(f"cell type {kind}")


@functools.lru_cache(maxsize=4096)
def _cell_position(ref: str | None) -> tuple[int, int]:
    """``B27`` → (27, 2)."""
    match = _CELL_REF.match(ref) if ref else None
    if match is None:
        raise _Unusual("cell without reference")
    return int(match.group(2)), column_index_from_string(match.group(1))


@functools.lru_cache(maxsize=16)
def workbook_parts(workbook: bytes, rels: bytes) -> tuple[dict[str, str], dict[str, _Name]]:
    """Sheet name → part, and the workbook's single-cell defined names. Cached by content:
    the workbooks of one edition share the same ``workbook.xml``."""
    root = etree.fromstring(workbook, _PARSER)
    targets = _relationships(rels)
    parts: dict[str, str] = {}
    for sheet in root.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(_REL, ""))
        if part is None:
            raise _Unusual("sheet part")
        parts[sheet.get("name")] = part
    names: dict[str, _Name] = {}
    for dn in root.iter(f"{_MAIN}definedName"):
        name = dn.get("name", "")
        if dn.get("localSheetId") is not None or name.startswith("_xlnm."):
            continue  # sheet-scoped names and print titles: not the workbook's, as openpyxl sees it
        match = _ADDRESS.match((dn.text or "").strip())
        if match is None:
            raise _Unusual(f"defined name {name}")
        sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
        names[name] = _Name(sheet, f"${match.group(3)}${match.group(4)}")
    return parts, names


def _scan(data: bytes) -> dict[tuple[int, int], tuple[str, str]] | None:
    """The cells of sheet XML as openpyxl and Excel write it (unprefixed, ``r`` first), found
    by pattern, undecoded: (attributes, content) by position. None when the XML is written
    some other way (every ``<c`` must be matched)."""
    text = data.decode("utf-8")
    if "<sheetData" not in text:
        return None
    cells = _CELL.findall(text)
    if len(cells) != text.count("<c "):
        return None
    return {_cell_position(ref): (attrs, content) for ref, attrs, content in cells if content}


def _xml_text(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _text(element: Any) -> str:
    """A string item's text: its own ``t`` and its runs' ``t``, not the phonetic guides."""
    parts = []
    for child in element:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _relationships(rels: bytes) -> dict[str, str]:
    """Relationship id → part name inside the zip, for ``xl/_rels/workbook.xml.rels``."""
    root = etree.fromstring(rels, _PARSER)
    base = PurePosixPath("xl")
    targets = {}
    for rel in root.iter(_PACKAGE_REL):
        target = rel.get("Target", "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = str(PurePosixPath(*_resolve((base / target).parts)))
        targets[rel.get("Id", "")] = path
    return targets


def _resolve(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for p in parts:
        if p == "..":
            if out:
                out.pop()
        elif p not in (".", ""):
            out.append(p)
    return out


@functools.lru_cache(maxsize=64)
def _date_styles(styles: bytes) -> frozenset[int]:
    """Indexes of the cell formats that show a number as a date (read as dates by openpyxl)."""
    if not styles:
        return frozenset()
    root = etree.fromstring(styles, _PARSER)
    custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    dates = set()
    for i, xf in enumerate(() if xfs is None else xfs.iter(f"{_MAIN}xf")):
        fmt_id = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
        if is_date_format(code):
            dates.add(i)
    return frozenset(dates)


def read_fast(path: Path, spec: Spec) -> Report:
    """A standard workbook read from its XML; ``_Unusual`` when it needs the normal reader."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnreadableInput(str(path), f"无法打开 Excel 文件（{type(exc).__name__}）") from None
    with archive:
        try:
            wb = _Workbook(archive, frozenset({spec.sheets["provenance"]}))
            return report_from_workbook(wb, path.name, spec)  # type: ignore[arg-type]
        except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
            raise _Unusual(type(exc).__name__) from exc


def read_standard_workbook(path: str | Path, spec: Spec | None = None) -> Report:
    """A report from a workbook, as ``read_for_validation`` reads it (values, no 来源 sheet),
    through the fast reader when the workbook is one it handles."""
    spec = spec or load_spec()
    path = Path(path)
    try:
        return read_fast(path, spec)
    except _Unusual:
        return read_for_validation(path, spec)
