"""Where the workbook reader gets its cells from: a workbook's values by sheet and position,
and its defined names, whatever holds them.

- ``file_cells``: a workbook file through python-calamine (Rust), the names from the zip's
  ``workbook.xml``; the fast path, ten times faster than openpyxl, for the many-file case.
  Anything it is not sure about (a date, an error value, a cell type it does not know) raises
  ``Unusual``, and the file is read again through openpyxl;
- ``openpyxl_cells``: a workbook file loaded read-only by openpyxl, or a workbook already open;
- ``value_cells``: the values and names Excel hands the add-in through xlwings (unsaved edits
  included).

Every source gives the reader the same values: None for an empty cell (or empty text), text,
a bool, an int for a whole number, a float otherwise (openpyxl and Excel may also give dates).
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import python_calamine
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from ..errors import UnreadableInput, os_reason
from ..files import XML_REFUSED, open_package, read_input

__all__ = ["CellRef", "Cells", "Unusual", "cell_names", "file_cells", "openpyxl_cells", "parse_reference",
           "value_cells", "workbook_parts"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REFERENCE = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
# Hardened: no entities resolved, nothing fetched, libxml2's limits kept (a part with a DTD
# never gets here: the package refuses it).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_ERROR_CELL = b' t="e"'  # a cell holding an error value (#DIV/0!), which calamine reads as blank


class Unusual(Exception):
    """Something the fast source does not handle: the file is read through openpyxl instead."""


class CellRef(NamedTuple):
    """Where a defined name points: one cell of one sheet."""

    sheet: str
    row: int
    column: int

    @property
    def address(self) -> str:
        """``D27``."""
        return f"{get_column_letter(self.column)}{self.row}"


def parse_reference(text: str) -> CellRef | None:
    """``'三、依申请公开'!$D$27`` (or ``=…``) → CellRef; None when it is not one cell."""
    match = _REFERENCE.match(text.strip())
    if match is None:
        return None
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    return CellRef(sheet, int(match.group(4)), column_index_from_string(match.group(3)))


def cell_names(references: Mapping[str, str], sheetnames: Sequence[str]) -> dict[str, CellRef]:
    """The defined names that point at one cell of one of the sheets, by their references."""
    names = {}
    for name, text in references.items():
        ref = parse_reference(text)
        if ref is not None and ref.sheet in sheetnames:
            names[name] = ref
    return names


Rows = Sequence[Sequence[Any]]


class Cells:
    """A workbook's values by sheet and position, and its single-cell defined names. Sheets
    are loaded when first asked for, and each value is normalized when it is read."""

    def __init__(self, sheetnames: Sequence[str], names: Mapping[str, CellRef],
                 load: Callable[[str], Rows], normalize: Callable[[Any], Any]) -> None:
        self.sheetnames = list(sheetnames)
        self.names = names
        self._load = load
        self._normalize = normalize
        self._sheets: dict[str, Rows] = {}
        # the sheets' XML where the source has inflated it already (file_cells), by title: the
        # reader looks there for formulas without a saved value instead of inflating it again
        self.xml: dict[str, bytes] | None = None

    def _rows(self, sheet: str) -> Rows:
        rows = self._sheets.get(sheet)
        if rows is None:
            rows = self._sheets[sheet] = self._load(sheet) if sheet in self.sheetnames else []
        return rows

    def value(self, sheet: str, row: int, column: int) -> Any:
        """The value at a position (1-based), None where there is nothing."""
        rows = self._rows(sheet)
        if row > len(rows) or column > len(rows[row - 1]):
            return None
        return self._normalize(rows[row - 1][column - 1])

    def named(self, name: str) -> Any:
        """The value of a defined name's cell; None when the name is not there."""
        ref = self.names.get(name)
        return None if ref is None else self.value(*ref)

    def rows(self, sheet: str, first: int, width: int) -> Iterator[tuple[Any, ...]]:
        """The values of columns 1…``width`` of each row from ``first`` to the sheet's last."""
        normalize = self._normalize
        for row in self._rows(sheet)[first - 1:]:
            yield tuple(normalize(row[c]) if c < len(row) else None for c in range(width))


def _plain(value: Any) -> Any:
    """A value as every source gives it: empty text is no value, a whole number an int."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _calamine_value(value: Any) -> Any:
    if isinstance(value, (str, bool, int, float)):
        return _plain(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise Unusual("date")  # openpyxl reads a date the way it always has
    raise Unusual(f"cell value {type(value).__name__}")


def file_cells(path: Path, skip: Sequence[str] = (), data: bytes | None = None) -> Cells:
    """A workbook file's cells through python-calamine; ``skip``: sheets not to read (empty);
    ``data``: the file's bytes, when the caller has read them already (read_input)."""
    source = str(path)
    if data is None:
        data = read_input(path)  # read once; no file stays open (Windows could not replace it)
    try:
        with open_package(data, source) as package:
            read = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
            parts, names = workbook_parts(*(package.read(part) for part in read))
            xml = {}
            for title, part in parts.items():
                read.append(part)
                if title in skip:
                    if part not in package.parts:
                        raise KeyError(part)  # a sheet without its part: a damaged file
                    continue  # calamine will not open it either
                xml[title] = package.read(part)
                if _ERROR_CELL in xml[title]:
                    raise Unusual("error value")
            package.verify(skip=read)  # whatever else calamine may inflate: styles, shared strings …
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError,
            python_calamine.CalamineError) as exc:
        raise Unusual(type(exc).__name__) from exc
    sheetnames = list(parts)

    def load(title: str) -> Rows:
        if title in skip:
            return []
        try:
            return book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except python_calamine.CalamineError as exc:
            raise Unusual(type(exc).__name__) from exc

    cells = Cells(sheetnames, names, load, _calamine_value)
    cells.xml = xml
    return cells


def _workbook_cells(wb: Workbook, skip: Sequence[str]) -> Cells:
    sheets = {ws.title: ([] if ws.title in skip else list(ws.iter_rows(values_only=True)))
              for ws in wb.worksheets}
    references = {name: dn.attr_text or "" for name, dn in wb.defined_names.items()}
    return Cells(list(sheets), cell_names(references, list(sheets)), sheets.__getitem__, _plain)


def openpyxl_cells(source: str | Path | Workbook, skip: Sequence[str] = ()) -> Cells:
    """The cells of a workbook file (loaded read-only: values, no styles) or of an open
    openpyxl workbook; UnreadableInput when the file cannot be opened."""
    if isinstance(source, Workbook):
        return _workbook_cells(source, skip)
    data = read_input(source)
    with open_package(data, str(source)) as package:
        package.verify()  # before openpyxl inflates anything
    try:
        # from the bytes read: no file stays open, even when openpyxl gives up half way
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(source), _openpyxl_reason(exc)) from None
    try:
        return _workbook_cells(wb, skip)  # read-only: the sheets are parsed here
    except Exception as exc:
        raise UnreadableInput(str(source), _openpyxl_reason(exc)) from None
    finally:
        wb.close()


def _openpyxl_reason(exc: Exception) -> str:
    """Why openpyxl could not open a workbook, in words (never the exception's name)."""
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps what the XML parser raised
        if type(cause).__module__.startswith("defusedxml"):  # DTDForbidden, EntitiesForbidden, …
            return XML_REFUSED
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, MemoryError):
        return "文件过大，内存不足，无法打开"
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc)
    return "Excel 文件已损坏或格式不对，无法打开"


def _excel_value(value: Any) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return _plain(value)


def value_cells(sheets: Mapping[str, Rows], names: Mapping[str, str]) -> Cells:
    """The cells Excel hands the add-in: ``{sheet: rows from A1}`` and ``{name: "='sheet'!$D$27"}``."""
    return Cells(list(sheets), cell_names(names, list(sheets)), lambda title: sheets[title] or [],
                 _excel_value)


@functools.lru_cache(maxsize=16)
def workbook_parts(workbook: bytes, rels: bytes) -> tuple[dict[str, str], dict[str, CellRef]]:
    """Sheet name → its part in the zip, and the workbook-wide names of single cells, from
    ``xl/workbook.xml`` and its relationships. Cached by content: the workbooks of one
    edition share the same ``workbook.xml``."""
    root = etree.fromstring(workbook, _PARSER)
    targets = _relationships(rels)
    parts: dict[str, str] = {}
    for sheet in root.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(_REL, ""))
        if part is None:
            raise KeyError("sheet part")
        parts[sheet.get("name", "")] = part
    references: dict[str, str] = {}
    for dn in root.iter(f"{_MAIN}definedName"):
        name = dn.get("name", "")
        if dn.get("localSheetId") is not None or name.startswith("_xlnm."):
            continue  # sheet-scoped names and print titles: not the workbook's, as openpyxl sees it
        references[name] = dn.text or ""
    return parts, cell_names(references, list(parts))


def _relationships(rels: bytes) -> dict[str, str]:
    """Relationship id → part name inside the zip, for ``xl/_rels/workbook.xml.rels``."""
    root = etree.fromstring(rels, _PARSER)
    targets = {}
    for rel in root.iter(_PACKAGE_REL):
        target = rel.get("Target", "")
        parts = target.lstrip("/") if target.startswith("/") else (PurePosixPath("xl") / target).as_posix()
        resolved: list[str] = []
        for part in parts.split("/"):
            if part == "..":
                if resolved:
                    resolved.pop()
            elif part not in (".", ""):
                resolved.append(part)
        targets[rel.get("Id", "")] = "/".join(resolved)
    return targets
