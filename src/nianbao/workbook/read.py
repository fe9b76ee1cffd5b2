"""The standard workbook read back into a Report: the one reader, over any source of cells.

Values are found by their defined names, so a workbook is read correctly after a clerk has
inserted rows. Where a value is still the number the source printed, its provenance (the
report's text and where it stood, from the hidden 来源 sheet) is kept; else the cell is it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..errors import NOTHING_READ, UnreadableInput
from ..model import Cell, LegacyRow, Meta, Report, Unmapped
from ..numbers import NotANumber, parse_number
from ..spec import Spec, load_spec
from .cells import Cells, Rows, Unusual, file_cells, openpyxl_cells, value_cells
from .layout import defined_name
from .template import MISSING

__all__ = ["NOT_STANDARD", "read_workbook", "report_from_cells", "report_from_values", "report_from_workbook"]

NOT_STANDARD = "不是标准年报工作簿（缺少“基本信息”表或表格版本），请用“新建空白年报”或“导入报告”生成"

Stored = tuple[str, str, str]  # raw text, where it stood, the row's label as printed


def read_workbook(path: str | Path, spec: Spec | None = None, provenance: bool = True) -> Report:
    """A standard workbook file back into a Report; UnreadableInput when it is not one.
    Without ``provenance`` the hidden 来源 sheet is not read (validation and consolidation
    do not need it): every value's source is then its cell."""
    spec = spec or load_spec()
    path = Path(path)
    skip = () if provenance else (spec.sheets["provenance"],)
    try:
        return report_from_cells(file_cells(path, skip), path.name, spec)
    except Unusual:
        return report_from_cells(openpyxl_cells(path, skip), path.name, spec)


def report_from_workbook(wb: Workbook, where: str = "", spec: Spec | None = None) -> Report:
    """A Report out of an open openpyxl workbook (its values, not formulas)."""
    return report_from_cells(openpyxl_cells(wb), where, spec)


def report_from_values(sheets: Mapping[str, Rows], names: Mapping[str, str], where: str = "",
                       spec: Spec | None = None) -> Report:
    """A Report out of a workbook's cell values and defined names, as Excel hands them to the
    add-in: ``{sheet: rows from A1}`` and ``{name: "'sheet'!$D$27"}`` (unsaved edits included)."""
    return report_from_cells(value_cells(sheets, names), where, spec)


def report_from_cells(cells: Cells, where: str = "", spec: Spec | None = None) -> Report:
    """Read a Report out of a workbook's cells; UnreadableInput when it is not a standard workbook."""
    spec = spec or load_spec()
    edition_key = cells.named("meta.edition")
    if edition_key not in spec.editions:
        raise UnreadableInput(where, NOT_STANDARD)
    meta = Meta()
    for f in spec.meta_fields:
        value = cells.named(f"meta.{f.key}")
        if f.key == "year" and value is not None:
            try:
                value = int(value)
            except (TypeError, ValueError):
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
    for table_key, rows in report.tables.items():
        table = edition.table(table_key)
        for row_key, columns in rows.items():
            for col_key in columns:
                name = defined_name(table_key, row_key, col_key)
                ref = cells.names.get(name)
                if ref is None:
                    unmapped.append(Unmapped(where, f"缺少单元格名称 {name}"))
                    continue
                money = table.column(col_key).is_money
                raw_value = cells.value(*ref)
                # Text in a value cell stays the cell's text (the validator names it).
                value, _ = _number(raw_value, money)
                columns[col_key] = _with_provenance(value, provenance.get(name),
                                                    f"{ref.sheet}!{ref.address}", raw_value, money)
    if "legacy" in edition.tables:
        report.legacy = _read_legacy(cells, spec, provenance)
    if not report.has_tables():
        raise UnreadableInput(where, f"{NOTHING_READ}；工作簿的“缺少的表格”列出了全部表格")
    report.narrative = _read_narrative(cells, spec)
    report.unmapped = unmapped
    return report


def _number(value: Any, money: bool) -> tuple[int | float | None, bool]:
    """A cell's value as a number; (None, False) when it holds text that is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
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
        try:
            if parse_number(raw, money=money) == value:
                return Cell(value, raw, where, label)
        except NotANumber:
            if value is None and raw_value is not None and str(raw_value).strip() == raw.strip():
                return Cell(None, raw, where, label)  # text the source printed, left as it was
    if value is None and raw_value is None:
        return Cell()
    return Cell(value, "" if raw_value is None else str(raw_value), address)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


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


def _read_legacy(cells: Cells, spec: Spec, provenance: dict[str, Stored]) -> list[LegacyRow]:
    table = spec.edition("legacy").table("legacy")
    sheet = spec.sheets["legacy"]
    money = set(table.money_units)
    names = {ref.row: name for name, ref in cells.names.items()
             if name.startswith("legacy.") and not name.endswith(".cumulative") and ref.sheet == sheet}
    two_values = bool(table.cumulative_label) and cells.value(sheet, 1, 5) == table.cumulative_label
    rows = []
    for r, (code, label, unit, value, *second) in enumerate(cells.rows(sheet, 2, 5 if two_values else 4),
                                                             start=2):
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
