"""The standard workbook read back into a Report: the one reader, over any source of cells.

Values are found by their defined names, so a workbook is read correctly after a clerk has
inserted rows. Where a value is still the number the source printed, its provenance (the
report's text and where it stood, from the hidden 来源 sheet) is kept; else the cell is it.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from ..errors import NOTHING_READ, UnreadableInput
from ..model import Cell, LegacyRow, Meta, Report, Unmapped
from ..numbers import LARGEST, NotANumber, parse_number
from ..spec import Spec, load_spec
from .cells import CellRef, Cells, Rows, Unusual, file_cells, openpyxl_cells, value_cells, workbook_parts
from .layout import defined_name
from .template import MISSING

__all__ = ["NOT_STANDARD", "CellsReader", "read_workbook", "report_from_cells", "report_from_values",
           "report_from_workbook"]

NOT_STANDARD = "不是标准年报工作簿（缺少“基本信息”表或表格版本），请用“新建空白年报”或“导入报告”生成"

Stored = tuple[str, str, str]  # raw text, where it stood, the row's label as printed
Formulas = Mapping[tuple[str, int, int], str]  # (sheet, row, column) → a formula without its value

# A workbook whose value cells cannot all be found is refused: reading on would give blanks
# where the clerk's numbers are (a sheet deleted, or renamed while its names were not).
EDITED = "工作簿的表格结构被改动，无法可靠读取"
EDITED_ADVICE = "请恢复原来的表格和单元格名称，或用“新建空白年报”重新填写"
UNCACHED = "公式没有保存计算结果（按空白处理），请在 Excel 中打开并保存后再校验"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHOWN = 5  # names listed in a message; the rest are counted
_FRAGMENT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


# What makes a Report of a workbook's cells: report_from_cells, or another reading of them (the
# publisher reads a consolidated workbook's sums): (cells, where, spec, formulas) → Report.
CellsReader = Callable[[Cells, str, Spec, Formulas], Report]


def _standard(cells: Cells, where: str, spec: Spec, formulas: Formulas) -> Report:
    return report_from_cells(cells, where, spec, formulas=formulas)


def read_workbook(path: str | Path, spec: Spec | None = None, provenance: bool = True,
                  reader: CellsReader = _standard, data: bytes | None = None) -> Report:
    """A standard workbook file back into a Report; UnreadableInput when it is not one.
    Without ``provenance`` the hidden 来源 sheet is not read (validation and consolidation
    do not need it): every value's source is then its cell. ``reader`` makes the Report of the
    cells (the file is opened once, whatever reads it); ``data``: the file's bytes, when the
    caller has read them already."""
    spec = spec or load_spec()
    path = Path(path)
    # the live rules' formulas are the workbook's own, never the report's
    skip = (spec.sheets["rules"],) if provenance else (spec.sheets["rules"], spec.sheets["provenance"])
    try:
        cells = file_cells(path, skip, data)
        return reader(cells, path.name, spec, uncached_formulas(path, skip, cells.xml))
    except Unusual:
        cells = openpyxl_cells(path, skip)
        return reader(cells, path.name, spec, uncached_formulas(path, skip))


def uncached_formulas(path: Path, skip: Iterable[str] = (),
                      xml: Mapping[str, bytes] | None = None) -> dict[tuple[str, int, int], str]:
    """The cells of a workbook file that hold a formula without a saved value (a workbook
    written by a program, never opened in Excel): (sheet, row, column) → the formula. Both
    cell sources read such a cell as empty; the reader names it instead. ``xml``: every sheet
    but ``skip``'s, inflated already (by ``file_cells``): the file is not opened again."""
    found: dict[tuple[str, int, int], str] = {}
    try:
        if xml is not None:
            for title, data in xml.items():
                if title not in skip and _may_hold_formulas(data):
                    found.update(_sheet_formulas(title, data))
            return found
        with zipfile.ZipFile(path) as archive:
            parts, _ = workbook_parts(archive.read("xl/workbook.xml"),
                                      archive.read("xl/_rels/workbook.xml.rels"))
            for title, part in parts.items():
                if title in skip:
                    continue
                data = archive.read(part)
                if _may_hold_formulas(data):
                    found.update(_sheet_formulas(title, data))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError, RuntimeError,
            NotImplementedError, EOFError):
        return {}  # the cell sources have read the file already; a part they could not see is theirs
    return found


# A cell formula's start tag where no element has a namespace prefix (as Excel and openpyxl
# write sheets): <f>, <f t="shared" …/>; not <formula> (conditional formats).
_FORMULA = re.compile(rb"<f[\s>/]")
# A prefix declared for a spreadsheet namespace (<x:worksheet xmlns:x="…spreadsheetml…">, as
# some programs write): then a formula may be an <x:f>, and the sheet is parsed in full.
_PREFIXED = re.compile(rb"xmlns:[\w.-]+\s*=\s*[\"'][^\"']*spreadsheetml")


def _may_hold_formulas(data: bytes) -> bool:
    """Whether a sheet's XML may hold a cell formula (two scans of the text, no parsing)."""
    return _FORMULA.search(data) is not None or _PREFIXED.search(data) is not None


def _sheet_formulas(title: str, data: bytes) -> Iterable[tuple[tuple[str, int, int], str]]:
    """The sheet's cells holding a formula without a value. A sheet with a few formulas among
    many cells (the status line of a standard workbook's table sheet) has only those cells
    parsed, not every cell (a tenth of the time); anything unusual is parsed in full."""
    if _PREFIXED.search(data) is None:  # no prefix: every formula is a <f> in a <c> cell
        found: list[tuple[tuple[str, int, int], str]] = []
        try:
            for match in _FORMULA.finditer(data):
                start = data.rfind(b"<c ", 0, match.start())
                end = data.find(b"</c>", match.end())
                if start < 0 or end < 0:
                    raise ValueError("a formula outside a cell")
                cell = etree.fromstring(data[start:end + 4], _FRAGMENT)
                found.extend(_uncached_cell(title, cell, ""))
        except (ValueError, etree.LxmlError):
            pass  # parsed in full below
        else:
            yield from found
            return
    for _, cell in etree.iterparse(io.BytesIO(data), tag=f"{_MAIN}c", resolve_entities=False,
                                   no_network=True, load_dtd=False, huge_tree=False):
        yield from _uncached_cell(title, cell, _MAIN)
        cell.clear()


def _uncached_cell(title: str, cell: Any, namespace: str) -> Iterable[tuple[tuple[str, int, int], str]]:
    formula = cell.find(f"{namespace}f")
    value = cell.find(f"{namespace}v")
    if formula is not None and (value is None or not (value.text or "").strip()):
        try:
            column, row = coordinate_from_string(cell.get("r", ""))
            yield (title, row, column_index_from_string(column)), formula.text or ""
        except (ValueError, CellCoordinatesException):  # a cell without its address: not one we read
            pass


def report_from_workbook(wb: Workbook, where: str = "", spec: Spec | None = None) -> Report:
    """A Report out of an open openpyxl workbook (its values, not formulas)."""
    return report_from_cells(openpyxl_cells(wb), where, spec)


def report_from_values(sheets: Mapping[str, Rows], names: Mapping[str, str], where: str = "",
                       spec: Spec | None = None) -> Report:
    """A Report out of a workbook's cell values and defined names, as Excel hands them to the
    add-in: ``{sheet: rows from A1}`` and ``{name: "'sheet'!$D$27"}`` (unsaved edits included)."""
    return report_from_cells(value_cells(sheets, names), where, spec)


def report_from_cells(cells: Cells, where: str = "", spec: Spec | None = None,
                      formulas: Formulas | None = None) -> Report:
    """Read a Report out of a workbook's cells; UnreadableInput when it is not a standard
    workbook, or when some of its value cells cannot be found. ``formulas``: the cells holding
    a formula without a saved value (``uncached_formulas``), named in the report."""
    spec = spec or load_spec()
    formulas = formulas or {}
    edition_key = _edition_key(cells.named("meta.edition"), spec)
    if edition_key not in spec.editions:
        raise UnreadableInput(where, NOT_STANDARD)
    meta = Meta()
    for f in spec.meta_fields:
        value = cells.named(f"meta.{f.key}")
        if f.key == "year" and value is not None:
            try:
                value = int(value)
            except (TypeError, ValueError, OverflowError):
                value = None
            if value is not None and not 1000 <= value <= 9999:
                value = None
        elif value is not None:
            value = str(value)
        setattr(meta, f.key, value)
    meta.edition = edition_key
    report = Report.blank(meta, spec)
    missing = str(cells.named(MISSING) or "")
    edition = spec.edition(edition_key)
    for key, table in edition.tables.items():
        if table.title in missing.split("；"):
            report.tables.pop(key, None)
    provenance = _read_provenance(cells, spec)
    unmapped = _read_unmapped(cells)
    for table_key in report.tables:
        for row in edition.table(table_key).off_form:
            if any(cells.named(defined_name(table_key, row.key, c)) is not None for c in row.columns):
                report.add_off_form_row(table_key, row.key, spec)
    legacy_sheet = _legacy_sheet(cells, spec) if "legacy" in edition.tables else None
    _check_value_cells(cells, report, legacy_sheet, where, spec)
    names, value_at = cells.names, cells.value
    for table_key, rows in report.tables.items():
        is_money = {c.key: c.is_money for c in edition.table(table_key).columns}
        for row_key, columns in rows.items():
            for col_key in columns:
                name = defined_name(table_key, row_key, col_key)
                ref = names[name]
                money = is_money[col_key]
                raw_value = value_at(*ref)
                stored = provenance.get(name)
                if stored is None:  # the common cases, as _number and _with_provenance take them
                    if raw_value is None and ref not in formulas:
                        columns[col_key] = Cell()
                        continue
                    if type(raw_value) is int and not money and -LARGEST < raw_value < LARGEST:
                        columns[col_key] = Cell(raw_value, str(raw_value), f"{ref.sheet}!{ref.address}")
                        continue
                if raw_value is None and ref in formulas:
                    raw_value = _uncached(ref, formulas[ref], unmapped)
                # Text in a value cell stays the cell's text (the validator names it).
                value, _ = _number(raw_value, money)
                columns[col_key] = _with_provenance(value, stored, f"{ref.sheet}!{ref.address}", raw_value,
                                                    money)
    if legacy_sheet is not None:
        report.legacy = _read_legacy(cells, spec, provenance, legacy_sheet, formulas, unmapped)
    if not report.has_tables():
        raise UnreadableInput(where, f"{NOTHING_READ}；工作簿的“缺少的表格”列出了全部表格")
    report.narrative = _read_narrative(cells, spec)
    report.unmapped = unmapped
    report.accepted = _read_accepted(cells, spec)
    return report


def _read_accepted(cells: Cells, spec: Spec) -> dict[str, str]:
    """The warnings the clerk has marked 已核实: the 已核实 sheet's rows, and a reason typed in
    the 核实说明 column of the 校验结果 sheet beside a finding's 编号 (not yet moved over by the
    next 校验). Finding id → reason."""
    view = spec.findings
    ident, reason = view.columns[-2:]  # 编号, 核实说明: on both sheets, found by their header
    accepted: dict[str, str] = {}
    for sheet, header in ((spec.sheets["accepted"], 1), (view.sheet, 2)):
        if sheet not in cells.sheetnames:
            continue
        printed = [_text(v).strip() for v in next(cells.rows(sheet, header, len(view.columns) + 2), ())]
        if ident not in printed or reason not in printed:
            continue
        at_id, at_reason = printed.index(ident), printed.index(reason)
        for row in cells.rows(sheet, header + 1, len(printed)):
            key, why = _text(row[at_id]).strip(), _text(row[at_reason]).strip()
            if key and why:
                accepted[key] = why
    return accepted


def _edition_key(value: Any, spec: Spec) -> Any:
    """The edition a 表格版本 cell names: its label as the workbook shows it (2021年版), or the
    key itself (2021, as workbooks written before the label was shown hold it)."""
    if isinstance(value, str):
        text = value.strip()
        for key, edition in spec.editions.items():
            if text in (edition.short_label, edition.label):
                return key
        return text
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _number(value: Any, money: bool) -> tuple[int | float | None, bool]:
    """A cell's value as a number; (None, False) when it holds text that is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) >= LARGEST:
            return None, False  # no count Excel holds (a number typed past 15 digits, or forged)
        if money:
            return float(value), True
        return (int(value) if float(value).is_integer() else float(value)), True
    try:
        return parse_number(str(value), money=money), True
    except NotANumber:
        return None, False


def _with_provenance(value: Any, stored: Stored | None, address: str, raw_value: Any, money: bool) -> Cell:
    """Keep the source's raw text and place while the clerk has not changed the number."""
    if stored is not None:
        raw, where, label = stored
        if value is None and raw_value is not None:  # text in the cell: the source's only if the same
            if _text(raw_value).strip() == raw.strip():
                return Cell(None, raw, where, label)  # text the source printed, left as it was
        else:
            try:
                if parse_number(raw, money=money) == value:
                    return Cell(value, raw, where, label)
            except NotANumber:
                pass
    if value is None and raw_value is None:
        return Cell()
    return Cell(value, _text(raw_value), address)


def _text(value: Any) -> str:
    """A cell's value as text; a date as the clerk sees it (2021-01-01), not Python's repr."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return "" if value is None else str(value)


def _uncached(ref: CellRef, formula: str, unmapped: list[Unmapped]) -> str:
    """A value cell holding a formula without a saved value: its text, and an unmapped entry
    naming the cell (never a silent blank)."""
    text = f"={formula}" if formula else "=（公式）"
    unmapped.append(Unmapped(f"{ref.sheet}!{ref.address}", f"{UNCACHED}：{text}"))
    return text


def _some(items: list[str]) -> str:
    """The first few of a list, and how many there are in all."""
    shown = "、".join(items[:_SHOWN])
    return shown if len(items) <= _SHOWN else f"{shown} 等 {len(items)} 个"


def _legacy_sheet(cells: Cells, spec: Spec) -> str:
    """The 统计表's sheet: where its names point (they follow a sheet Excel renames)."""
    sheets = Counter(ref.sheet for name, ref in cells.names.items() if name.startswith("legacy."))
    return sheets.most_common(1)[0][0] if sheets else spec.sheets["legacy"]


def _check_value_cells(cells: Cells, report: Report, legacy_sheet: str | None, where: str,
                       spec: Spec) -> None:
    """Refuse a workbook in which not every value cell of its tables can be found by its
    defined name: a sheet deleted, or renamed without its names (openpyxl, LibreOffice …), a
    name deleted, pointing at a range, at #REF!, at another sheet, or at another name's cell."""
    problems: list[str] = []
    owner: dict[CellRef, str] = {}
    for table_key, rows in report.tables.items():
        expected = [defined_name(table_key, r, c) for r, columns in rows.items() for c in columns]
        refs = {n: cells.names[n] for n in expected if n in cells.names}
        lost = [n for n in expected if n not in refs]
        sheet = spec.sheets[table_key]
        if not refs:
            problems.append(_missing_sheet(cells, sheet, len(lost)))
            continue
        home = Counter(ref.sheet for ref in refs.values()).most_common(1)[0][0]
        if lost:
            problems.append(f"“{home}”表有 {len(lost)} 个单元格的名称已删除或不指向单个单元格"
                            f"（{_some(lost)}）")
        away = [f"{n} → {ref.sheet}!{ref.address}" for n, ref in refs.items() if ref.sheet != home]
        if away:
            problems.append(f"有名称指向“{home}”以外的表（{_some(away)}）")
        shared = []
        for name, ref in refs.items():
            if ref in owner:
                shared.append(f"{owner[ref]} 与 {name} → {ref.sheet}!{ref.address}")
            owner[ref] = name
        if shared:
            problems.append(f"有名称指向同一个单元格（{_some(shared)}）")
    if legacy_sheet is not None and legacy_sheet not in cells.sheetnames:
        problems.append(_missing_sheet(cells, legacy_sheet, 0))
    if problems:
        raise UnreadableInput(where, f"{EDITED}：{'；'.join(problems)}。{EDITED_ADVICE}")


def _missing_sheet(cells: Cells, sheet: str, lost: int) -> str:
    count = f"，其中 {lost} 个单元格无法读取" if lost else ""
    if sheet in cells.sheetnames:
        return f"“{sheet}”表的单元格名称都已删除{count}"
    present = "、".join(cells.sheetnames)
    return f"缺少“{sheet}”表（已删除或改名；工作簿中现有：{present}）{count}"


def _read_provenance(cells: Cells, spec: Spec) -> dict[str, Stored]:
    """Name → (raw text, where it stood, the row's label as printed when not the form's)."""
    return {
        str(name): (_text(raw), _text(where), _text(label))
        for name, raw, where, label in cells.rows(spec.sheets["provenance"], 2, 4)
        if name
    }


def _read_unmapped(cells: Cells) -> list[Unmapped]:
    ref = cells.names.get("meta.unmapped")
    if ref is None:
        return []
    result = []
    for where, text in cells.rows(ref.sheet, ref.row + 1, 2):
        if where is None and text is None:
            break
        result.append(Unmapped(_text(where), _text(text)))
    return result


def _read_legacy(cells: Cells, spec: Spec, provenance: dict[str, Stored], sheet: str,
                 formulas: Formulas, unmapped: list[Unmapped]) -> list[LegacyRow]:
    table = spec.edition("legacy").table("legacy")
    money = set(table.money_units)
    names = {ref.row: name for name, ref in cells.names.items()
             if name.startswith("legacy.") and not name.endswith(".cumulative") and ref.sheet == sheet}
    two_values = bool(table.cumulative_label) and cells.value(sheet, 1, 5) == table.cumulative_label
    rows = []
    for r, (code, label, unit, value, *second) in enumerate(cells.rows(sheet, 2, 5 if two_values else 4),
                                                             start=2):
        if value is None and (sheet, r, 4) in formulas:
            value = _uncached(CellRef(sheet, r, 4), formulas[sheet, r, 4], unmapped)
        if two_values and second[0] is None and (sheet, r, 5) in formulas:
            second[0] = _uncached(CellRef(sheet, r, 5), formulas[sheet, r, 5], unmapped)
        if code is None and label is None and value is None and not any(v is not None for v in second):
            continue
        unit = None if unit is None else str(unit)
        number, _ = _number(value, unit in money)
        raw, where = _legacy_source(provenance.get(names.get(r, ""), ("", "", ""))[:2], number, value,
                                    unit in money, f"{sheet}!D{r}")
        row = LegacyRow(_text(code), _text(label), unit, number, raw, where)
        if two_values:
            row.cumulative, _ = _number(second[0], unit in money)
            row.cumulative_raw, row.cumulative_where = _legacy_source(
                provenance.get(names.get(r, "") + ".cumulative", ("", "", ""))[:2], row.cumulative,
                second[0], unit in money, f"{sheet}!E{r}")
        rows.append(row)
    return rows


def _legacy_source(stored: tuple[str, str], number: Any, value: Any, money: bool,
                   address: str) -> tuple[str, str]:
    """A 统计表 value's source text and place: the report's, while the clerk has not changed
    the number; else the workbook's cell."""
    raw, where = stored
    if number is None and value is not None:  # text in the cell: the source's only if the same
        return (raw, where) if raw and _text(value).strip() == raw.strip() else (_text(value), address)
    try:
        if parse_number(raw, money=money) == number:
            return raw, where
    except NotANumber:
        pass
    return _text(value), address


def _read_narrative(cells: Cells, spec: Spec) -> dict[str, str]:
    narrative = {}
    for section in spec.sections:
        ref = cells.names.get(f"narrative.{section.key}")
        if ref is None:
            continue
        parts = [cells.value(*ref)]
        while cells.value(ref.sheet, ref.row + len(parts), 1) == spec.workbook.continued:
            parts.append(cells.value(ref.sheet, ref.row + len(parts), ref.column))
        text = "".join(_text(p) for p in parts)
        if text:
            narrative[section.key] = text
    return narrative
