"""The standard workbook: templates built from the spec, filled from a Report, read back.

Every value cell carries a defined name (``requests.total_processed.total``), so reading
back finds the numbers wherever a clerk has moved them.
"""

from __future__ import annotations

import math
import os
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from . import __version__
from .errors import NOTHING_READ, UnreadableInput
from .layout import TableLayout, defined_name, table_layout
from .model import Cell, LegacyRow, Meta, Report, Unmapped
from .numbers import NotANumber, is_value_text, parse_number
from .spec import Spec, load_spec

__all__ = [
    "NOT_STANDARD",
    "build_template",
    "fingerprint",
    "print_setup",
    "read_workbook",
    "report_from_values",
    "template_dir",
    "text_row_height",
    "write_workbook",
]

NOT_STANDARD = "不是标准年报工作簿（缺少“基本信息”表或表格版本），请用“新建空白年报”或“导入报告”生成"
_FONT = "宋体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_LABEL = Alignment(horizontal="left", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="center")
_TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_MAX_CELL = 32000  # Excel holds at most 32,767 characters in a cell
_CONTINUED = "（续）"
_NARRATIVE_LABELS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况",
                     "other": "六、其他需要报告的事项"}
_INFO_ROWS = ("转换工具", "转换时间", "表格版本说明", "缺少的表格")
_MISSING = "meta.missing_tables"
_UNMAPPED_TITLE = "未能归位的原文内容（请核对）"


def template_dir() -> Path | None:
    """Where the committed templates live: $NIANBAO_TEMPLATES, else the source tree's
    ``xlsx_templates/``; None when neither exists (the template is then built in memory)."""
    env = os.environ.get("NIANBAO_TEMPLATES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "xlsx_templates"
    return here if here.is_dir() else None


def _set_text(cell: Any, text: str) -> None:
    """Write text that stays text: "=SUM(…)" from a report never becomes a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def text_row_height(text: str, width: float) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    lines = max(1, math.ceil(units * 1.1 / max(width - 1, 1)))
    return 14.25 * lines + 3


def _name(wb: Workbook, name: str, sheet: str, address: str) -> None:
    ref = f"{quote_sheetname(sheet)}!{address}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _absolute(row: int, col: int) -> str:
    return f"${get_column_letter(col)}${row}"


def _table_sheet(wb: Workbook, layout: TableLayout) -> Worksheet:
    table = layout.table
    ws = wb.create_sheet(table.sheet)
    bold = Font(name=_FONT, size=10, bold=True)
    normal = Font(name=_FONT, size=10)
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    heights: dict[int, float] = {}
    note = Font(name=_FONT, size=9, color="595959")
    for label in layout.labels:
        for r in range(label.row, label.last_row + 1):
            for c in range(label.col, label.last_col + 1):
                cell = ws.cell(r, c)
                if label.kind != "note":
                    cell.border = _BORDER
                if label.kind in ("header", "corner", "group"):
                    cell.fill = _HEADER_FILL
        cell = ws.cell(label.row, label.col)
        if label.text:
            _set_text(cell, label.text)
        cell.font = bold if label.kind in ("header", "group") else note if label.kind == "note" else normal
        cell.alignment = _CENTER if label.kind in ("header", "corner") else _LABEL
        if label.merged:
            ws.merge_cells(start_row=label.row, start_column=label.col,
                           end_row=label.last_row, end_column=label.last_col)
        if label.row == label.last_row and label.text:
            width = sum(layout.widths.get(c, 9.0) for c in range(label.col, label.last_col + 1))
            heights[label.row] = max(heights.get(label.row, 0), text_row_height(label.text, width))
    for (row_key, col_key), (r, c) in layout.cells.items():
        cell = ws.cell(r, c)
        cell.border = _BORDER
        cell.alignment = _NUMBER
        cell.font = normal
        cell.number_format = "General"
        last = layout.value_spans.get((row_key, col_key))
        if last:
            for cc in range(c + 1, last + 1):
                ws.cell(r, cc).border = _BORDER
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=last)
        _name(wb, defined_name(table.key, row_key, col_key), table.sheet, _absolute(r, c))
    for r, height in heights.items():
        ws.row_dimensions[r].height = max(height, 18)
    if layout.header_rows or layout.label_cols:
        ws.freeze_panes = f"{get_column_letter(layout.label_cols + 1)}{layout.header_rows + 1}"
    if layout.header_rows:
        ws.print_title_rows = f"1:{layout.header_rows}"
    print_setup(ws, table.title)
    return ws


def print_setup(ws: Worksheet, title: str) -> None:
    """A4 landscape, fit to the page width, the title as page header, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # also for write-only sheets
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def build_template(edition_key: str, spec: Spec | None = None) -> Workbook:
    """The empty standard workbook of an edition, laid out like the official form."""
    spec = spec or load_spec()
    edition = spec.edition(edition_key)
    wb = Workbook()
    meta_ws = wb.active
    meta_ws.title = spec.sheets["meta"]
    bold = Font(name=_FONT, size=11, bold=True)
    normal = Font(name=_FONT, size=11)
    meta_ws.column_dimensions["A"].width = 20
    meta_ws.column_dimensions["B"].width = 70
    rows = [(f.label, f"meta.{f.key}") for f in spec.meta_fields]
    rows += [(label, _MISSING if label == "缺少的表格" else None) for label in _INFO_ROWS]
    for r, (label, name) in enumerate(rows, start=1):
        _set_text(meta_ws.cell(r, 1), label)
        meta_ws.cell(r, 1).font = bold
        meta_ws.cell(r, 1).fill = _HEADER_FILL
        for c in (1, 2):
            meta_ws.cell(r, c).border = _BORDER
            meta_ws.cell(r, c).alignment = _LABEL
        meta_ws.cell(r, 2).font = normal
        if name:
            _name(wb, name, meta_ws.title, _absolute(r, 2))
    _set_text(meta_ws.cell(rows.index(("表格版本说明", None)) + 1, 2), edition.label)
    unmapped_at = len(rows) + 2
    _set_text(meta_ws.cell(unmapped_at, 1), _UNMAPPED_TITLE)
    meta_ws.cell(unmapped_at, 1).font = bold
    for c, text in ((1, "位置"), (2, "内容")):
        cell = meta_ws.cell(unmapped_at + 1, c)
        _set_text(cell, text)
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
    _name(wb, "meta.unmapped", meta_ws.title, _absolute(unmapped_at + 1, 1))
    _set_text(meta_ws.cell(rows.index(("表格版本", "meta.edition")) + 1, 2), edition.key)
    print_setup(meta_ws, spec.sheets["meta"])
    meta_ws.page_setup.orientation = "portrait"

    for table in edition.tables.values():
        _table_sheet(wb, table_layout(table))

    text_ws = wb.create_sheet(spec.sheets["narrative"])
    text_ws.column_dimensions["A"].width = 26
    text_ws.column_dimensions["B"].width = 100
    for r, section in enumerate((s for s in spec.sections if s.kind == "text"), start=1):
        _set_text(text_ws.cell(r, 1), section.label)
        text_ws.cell(r, 1).font = bold
        text_ws.cell(r, 1).fill = _HEADER_FILL
        text_ws.cell(r, 1).alignment = Alignment(vertical="top", wrap_text=True)
        text_ws.cell(r, 2).alignment = _TEXT
        text_ws.cell(r, 2).font = normal
        for c in (1, 2):
            text_ws.cell(r, c).border = _BORDER
        _name(wb, f"narrative.{section.key}", text_ws.title, _absolute(r, 2))
    print_setup(text_ws, spec.sheets["narrative"])
    text_ws.page_setup.orientation = "portrait"

    source_ws = wb.create_sheet(spec.sheets["provenance"])
    for c, text in enumerate(("名称", "原文", "位置", "原标签"), start=1):
        _set_text(source_ws.cell(1, c), text)
    source_ws.sheet_state = "hidden"
    wb.active = 0
    return wb


def _load_template(edition: str, spec: Spec) -> Workbook:
    folder = template_dir()
    if folder is not None and (folder / f"{edition}.xlsx").is_file():
        return load_workbook(folder / f"{edition}.xlsx")
    return build_template(edition, spec)


def _destination(wb: Workbook, name: str) -> tuple[Worksheet, str] | None:
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    for sheet, address in dn.destinations:
        if sheet in wb.sheetnames:
            return wb[sheet], address.replace("$", "")
    return None


def write_workbook(report: Report, path: str | Path | None = None, spec: Spec | None = None) -> Workbook:
    """Fill the edition's template with a report; saved to ``path`` when given."""
    spec = spec or load_spec()
    edition = report.meta.edition or "2021"
    wb = _load_template(edition, spec)
    provenance: list[tuple[str, ...]] = []
    for f in spec.meta_fields:
        value = getattr(report.meta, f.key)
        ws, address = _destination(wb, f"meta.{f.key}")
        if value is None:
            ws[address].value = None
        elif isinstance(value, int):
            ws[address].value = value
        else:
            _set_text(ws[address], str(value))
    meta_ws, address = _destination(wb, "meta.agency")
    info_row = meta_ws[address].row + len(spec.meta_fields)
    _set_text(meta_ws.cell(info_row, 2), f"nianbao {__version__}")
    _set_text(meta_ws.cell(info_row + 1, 2), datetime.now().strftime("%Y-%m-%d %H:%M"))
    missing = [spec.edition(edition).table(k).title for k in report.missing_tables(spec)]
    if missing:
        ws, address = _destination(wb, _MISSING)
        _set_text(ws[address], "；".join(missing))
    _write_unmapped(wb, report.unmapped)

    for table_key, rows in report.tables.items():
        for row_key, columns in rows.items():
            for col_key, cell in columns.items():
                name = defined_name(table_key, row_key, col_key)
                ws, address = _destination(wb, name)
                if cell.value is None and cell.raw.strip() and not is_value_text(cell.raw):
                    _set_text(ws[address], cell.raw.strip())  # 待核实: the clerk sees what was printed
                else:
                    ws[address].value = cell.value
                if cell.raw or cell.where:
                    provenance.append((name, cell.raw, cell.where, *((cell.label,) if cell.label else ())))
    if report.legacy is not None:
        legacy = spec.edition("legacy").table("legacy")
        cumulative = legacy.cumulative_label if report.has_cumulative else None
        provenance += _write_legacy(wb, spec.sheets["legacy"], report.legacy, cumulative)
    _write_narrative(wb, report.narrative)
    source_ws = wb[spec.sheets["provenance"]]
    for r, entry in enumerate(provenance, start=2):
        for c, text in enumerate(entry, start=1):
            _set_text(source_ws.cell(r, c), text)
    if path is not None:
        wb.save(path)
    return wb


def _write_unmapped(wb: Workbook, unmapped: list[Unmapped]) -> None:
    ws, address = _destination(wb, "meta.unmapped")
    first = ws[address].row + 1
    for i, item in enumerate(unmapped):
        for c, text in ((1, item.where), (2, item.text)):
            cell = ws.cell(first + i, c)
            _set_text(cell, text)
            cell.border = _BORDER
            cell.alignment = _LABEL


def _write_legacy(wb: Workbook, sheet: str, rows: list[LegacyRow],
                  cumulative: str | None = None) -> list[tuple[str, str, str]]:
    """The 统计表's rows under its header; with ``cumulative`` (the header of a second value
    column, 历年累计) each row's cumulative value in column E too."""
    ws = wb[sheet]
    normal = Font(name=_FONT, size=10)
    provenance = []
    used: set[str] = set()
    if cumulative:
        head, model = ws.cell(1, 5), ws.cell(1, 4)
        _set_text(head, cumulative)
        head.font, head.fill = copy(model.font), copy(model.fill)
        head.border, head.alignment = copy(model.border), copy(model.alignment)
        ws.column_dimensions["E"].width = ws.column_dimensions["D"].width
    for i, row in enumerate(rows, start=2):
        depth = row.code.count(".")
        values = (row.code, row.label, row.unit or "", row.value) + ((row.cumulative,) if cumulative else ())
        for c, value in enumerate(values, start=1):
            cell = ws.cell(i, c)
            if isinstance(value, str):
                if value:
                    _set_text(cell, value)
            else:
                cell.value = value
            cell.border = _BORDER
            cell.font = normal
            cell.alignment = _NUMBER if c >= 4 else Alignment(
                horizontal="left", vertical="center", wrap_text=True, indent=depth if c == 2 else 0)
        ws.row_dimensions[i].height = text_row_height(row.label, 60 - 2 * depth)
        name = f"legacy.{row.code}"
        while name in used:
            name += "_"
        used.add(name)
        _name(wb, name, sheet, _absolute(i, 4))
        provenance.append((name, row.raw, row.where))
        if cumulative:
            _name(wb, f"{name}.cumulative", sheet, _absolute(i, 5))
            provenance.append((f"{name}.cumulative", row.cumulative_raw, row.cumulative_where))
    return provenance


def _write_narrative(wb: Workbook, narrative: dict[str, str]) -> None:
    for key, text in narrative.items():
        ws, address = _destination(wb, f"narrative.{key}")
        r = ws[address].row
        chunks = [text[i:i + _MAX_CELL] for i in range(0, len(text), _MAX_CELL)] or [""]
        for i, chunk in enumerate(chunks):
            if i:
                ws.insert_rows(r + i)
                _set_text(ws.cell(r + i, 1), _CONTINUED)
            cell = ws.cell(r + i, 2)
            _set_text(cell, chunk)
            cell.alignment = _TEXT
            ws.row_dimensions[r + i].height = min(409, text_row_height(chunk, 100))


# --- reading back -------------------------------------------------------------------------


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


def read_workbook(path: str | Path, spec: Spec | None = None) -> Report:
    """A standard workbook back into a Report; UnreadableInput when it is not one."""
    spec = spec or load_spec()
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(path), f"无法打开 Excel 文件（{type(exc).__name__}）") from None
    return report_from_workbook(wb, Path(path).name, spec)


def report_from_workbook(wb: Workbook, where: str = "", spec: Spec | None = None) -> Report:
    """Read a Report out of an open openpyxl workbook (values, not formulas)."""
    spec = spec or load_spec()
    found = _destination(wb, "meta.edition")
    edition_key = found[0][found[1]].value if found else None
    if edition_key not in spec.editions:
        raise UnreadableInput(where, NOT_STANDARD)
    meta = Meta()
    for f in spec.meta_fields:
        dest = _destination(wb, f"meta.{f.key}")
        value = dest[0][dest[1]].value if dest else None
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
    dest = _destination(wb, _MISSING)
    missing = str(dest[0][dest[1]].value or "") if dest else ""
    for key, table in spec.edition(edition_key).tables.items():
        if table.title in missing.split("；"):
            report.tables.pop(key, None)
    provenance = _read_provenance(wb, spec)
    unmapped = _read_unmapped(wb)
    edition = spec.edition(edition_key)
    for table_key in report.tables:
        for row in edition.table(table_key).off_form:
            if _has_values(wb, [defined_name(table_key, row.key, c) for c in row.columns]):
                report.add_off_form_row(table_key, row.key, spec)
    for table_key, rows in report.tables.items():
        table = edition.table(table_key)
        for row_key, columns in rows.items():
            for col_key in columns:
                name = defined_name(table_key, row_key, col_key)
                dest = _destination(wb, name)
                if dest is None:
                    unmapped.append(Unmapped(where, f"缺少单元格名称 {name}"))
                    continue
                ws, address = dest
                raw_value = ws[address].value
                # Text in a value cell stays the cell's text (the validator names it).
                value, _ = _number(raw_value, table.column(col_key).is_money)
                columns[col_key] = _with_provenance(value, provenance.get(name), ws.title, address,
                                                    raw_value, table.column(col_key).is_money)
    if "legacy" in edition.tables:
        report.legacy = _read_legacy(wb, spec, provenance)
    if not report.has_tables():
        raise UnreadableInput(where, f"{NOTHING_READ}；工作簿的“缺少的表格”列出了全部表格")
    report.narrative = _read_narrative(wb, spec)
    report.unmapped = unmapped
    return report


def _has_values(wb: Workbook, names: list[str]) -> bool:
    """True when some of the named cells holds something (an off-form row that is filled in)."""
    for name in names:
        dest = _destination(wb, name)
        if dest is not None and dest[0][dest[1]].value not in (None, ""):
            return True
    return False


def report_from_values(sheets: dict[str, list[list[Any]]], names: dict[str, str], where: str = "",
                       spec: Spec | None = None) -> Report:
    """Read a Report out of a workbook's cell values and defined names, as Excel hands them to
    the add-in: ``{sheet: rows from A1}`` and ``{name: "'sheet'!$D$27"}`` (unsaved edits included)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
                if value is not None:
                    ws.cell(r, c).value = value
    for name, reference in names.items():
        sheet, _, address = reference.lstrip("=").rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        if sheet in wb.sheetnames and address:
            _name(wb, name, sheet, address)
    return report_from_workbook(wb, where, spec)


def _with_provenance(value: Any, stored: tuple[str, str, str] | None, sheet: str, address: str,
                     raw_value: Any, money: bool) -> Cell:
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
    return Cell(value, "" if raw_value is None else str(raw_value), f"{sheet}!{address}")


def _read_provenance(wb: Workbook, spec: Spec) -> dict[str, tuple[str, str, str]]:
    """Name → (raw text, where it stood, the row's label as printed when not the form's)."""
    if spec.sheets["provenance"] not in wb.sheetnames:
        return {}
    ws = wb[spec.sheets["provenance"]]
    text = lambda v: "" if v is None else str(v)  # noqa: E731
    return {
        str(name): (text(raw), text(where), text(label))
        for name, raw, where, label in ws.iter_rows(min_row=2, max_col=4, values_only=True)
        if name
    }


def _read_unmapped(wb: Workbook) -> list[Unmapped]:
    dest = _destination(wb, "meta.unmapped")
    if dest is None:
        return []
    ws, address = dest
    result = []
    for where, text in ws.iter_rows(min_row=ws[address].row + 1, max_col=2, values_only=True):
        if where is None and text is None:
            break
        result.append(Unmapped("" if where is None else str(where), "" if text is None else str(text)))
    return result


def _read_legacy(wb: Workbook, spec: Spec, provenance: dict[str, tuple[str, str, str]]) -> list[LegacyRow]:
    ws = wb[spec.sheets["legacy"]]
    money = set(spec.edition("legacy").table("legacy").money_units)
    names = {}
    for name, dn in wb.defined_names.items():
        if name.startswith("legacy.") and not name.endswith(".cumulative"):
            for sheet, address in dn.destinations:
                if sheet == ws.title:
                    names[ws[address.replace("$", "")].row] = name
    table = spec.edition("legacy").table("legacy")
    two_values = table.cumulative_label and ws.cell(1, 5).value == table.cumulative_label
    rows = []
    for r, (code, label, unit, value, *second) in enumerate(
        ws.iter_rows(min_row=2, max_col=5 if two_values else 4, values_only=True), start=2
    ):
        if code is None and label is None and value is None and not any(v is not None for v in second):
            continue
        unit = None if unit in (None, "") else str(unit)
        number, _ = _number(value, unit in money)
        raw, where = _legacy_source(provenance.get(names.get(r, ""), ("", "", ""))[:2], number, value,
                                    unit in money, f"{ws.title}!D{r}")
        row = LegacyRow("" if code is None else str(code), "" if label is None else str(label),
                        unit, number, raw, where)
        if two_values:
            row.cumulative, _ = _number(second[0], unit in money)
            row.cumulative_raw, row.cumulative_where = _legacy_source(
                provenance.get(names.get(r, "") + ".cumulative", ("", "", ""))[:2], row.cumulative,
                second[0], unit in money, f"{ws.title}!E{r}")
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
    return ("" if value is None else str(value)), address


def _read_narrative(wb: Workbook, spec: Spec) -> dict[str, str]:
    narrative = {}
    for section in spec.sections:
        dest = _destination(wb, f"narrative.{section.key}")
        if dest is None:
            continue
        ws, address = dest
        r, col = ws[address].row, ws[address].column
        parts = [ws.cell(r, col).value]
        while ws.cell(r + len(parts), 1).value == _CONTINUED:
            parts.append(ws.cell(r + len(parts), col).value)
        text = "".join("" if p is None else str(p) for p in parts)
        if text:
            narrative[section.key] = text
    return narrative


def fingerprint(wb: Workbook) -> dict[str, Any]:
    """What a template is made of (texts, merges, names, sizes, styles that matter), for
    comparing a committed template with a fresh build independent of zip timestamps."""
    sheets = {}
    for ws in wb.worksheets:
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "cells": sorted(
                (c.coordinate, str(c.value), c.font.b, c.alignment.horizontal, c.border.left.style)
                for row in ws.iter_rows() for c in row
                if c.value is not None or c.border.left.style
            ),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": sorted((k, v.width) for k, v in ws.column_dimensions.items() if v.width),
            "heights": sorted((k, v.height) for k, v in ws.row_dimensions.items() if v.height),
            "freeze": ws.freeze_panes,
            "orientation": ws.page_setup.orientation,
        }
    names = sorted((n, d.attr_text) for n, d in wb.defined_names.items())
    return {"sheets": sheets, "names": names}
