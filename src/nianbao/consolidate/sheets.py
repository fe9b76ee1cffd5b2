"""The consolidated workbook, written in openpyxl's streaming mode (a thousand departments'
明细 would take seconds otherwise). The empty workbook of an edition is its template.

Sheets: 汇总 (tables 二、三、四 as on the form, every cell the departments' sum, with defined
names ``sum.<table>.<row>.<column>``), 明细 (one row per department), 校验 (every finding,
with a link to its cell), 缺报与重复, 同比 (with last year's reports), 统计表汇总 (reports before
2019, by label) and 图表.
"""

from __future__ import annotations

import copy
import functools
import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, PieChart
from openpyxl.chart.data_source import AxDataSource, NumData, NumDataSource, NumVal, StrData, StrVal
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break

from ..files import is_workbook
from ..spec import Spec, load_spec
from ..validate.findings import FindingRow, ValidationReport, cell_name, json_number
from ..validate.frames import table_shape
from ..workbook import TableLayout, print_setup, table_layout, text_row_height
from ..workbook.cells import workbook_parts
from ..workbook.styles import FORMULA_STARTS
from .consolidation import DUPLICATE_RULE, Consolidation, Department, unreadable_findings
from .totals import Stack

__all__ = ["detail_matrix", "summary_name", "write_consolidation"]

_FONT = load_spec().consolidated.font
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_STATE_FILL = {"passed": PatternFill("solid", fgColor="C6EFCE"),
               "warned": PatternFill("solid", fgColor="FFEB9C"),
               "failed": PatternFill("solid", fgColor="FFC7CE")}
_BOLD = Font(name=_FONT, size=10, bold=True)
_NORMAL = Font(name=_FONT, size=10)
_TITLE = Font(name=_FONT, size=14, bold=True)
_NOTE = Font(name=_FONT, size=10, color="7F7F7F")
_LINK = Font(name=_FONT, size=10, color="0563C1", underline="single")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="center")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")
_TOP_DEPARTMENTS = 20


def summary_name(table: str, row: str, column: str) -> str:
    """The consolidated workbook's defined name of a 汇总 cell: ``sum.requests.new_received.total``."""
    return f"sum.{table}.{row}.{column}"


class _Grid:
    """The cells of a small sheet by position, written out row by row at the end."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.cells: dict[tuple[int, int], WriteOnlyCell] = {}
        self.height = 0

    def put(self, r: int, c: int, value: Any = None, font: Font = _NORMAL, fill: PatternFill | None = None,
            align: Alignment | None = None, border: bool = True, link: str | None = None) -> WriteOnlyCell:
        cell = _data(WriteOnlyCell(self.ws, _finite(value)))
        cell.font = _LINK if link else font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        elif isinstance(value, (int, float)):
            cell.alignment = _NUMBER
        if border:
            cell.border = _BORDER
        if link:
            cell.hyperlink = link
        self.cells[(r, c)] = cell
        self.height = max(self.height, r)
        return cell

    def merge(self, r: int, c: int, last_r: int, last_c: int, bordered: bool = True,
              fill: PatternFill | None = None) -> None:
        if (last_r, last_c) == (r, c):
            return
        if bordered:  # a merged range shows the borders (and fill) of all its cells
            for rr in range(r, last_r + 1):
                for cc in range(c, last_c + 1):
                    if (rr, cc) not in self.cells:
                        self.put(rr, cc, fill=fill)
        self.ws.merged_cells.add(f"{get_column_letter(c)}{r}:{get_column_letter(last_c)}{last_r}")

    def write(self) -> None:
        rows: dict[int, dict[int, WriteOnlyCell]] = {}
        for (r, c), cell in self.cells.items():
            rows.setdefault(r, {})[c] = cell
        for r in range(1, self.height + 1):
            row = rows.get(r, {})
            _append(self.ws, [row.get(c) for c in range(1, max(row, default=0) + 1)])


def _finite(value: Any) -> Any:
    """A number Excel can hold, or None (an infinite or NaN float would make the file unreadable)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _data(cell: WriteOnlyCell) -> WriteOnlyCell:
    """The cell with its text as data, never a formula: openpyxl takes any string that starts
    with "=" for a formula (an agency or a file named "=cmd|' /C calc'!A0"). Text that Excel
    would read as a formula when typed in (= + - @) also gets the quote prefix, so that it
    stays text when a clerk edits the cell."""
    if isinstance(cell.value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
        cell.value = text
        cell.data_type = "s"
        if text[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
    return cell


def _like(ws: Any, value: Any, prototype: WriteOnlyCell) -> WriteOnlyCell:
    """A cell styled as ``prototype``: copying its style array is much cheaper than setting a
    font or fill (which openpyxl looks up in the workbook's style tables every time)."""
    cell = WriteOnlyCell(ws, value)
    cell._style = copy.copy(prototype._style)
    return _data(cell)


def _text(ws: Any, value: Any) -> Any:
    """A value for a streamed row; text stays text (an agency named "=…" is not a formula)."""
    if not isinstance(value, str):
        return _finite(value)
    cell = WriteOnlyCell(ws, value)
    cell.font = _NORMAL
    return _data(cell)


def _append(ws: Any, values: Sequence[Any]) -> None:
    """One streamed row, every text in it data (see ``_data``): the only way rows are written."""
    ws.append([_data(v) if isinstance(v, Cell) else _data(WriteOnlyCell(ws, v)) if isinstance(v, str)
               else _finite(v) for v in values])


def _widths(ws: Any, widths: dict[int, float]) -> None:
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = width


def _name(wb: Workbook, name: str, sheet: str, r: int, c: int) -> None:
    ref = f"{quote_sheetname(sheet)}!${get_column_letter(c)}${r}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


# Characters a file name may hold that a link's target (a URI reference) must not carry as
# they are: "#" would start the cell part, "%" an escape, control characters and the rest are
# not allowed in a URI. Chinese stays as it is (Excel writes it so).
_UNSAFE_IN_LINK = re.compile(r'[\x00-\x20\x7f"#%<>\\^`{|}]')


@functools.lru_cache(maxsize=8192)
def _relative(path: Path, output: Path) -> str | None:
    """The file's path relative to the consolidated workbook's folder, as a link target; None
    when there is none (another drive on Windows): no absolute path, no scheme, is linked."""
    try:
        target = os.path.relpath(os.path.abspath(path), os.path.dirname(os.path.abspath(output)))
    except ValueError:
        return None
    target = _UNSAFE_IN_LINK.sub(lambda m: f"%{ord(m.group()):02X}", target.replace(os.sep, "/"))
    if ":" in target.split("/", 1)[0]:  # "http:x.xlsx" is a file here, never a scheme
        target = "./" + target
    return target


def _link(path: Path, output: Path, cell: str | None = None) -> str | None:
    """A link from the consolidated workbook to a department's file (and cell): a relative path
    of a file the tool read, never a URL or a path from the files' contents."""
    target = _relative(path, output)
    if target is None:
        return None
    if cell and "!" in cell:
        sheet, address = cell.split("!", 1)
        return f"{target}#{quote_sheetname(sheet)}!{address}"
    return target


def _department_link(d: Department, output: Path, cell: str | None = None) -> str | None:
    """A link to a department's file; none for a report read from a dataset (its source file
    is not where the dataset is)."""
    return None if d.given is not None else _link(d.path, output, cell)


# --- 汇总 ----------------------------------------------------------------------------------------

def _table_block(grid: _Grid, wb: Workbook, layout: TableLayout, top: int,
                 values: dict[tuple[str, str], Any], heights: dict[int, float],
                 widths: dict[int, float]) -> int:
    """One table laid out as on the form from row ``top``; returns its last row. Off-form rows
    are not part of it: they are summed apart (see ``_notes``)."""
    table = layout.table
    sheet = grid.ws.title
    for label in layout.form_labels():
        header = label.kind in ("header", "corner", "group")
        grid.put(top + label.row - 1, label.col, label.text or None,
                 font=_BOLD if label.kind in ("header", "group") else _NORMAL,
                 fill=_HEADER_FILL if header else None,
                 align=_CENTER if label.kind in ("header", "corner") else _LEFT)
        grid.merge(top + label.row - 1, label.col, top + label.last_row - 1, label.last_col,
                   fill=_HEADER_FILL if header else None)
        if label.row == label.last_row and label.text:
            width = sum(widths.get(c, 9.0) for c in range(label.col, label.last_col + 1))
            r = top + label.row - 1
            heights[r] = max(heights.get(r, 18), text_row_height(label.text, width))
    for (row_key, col_key), (r, c) in layout.form_cells().items():
        grid.put(top + r - 1, c, values.get((row_key, col_key)), align=_NUMBER)
        last = layout.value_spans.get((row_key, col_key))
        if last:
            grid.merge(top + r - 1, c, top + r - 1, last)
        _name(wb, summary_name(table.key, row_key, col_key), sheet, top + r - 1, c)
    return top + layout.height - 1


def _edition_label(spec: Spec, key: str) -> str:
    return spec.edition(key).short_label


def _summary_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> None:
    name = spec.consolidated.sheets["summary"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)  # before any row: streamed sheets write their properties first
    grid = _Grid(ws)
    edition = result.edition
    layouts = ([table_layout(t) for t in spec.edition(edition).tables.values() if t.layout != "indicators"]
               if edition else [])
    width = max([lay.width for lay in layouts] + [8])
    widths = _summary_widths(width) if layouts else {1: 24.0, 2: 60.0}
    _widths(ws, widths)
    year = f"{result.year}年度" if result.year else ""
    grid.put(1, 1, f"{year}{spec.consolidated.title}", font=_TITLE, align=_CENTER, border=False)
    grid.merge(1, 1, 1, width, bordered=False)
    grid.put(2, 1, _summary_line(result, spec), align=_LEFT, border=False)
    grid.merge(2, 1, 2, width, bordered=False)
    heights = {1: 26.0, 2: 30.0}
    values = {(t.table, t.row, t.column): t.value for t in result.totals}
    top = 4
    for i, lay in enumerate(layouts):
        if i:
            ws.row_breaks.append(Break(id=top - 1))
        grid.put(top, 1, lay.table.title, font=_BOLD, align=_LEFT, border=False)
        grid.merge(top, 1, top, lay.width, bordered=False)
        heights[top] = 22.0
        cells = {(r, c): v for (t, r, c), v in values.items() if t == lay.table.key}
        top = _table_block(grid, wb, lay, top + 1, cells, heights, widths) + 2
    top = _notes(grid, result, spec, top, width)
    for r, h in heights.items():
        ws.row_dimensions[r].height = h
    grid.write()


def _summary_widths(width: int) -> dict[int, float]:
    """One column grid for tables 二、三、四 stacked on one sheet: 三's three label columns kept
    readable (long labels wrap), its seven number columns, and 四's fifteen narrow ones, so
    that the sheet prints on A4 landscape near full size rather than shrunk to half."""
    widths = {1: 12.0, 2: 18.0, 3: 30.0}
    widths.update({c: 9.0 for c in range(4, 11)})
    widths.update({c: 7.5 for c in range(11, width + 1)})
    return widths


def _summary_line(result: Consolidation, spec: Spec) -> str:
    parts = [f"汇总单位 {result.departments} 个"]
    editions = _edition_counts((d.edition for d in result.members), spec)
    if editions:
        parts.append("其中" + "、".join(f"{_edition_label(spec, e)} {n} 个" for e, n in editions))
    if result.edition:
        parts.append(f"本表按{_edition_label(spec, result.edition)}汇总")
    status = spec.consolidated.status
    # the findings counted as on the command line (错误 4 个，警告 1 个), then the departments
    parts.append(f"错误 {result.errors} 个，警告 {result.warnings} 个"
                 f"（{status['failed']}的单位 {result.failed} 个，"
                 f"{status['warned']}的单位 {result.warned} 个）")
    if result.other_year:  # left out of every sum: said at the top, not only on 缺报与重复
        parts.append(f"{other_years_note(result)}，未计入汇总（见“{spec.consolidated.sheets['roster']}”表）")
    if result.roster is not None:
        parts.append(f"缺报 {len(result.missing)} 个")
    if result.duplicates:
        parts.append(f"重复报送 {len(result.duplicates)} 个")
    parts.append("与各单位明细合计一致" if result.summary_matches
                 else f"与各单位明细合计不一致（见{spec.consolidated.sheets['findings']}表）")
    sheets = spec.consolidated.sheets
    if result.parent is not None:  # --parent: the parent's own report against the sums, in one line
        parts.append(result.parent.headline(sheets["parent"]))
    if result.unreadable:  # never a clean headline over sums that leave files out
        parts.append(f"汇总不完整：{len(result.unreadable)} 个文件无法读取，未计入汇总"
                     f"（{_file_names(result.unreadable)}，见“{sheets['findings']}”表）")
    if result.previous_unreadable:
        parts.append(f"同比不完整：{len(result.previous_unreadable)} 个上年文件无法读取"
                     f"（{_file_names(result.previous_unreadable)}，见“{sheets['years']}”表）")
    return "；".join(parts) + "。"


def other_years_note(result: Consolidation) -> str:
    """另有 其他年度的报告 300 份（2020年度 150 份、2019年度 150 份）: the reports left out."""
    years = "、".join(f"{year}年度 {n} 份" if year else f"年度不明 {n} 份"
                     for year, n in result.other_years())
    return f"另有其他年度的报告 {len(result.other_year)} 份（{years}）"


def _file_names(files: Sequence[tuple[Path, str]], shown: int = 3) -> str:
    names = "、".join(path.name for path, _ in files[:shown])
    return names + (f" 等 {len(files)} 个" if len(files) > shown else "")


def _edition_counts(items: Iterable[str], spec: Spec) -> list[tuple[str, int]]:
    """How many departments used each edition, newest edition first (the spec's order)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    order = {key: i for i, key in enumerate(spec.editions)}
    return sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))


def _notes(grid: _Grid, result: Consolidation, spec: Spec, top: int, width: int) -> int:
    """What mixed editions mean for the sums: cells some departments do not have, and cells
    of other editions kept apart."""
    if result.edition is None:
        grid.put(top, 1, "本次汇总的报告均为2018年及以前的统计表，汇总见“统计表汇总”。",
                 align=_LEFT, border=False)
        grid.merge(top, 1, top, width, bordered=False)
        return top + 1
    main = spec.edition(result.edition)
    others = {d.edition for d in result.members if d.edition not in (result.edition, "legacy")}
    partial = [t for t in result.totals if len(t.editions) == 1 and others]
    if not partial and not result.apart:
        return top
    grid.put(top, 1, "说明（不同版本表格的汇总）", font=_BOLD, align=_LEFT, border=False)
    top += 1
    if partial:
        n_other = sum(1 for d in result.members if d.edition in others)
        other_labels = "、".join(_edition_label(spec, e) for e in sorted(others))
        grid.put(top, 1, f"上表中以下项目只有{_edition_label(spec, result.edition)}有，合计不含使用"
                         f"{other_labels}的 {n_other} 个单位：", align=_LEFT, border=False)
        grid.merge(top, 1, top, width, bordered=False)
        top += 1
        rows = list(dict.fromkeys((t.table, t.row) for t in partial))
        for table_key, row_key in rows:
            table = main.table(table_key)
            row = table.row(row_key)
            label = " ".join(row.path[1:] if len(row.path) > 1 else row.path) or table.title
            grid.put(top, 1, f"  {table.title.split('、')[0]}、{label}", align=_LEFT, border=False)
            grid.merge(top, 1, top, width, bordered=False)
            top += 1
    if result.apart:
        top += 1
        off_form = any(result.edition in t.editions for t in result.apart)  # an off-form row printed
        text = ("以下项目不在本版表格上（其他版本表格的项目，或报告按旧格式填报的项目，如只填一行的"
                "（六）其他处理），未计入上表，单独合计：" if off_form
                else "以下项目只有其他版本的表格有，未计入上表，单独合计：")
        grid.put(top, 1, text, align=_LEFT, border=False)
        grid.merge(top, 1, top, width, bordered=False)
        top += 1
        for c, text in enumerate(spec.consolidated.headers["apart"], start=1):
            grid.put(top, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
        top += 1
        for t in result.apart:
            edition = t.editions[0] if t.editions else ""
            of_edition = spec.edition(edition).table(t.table) if edition else None
            labels = "、".join(_edition_label(spec, e) for e, _ in _edition_counts(t.editions, spec))
            grid.put(top, 1, labels, align=_LEFT)
            grid.put(top, 2, of_edition.title if of_edition else t.table, align=_LEFT)
            grid.put(top, 3, cell_name(of_edition, t.row, t.column) if of_edition else t.row, align=_LEFT)
            grid.put(top, 4, t.value)
            grid.put(top, 5, t.departments)
            top += 1
    return top


# --- 明细 ------------------------------------------------------------------------------------------

_DETAIL_WIDTHS = (28.0, 8.0, 10.0, 9.0, 6.0, 6.0, 24.0)  # of the spec's [consolidated] detail_columns


def detail_matrix(data: Stack, cells: Sequence[tuple[str, str, str]], spec: Spec) -> np.ndarray:
    """The departments' values of ``cells`` as an array of n rows by len(cells) columns (NaN: blank, or a cell
    the department's edition does not have)."""
    n = len(data.editions)
    matrix = np.full((n, len(cells)), np.nan)
    for j, (table, row, column) in enumerate(cells):
        shape = table_shape(spec, table)
        r, c = shape.row_index[row], shape.column_index[column]
        matrix[:, j] = np.where(data.present[table][:, r, c], data.values[table][:, r, c], np.nan)
    return matrix


def _detail_headers(result: Consolidation, spec: Spec) -> tuple[list[str], list[str], list[str], list[bool]]:
    """Per value column: the table group, the row label, the column label, and its money flag."""
    groups, rows, columns, money = [], [], [], []
    main = {(t.table, t.row, t.column) for t in result.totals}
    apart = {(t.table, t.row, t.column): t.editions for t in result.apart}
    summed = result.edition or spec.default_edition
    for table_key, row_key, col_key in result.detail_cells(spec):
        if (table_key, row_key, col_key) in main:
            table = spec.edition(summed).table(table_key)
            group = table.sheet
        elif summed in apart.get((table_key, row_key, col_key), ()):  # an off-form row printed
            table = spec.edition(summed).table(table_key)
            group = f"{_edition_label(spec, summed)}表外项目（未计入汇总）"
        else:
            edition = next(e for e in spec.editions if e != result.edition
                           and table_key in spec.edition(e).tables
                           and spec.edition(e).table(table_key).has_row(row_key))
            table = spec.edition(edition).table(table_key)
            group = f"{_edition_label(spec, edition)}特有项目（未计入汇总）"
        row = table.row(row_key)
        if row.path:
            label = " ".join(row.path[1:]) if len(row.path) > 1 else row.path[0]
            column = table.column(col_key).label
        else:  # 四、复议诉讼: one row, the header path says it all
            path = table.column(col_key).path
            label, column = "".join(path[:-1]), path[-1]
        groups.append(group)
        rows.append(label)
        columns.append(column)
        money.append(table.column(col_key).is_money)
    return groups, rows, columns, money


def _merge_runs(ws: Any, r: int, first_col: int, labels: Sequence[str]) -> None:
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if i - start > 1:
                ws.merged_cells.add(f"{get_column_letter(first_col + start)}{r}:"
                                    f"{get_column_letter(first_col + i - 1)}{r}")
            start = i


def _header_cell(ws: Any, text: str | None, align: Alignment = _CENTER) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, align
    return cell


def _detail_sheet(wb: Workbook, result: Consolidation, spec: Spec, data: Stack) -> dict[int, RowCells]:
    """The sheet with the departments' own columns; their plain cells and numbers come back as
    XML by row (``_splice`` puts them in: streaming a quarter million cells through openpyxl
    takes seconds); the agency and the file's link are streamed."""
    name = spec.consolidated.sheets["detail"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    ws.page_setup.fitToWidth = 0  # hundreds of columns: pages across, the agency repeated on each
    ws.print_title_cols = "A:A"
    groups, row_labels, col_labels, _ = _detail_headers(result, spec)
    headers = spec.consolidated.detail_columns
    fixed = len(headers)
    _widths(ws, {i + 1: w for i, w in enumerate(_DETAIL_WIDTHS)})
    for j in range(len(groups)):
        ws.column_dimensions[get_column_letter(fixed + j + 1)].width = 11.0
    ws.row_dimensions[2].height = 66.0
    ws.row_dimensions[3].height = 30.0
    ws.freeze_panes = "B4"
    last = get_column_letter(fixed + len(groups))
    ws.auto_filter.ref = f"A3:{last}{3 + max(len(result.members), 1)}"
    [group] = spec.consolidated.headers["detail_group"]
    _append(ws, [_header_cell(ws, group)] + [_header_cell(ws, None)] * (fixed - 1)
            + [_header_cell(ws, g) for g in groups])
    _append(ws, [_header_cell(ws, None)] * fixed + [_header_cell(ws, t) for t in row_labels])
    _append(ws, [_header_cell(ws, h) for h in headers] + [_header_cell(ws, t) for t in col_labels])
    ws.merged_cells.add(f"A1:{get_column_letter(fixed)}2")  # row 3, the filter row, names the columns
    _merge_runs(ws, 1, fixed + 1, groups)
    _merge_runs(ws, 2, fixed + 1, [f"{g}\x00{t}" for g, t in zip(groups, row_labels, strict=True)])

    matrix = detail_matrix(data, result.detail_cells(spec), spec)
    matrix_row = {id(d): i for i, d in enumerate(d for d in result.members if d.edition != "legacy")}
    letters = [get_column_letter(fixed + j + 1) for j in range(len(groups))]
    texts = _number_texts(matrix)
    spliced: dict[int, RowCells] = {}
    status_styles = {}
    for state, fill in _STATE_FILL.items():
        status = WriteOnlyCell(ws)
        status.fill, status.alignment = fill, _CENTER
        status_styles[state] = status.style_id
    quoted = WriteOnlyCell(ws)
    quoted.quotePrefix = True
    link_style = WriteOnlyCell(ws)
    link_style.font = _LINK
    # the agency (text of any kind) and the link streamed; 年度 … 警告 and the numbers spliced in
    link_column = len(headers)
    for r, d in enumerate(result.members, start=4):
        link = _like(ws, d.path.name, link_style)
        link.hyperlink = _department_link(d, result.output)
        i = matrix_row.get(id(d))
        numbers = "" if i is None else "".join(f'<c r="{letters[j]}{r}" t="n"><v>{text}</v></c>'
                                               for j, text in texts[i])
        edition = _edition_label(spec, d.edition) if d.edition else None
        counts = d.validation.counts
        own = _cells_xml(r, 2, [d.year, edition, d.status, counts["errors"], counts["warnings"]],
                         quoted.style_id, [None, None, status_styles[d.state], None, None])
        _append(ws, [_text(ws, d.agency), *[None] * (link_column - 2), link])
        spliced[r] = (link_column, own, numbers)
    ws.print_title_rows = "1:3"
    return spliced


def _number_texts(matrix: np.ndarray) -> list[list[tuple[int, str]]]:
    """Per 明细 row, its filled cells (column index, the number as text as ``json_number``
    gives it: a whole number without its .0, else rounded to 6 places), converted for the
    whole matrix at once."""
    filled = np.isfinite(matrix)
    values = np.where(filled, matrix, 0.0)
    whole = values == np.floor(values)
    texts = np.where(whole, values.astype(np.int64).astype(str), np.round(values, 6).astype(str)).tolist()
    return [[(j, text) for j, (text, present) in enumerate(zip(row, mask, strict=True)) if present]
            for row, mask in zip(texts, filled.tolist(), strict=True)]


# A row of a saved sheet: <row r="5" …>cells</row>, or an empty one, <row r="5" …/>
_ROW = re.compile(r'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', re.S)

_CARRIAGE_RETURN = {"\r": "&#13;"}  # kept as it is (a parser makes a bare one a line feed)
# Cells as XML for a row of a saved sheet: appended at the row's end, or (column, cells before
# that column's streamed cell, cells at the end)
RowCells = str | tuple[int, str, str]
Spliced = dict[str, dict[int, RowCells]]  # sheet → row number → its cells


def _splice(path: str | Path | IO[bytes], spliced: Spliced) -> None:
    """Put cells, given as XML by sheet and row number, into those rows of the saved workbook:
    at the end (the cells after the streamed ones), or before a streamed cell (``RowCells``)."""
    if not any(spliced.values()):
        return
    if isinstance(path, (str, Path)):
        data = Path(path).read_bytes()
    else:
        path.seek(0)
        data = path.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts, _ = workbook_parts(archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels"))
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    by_part = {parts[sheet]: rows for sheet, rows in spliced.items() if rows}

    out = io.BytesIO()
    # the fastest compression level: the file is twice as fast to write and a tenth larger
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            rows = by_part.get(info.filename)
            if rows is not None:
                def extend(match: re.Match[str], rows: dict[int, RowCells] = rows) -> str:
                    number, attributes, cells = match.groups()
                    cells = cells or ""
                    added = rows.get(int(number), "")
                    if isinstance(added, tuple):
                        column, before, added = added
                        at = cells.find(f'<c r="{get_column_letter(column)}{number}"')
                        cells = cells + before if at < 0 else cells[:at] + before + cells[at:]
                    return f'<row r="{number}"{attributes}>{cells}{added}</row>'

                content = _ROW.sub(extend, content.decode("utf-8")).encode("utf-8")
            archive.writestr(info, content, compresslevel=1)
    if isinstance(path, (str, Path)):
        Path(path).write_bytes(out.getvalue())
    else:
        path.seek(0)
        path.truncate()
        path.write(out.getvalue())


def _cells_xml(r: int, first: int, values: Sequence[Any], quoted: int,
               styles: Sequence[int | None] | None = None) -> str:
    """Cells of row ``r`` from column ``first``, as XML to splice: a number as openpyxl writes
    it, text as an inline string, with the quote prefix (style ``quoted``) where Excel would
    take it for a formula; nothing for a blank. ``styles``: a style id per value (None: none)."""
    cells = []
    for i, (c, value) in enumerate(enumerate(values, start=first)):
        ref = f"{get_column_letter(c)}{r}"
        given = None if styles is None else styles[i]
        styled = "" if given is None else f' s="{given}"'
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value):
                number = value if isinstance(value, int) else f"{value:.16g}"
                cells.append(f'<c r="{ref}"{styled} t="n"><v>{number}</v></c>')
        elif value is not None:
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            if not text:
                continue
            style = f' s="{quoted}"' if text[:1] in FORMULA_STARTS else styled
            space = ' xml:space="preserve"' if text != text.strip() else ""
            text = escape(text, _CARRIAGE_RETURN)
            cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
    return "".join(cells)


# --- 校验 ------------------------------------------------------------------------------------------

# The widths of the spec's [consolidated] findings_columns.
_FINDING_WIDTHS = (26.0, 8.0, 22.0, 8.0, 22.0, 30.0, 20.0, 8.0, 8.0, 70.0)


_DEPARTMENT_CELLS = 3  # 单位, 年度, 文件: the first columns of the findings sheet


def _findings_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> dict[int, RowCells]:
    """Every finding as the validator presents it (FindingRow), after its department and file;
    returns the finding's cells of each row as XML (see ``_splice``)."""
    name = spec.consolidated.sheets["findings"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    headers = spec.consolidated.findings_columns
    _widths(ws, {i + 1: w for i, w in enumerate(_FINDING_WIDTHS)})
    ws.freeze_panes = "A2"
    rows: list[tuple[int, int, list[Any]]] = []  # (severity, order, cells)

    link_style = WriteOnlyCell(ws)
    link_style.font = _LINK

    def link_cell(text: str, target: str | None) -> WriteOnlyCell:
        cell = _like(ws, text, link_style)
        cell.hyperlink = target
        return cell

    def add(order: int, department: list[Any], row: FindingRow, prefix: str = "") -> None:
        rows.append((0 if row.finding.is_error else 1, order, [
            *department, row.level, row.finding.rule, row.title, row.place, row.finding.expected,
            row.finding.actual, prefix + row.finding.message]))

    files = unreadable_findings(result, spec)
    for (path, _), row in zip(result.unreadable, files.rows(spec), strict=True):
        add(-1, [None, None, link_cell(path.name, _link(path, result.output))], row)
    agency = spec.consolidated.summary_agency
    for row in ValidationReport(tuple(result.mismatches)).rows(spec):
        add(-1, [agency, result.year, result.output.name], row)
    summary_prefix = f"{spec.consolidated.sheets['summary']}表："
    for row in result.summary.rows(spec):
        add(-1, [agency, result.year, result.output.name], row, summary_prefix)
    if result.parent is not None:  # the parent's own report (本级年报) against the departments
        parent = result.parent
        in_workbook = bool(parent.findings) and is_workbook(parent.path)
        for row in ValidationReport(parent.findings).rows(spec):
            target = _link(parent.path, result.output, row.place if in_workbook else None)
            add(-1, [_text(ws, parent.agency), parent.report.meta.year,
                     link_cell(parent.path.name, target)], row)
    for order, d in enumerate(result.members):
        in_workbook = bool(d.findings) and (is_workbook(d.path) if d.workbook is None else d.workbook)
        for row in d.validation.rows(spec):
            target = _department_link(d, result.output, row.place if in_workbook else None)
            add(order, [_text(ws, d.agency), d.year, link_cell(d.path.name, target)], row)
    rows.sort(key=lambda item: (item[0], item[1]))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    _append(ws, [_header_cell(ws, h) for h in headers])
    # the department's three cells (a link among them) streamed, the finding's plain ones spliced
    quoted = WriteOnlyCell(ws)
    quoted.quotePrefix = True
    spliced: dict[int, RowCells] = {}
    for r, (_, _, cells) in enumerate(rows, start=2):
        _append(ws, cells[:_DEPARTMENT_CELLS])
        spliced[r] = _cells_xml(r, _DEPARTMENT_CELLS + 1, cells[_DEPARTMENT_CELLS:], quoted.style_id)
    ws.print_title_rows = "1:1"
    return spliced


# --- 缺报与重复 -------------------------------------------------------------------------------------

def _section(grid: _Grid, top: int, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
             empty: str = "无") -> int:
    grid.put(top, 1, title, font=_BOLD, align=_LEFT, border=False)
    top += 1
    for c, text in enumerate(headers, start=1):
        grid.put(top, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
    top += 1
    if not rows:
        grid.put(top, 1, empty, font=_NOTE, align=_LEFT, border=False)
        return top + 2
    for row in rows:
        for c, value in enumerate(row, start=1):
            if isinstance(value, tuple):  # (text, link)
                grid.put(top, c, value[0], link=value[1], align=_LEFT)
            elif isinstance(value, PatternFill):
                continue
            else:
                grid.put(top, c, value, align=_LEFT if isinstance(value, str) else None)
        top += 1
    return top + 1


def _modified(d: Department) -> str:
    return datetime.fromtimestamp(d.modified).strftime("%Y-%m-%d %H:%M:%S")


def _roster_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> None:
    name = spec.consolidated.sheets["roster"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    _widths(ws, {1: 30.0, 2: 10.0, 3: 30.0, 4: 20.0, 5: 10.0, 6: 10.0})
    grid = _Grid(ws)
    headers = spec.consolidated.headers
    top = 1
    if result.roster is None:
        grid.put(top, 1, "未提供单位名单（--roster），无法列出缺报单位。", font=_NOTE, align=_LEFT,
                 border=False)
        top += 2
    else:
        top = _section(grid, top, f"缺报单位：名单中有、未收到报告（{len(result.missing)} 个）",
                       headers["missing"], [(name,) for name in result.missing])
    rows = []
    for dup in result.duplicates:
        for d in (dup.kept, *dup.dropped):
            rows.append((dup.agency, dup.year, (d.path.name, _department_link(d, result.output)),
                         _modified(d), headers["used"][0 if d is dup.kept else 1], d.status))
    top = _section(grid, top, f"重复报送：同一单位同一年度收到多份（{len(result.duplicates)} 个单位），"
                              f"{DUPLICATE_RULE}",
                   headers["duplicates"], rows)
    if result.roster is not None:
        top = _section(grid, top, f"不在名单中的单位（{len(result.not_on_roster)} 个，已计入汇总）",
                       headers["not_on_roster"], [(name,) for name in result.not_on_roster])
    top = _section(grid, top, f"报告年度与本次汇总不同（{len(result.other_year)} 个，未计入汇总）",
                   headers["other_year"],
                   [(d.agency, d.year, (d.path.name, _department_link(d, result.output)))
                    for d in result.other_year])
    _section(grid, top, f"无法读取的文件（{len(result.unreadable)} 个）", headers["unreadable"],
             [((p.name, _link(p, result.output)), reason) for p, reason in result.unreadable])
    grid.write()


# --- 同比 ------------------------------------------------------------------------------------------

def _year_check(d: Department, rule: str, spec: Spec) -> tuple[str, bool]:
    """What the 同比 sheet says of a two-year rule for a department, and whether it holds."""
    same, none = spec.consolidated.headers["year_checks"]
    if d.previous is None:
        return none, True
    found = d.validation.by_rule(rule)
    return (f"{len(found)} 处不一致", False) if found else (same, True)


def _years_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> None:
    name = spec.consolidated.sheets["years"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    grid = _Grid(ws)
    headers = spec.consolidated.headers
    headline = spec.consolidated.headline
    edition = spec.edition_of(result.edition)
    labels = [cell_name(edition.table(t), r, c) for t, r, c in headline]
    width = 2 + 3 * len(labels) + 2
    _widths(ws, {1: 26.0, 2: 22.0, **{c: 8.0 for c in range(3, width - 1)}, width - 1: 12.0, width: 12.0})
    previous = f"{result.previous_year}年度" if result.previous_year else headers["year_values"][0]
    grid.put(1, 1, f"与{previous}对比", font=_TITLE, align=_LEFT, border=False)
    grid.merge(1, 1, 1, width, bordered=False)
    fixed = tuple(zip((1, 2, width - 1, width), headers["years"], strict=True))
    for c, text in fixed:
        grid.put(2, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
        grid.merge(2, c, 3, c, fill=_HEADER_FILL)
    for i, label in enumerate(labels):
        c = 3 + 3 * i
        grid.put(2, c, label, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
        grid.merge(2, c, 2, c + 2, fill=_HEADER_FILL)
        for k, text in enumerate(headers["year_values"]):
            grid.put(3, c + k, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
    ws.row_dimensions[2].height = 45.0
    r = 4
    for d in result.members:
        grid.put(r, 1, d.agency, align=_LEFT)
        if d.previous_path is not None:
            grid.put(r, 2, d.previous_path.name, link=_link(d.previous_path, result.output), align=_LEFT)
        else:
            grid.put(r, 2, headers["year_checks"][1], font=_NOTE, align=_LEFT)
        for i, key in enumerate(headline):
            now = _value(d.report, key)
            before = _value(d.previous, key) if d.previous is not None else None
            c = 3 + 3 * i
            grid.put(r, c, before)
            grid.put(r, c + 1, now)
            both = d.previous is not None and (now is not None or before is not None)
            grid.put(r, c + 2, json_number((now or 0) - (before or 0)) if both else None)
        for c, rule in ((width - 1, "year.carried_in"), (width, "year.in_force")):
            text, holds = _year_check(d, rule, spec)
            fill = _STATE_FILL["passed" if holds else "failed"] if d.previous is not None else None
            grid.put(r, c, text, fill=fill, align=_CENTER)
        r += 1
    ws.freeze_panes = "B4"
    ws.auto_filter.ref = f"A3:{get_column_letter(width)}{max(r - 1, 3)}"
    top = r + 1
    matched = [(d.agency, d.previous.meta.agency, d.previous_match) for d in result.members
               if d.previous is not None and d.previous_match]
    if matched:
        top = _section(grid, top, f"名称写法不同、按同一单位匹配的上年报告（{len(matched)} 个）",
                       headers["matched"], matched)
    undecided = [(d.agency, None, d.previous_match) for d in result.members
                 if d.previous is None and d.previous_match]
    if undecided:
        top = _section(grid, top, f"可与多份上年报告匹配、未作对照的单位（{len(undecided)} 个）",
                       headers["matched"], undecided)
    if result.previous_unreadable:
        lost = result.previous_unreadable
        top = _section(grid, top, f"无法读取的上年文件（{len(lost)} 个，同比不完整）",
                       spec.consolidated.headers["unreadable"],
                       [((p.name, _link(p, result.output)), reason) for p, reason in lost])
    rows = []
    for ch in result.changes:
        rate = (f"{ch.difference / ch.previous:+.0%}" if ch.previous else "—")
        rows.append((ch.agency, ch.label, ch.previous, ch.current, ch.difference, rate))
    _section(grid, top, f"变化最大的项目（按增减的绝对值，前 {len(rows)} 项）",
             headers["changes"], rows, empty="无可比数据")
    grid.write()


def _value(report: Any, key: tuple[str, str, str]) -> Any:
    table, row, column = key
    try:
        return report.tables[table][row][column].value
    except KeyError:
        return None


# --- 本级对比 --------------------------------------------------------------------------------------

def _parent_line(result: Consolidation, spec: Spec) -> str:
    """What 本级对比 holds, in one line: how many cells, how many judged, how many fewer, what
    was not compared and which inputs were left out of the departments."""
    parent = result.parent
    assert parent is not None
    if parent.not_compared:
        parts = [f"未对比：{parent.not_compared}"]
    else:
        judged = sum(1 for c in parent.cells if c.judged)
        parts = [f"对比 {len(parent.cells)} 项，其中须不少于各单位合计的 {judged} 项"
                 f"（{spec.rule('parent.children_sum').title}）："
                 + (f"{parent.fewer} 处本级少于各单位合计" if parent.fewer else "均不少于")]
        if parent.skipped:
            edition = _edition_label(spec, parent.report.meta.edition) if parent.report.meta.edition else ""
            parts.append(f"本级年报（{edition}）没有的 {len(parent.skipped)} 项未对比（见下）")
    if parent.left_out:
        parts.append(f"输入中的 {len(parent.left_out)} 个文件视为本级年报，未计入各单位合计（见下）")
    return "；".join(parts) + "。"


_PARENT_WIDTHS = {1: 42.0, 2: 66.0, 3: 12.0, 4: 12.0, 5: 12.0, 6: 20.0}  # 本级对比's columns


def _parent_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> None:
    """本级对比: every 汇总 cell the parent's report has, its value beside the departments' sum
    and the difference, the cells where it states fewer marked as findings are on 校验."""
    parent = result.parent
    if parent is None:
        return
    name = spec.consolidated.sheets["parent"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    headers = spec.consolidated.headers
    holds, fewer, listed = headers["parent_checks"]
    width = len(headers["parent"])
    _widths(ws, _PARENT_WIDTHS)
    grid = _Grid(ws)
    year = f"{parent.report.meta.year}年度" if parent.report.meta.year else ""
    grid.put(1, 1, f"与本级年报对比：{parent.agency}{year}", font=_TITLE, align=_LEFT, border=False)
    grid.merge(1, 1, 1, width, bordered=False)
    grid.put(2, 1, parent.path.name, link=_link(parent.path, result.output), align=_LEFT, border=False)
    grid.merge(2, 1, 2, width, bordered=False)
    grid.put(3, 1, _parent_line(result, spec), align=_LEFT, border=False)
    grid.merge(3, 1, 3, width, bordered=False)
    ws.row_dimensions[3].height = 30.0
    top = 5
    if parent.cells:
        ws.freeze_panes = "A6"
        ws.auto_filter.ref = f"A5:{get_column_letter(width)}{5 + len(parent.cells)}"
        for c, text in enumerate(headers["parent"], start=1):
            grid.put(top, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
        for cell in parent.cells:
            top += 1
            broken = cell.finding
            fill = None if broken is None else _STATE_FILL["failed" if broken.is_error else "warned"]
            grid.put(top, 1, cell.title, align=_LEFT)
            grid.put(top, 2, cell.label, align=_LEFT)
            ws.row_dimensions[top].height = max(text_row_height(cell.title, _PARENT_WIDTHS[1]),
                                                text_row_height(cell.label, _PARENT_WIDTHS[2]))
            grid.put(top, 3, cell.parent, fill=fill)
            grid.put(top, 4, cell.children)
            grid.put(top, 5, cell.difference, fill=fill)
            grid.put(top, 6, fewer if broken else holds if cell.judged else listed, fill=fill, align=_CENTER)
        top += 2
    if parent.skipped:
        summed = spec.edition(result.edition or spec.default_edition)
        skipped = [(summed.table(t.table).title, cell_name(summed.table(t.table), t.row, t.column), t.value)
                   for t in parent.skipped]
        top = _section(grid, top, f"本级年报没有的项目（{len(skipped)} 项，未对比）",
                       headers["parent_skipped"], skipped)
    if parent.left_out:
        files = [((p.name, _link(p, result.output)), why) for p, why in parent.left_out]
        _section(grid, top, f"视为本级年报、未计入各单位合计的文件（{len(files)} 个）",
                 headers["parent_left_out"], files)
    grid.write()


# --- 统计表汇总 ------------------------------------------------------------------------------------

def _legacy_sheet(wb: Workbook, result: Consolidation, spec: Spec) -> None:
    name = spec.consolidated.sheets["legacy"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    cumulative = any(t.cumulative is not None for t in result.legacy)
    _widths(ws, {1: 10.0, 2: 60.0, 3: 8.0, 4: 12.0, 5: 12.0, **({6: 14.0} if cumulative else {})})
    ws.freeze_panes = "A2"
    headers = list(spec.consolidated.headers["legacy"])
    total = headers[3]  # 合计
    if cumulative:  # a second value column (历年累计) some departments reported
        headers.append(spec.edition("legacy").table("legacy").cumulative_label + total)
    _append(ws, [_header_cell(ws, h) for h in headers])
    for t in result.legacy:
        second = [t.cumulative] if cumulative else []
        _append(ws, [t.code, t.label, t.unit, t.value, t.departments, *second])


# --- 图表 ------------------------------------------------------------------------------------------

def _outcomes(result: Consolidation, spec: Spec) -> list[tuple[str, Any]]:
    """The 汇总's 办理结果 (（一）…（六）) in the 总计 column, sub-items added up."""
    if result.edition is None:
        return []
    table = spec.edition(result.edition).table("requests")
    totals = {(t.row, t.column): t.value for t in result.totals if t.table == "requests"}
    groups: dict[str, float] = {}
    for row in table.rows:
        outcome = len(row.path) >= 2 and row.path[0] == spec.consolidated.outcome_group
        if not outcome or row.key == "total_processed":
            continue
        label = _TRAILING_NOTE.sub("", row.path[1]) or row.path[1]
        groups[label] = groups.get(label, 0) + (totals.get((row.key, "total")) or 0)
    return [(label, json_number(value)) for label, value in groups.items()]


def _literal_series(title: str, labels: Sequence[str], values: Sequence[Any]) -> Series:
    """A chart series that carries its numbers and labels itself (``numLit``, ``strLit``), not
    as references to cells: no formula anywhere in the consolidated workbook, the charts
    included, and agency names in the labels are data."""
    clean = [ILLEGAL_CHARACTERS_RE.sub("", text) for text in labels]
    return Series(
        tx=SeriesLabel(v=title),
        cat=AxDataSource(strLit=StrData(ptCount=len(clean), pt=[
            StrVal(idx=i, v=text) for i, text in enumerate(clean)])),
        val=NumDataSource(numLit=NumData(ptCount=len(values), pt=[
            NumVal(idx=i, v=_finite(v) or 0) for i, v in enumerate(values)])))


def _charts_sheet(wb: Workbook, result: Consolidation, spec: Spec, data: Stack) -> None:
    name = spec.consolidated.sheets["charts"]
    ws = wb.create_sheet(name)
    print_setup(ws, name)
    _widths(ws, {1: 28.0, 2: 12.0, 4: 24.0, 5: 12.0})
    grid = _Grid(ws)
    headers = spec.consolidated.headers
    table, row, column = spec.consolidated.ranking
    shape = table_shape(spec, table)
    members = [d for d in result.members if d.edition != "legacy"]
    received = data.values[table][:, shape.row_index[row], shape.column_index[column]]
    ranked = sorted(((float(v), i) for i, v in enumerate(received) if v == v), key=lambda x: (-x[0], x[1]))
    top = ranked[:_TOP_DEPARTMENTS]
    grid.put(1, 1, f"本年新收申请数量最多的单位（前 {len(top)} 个）", font=_BOLD, align=_LEFT, border=False)
    for c, text in enumerate(headers["ranking"], start=1):
        grid.put(2, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
    for k, (value, i) in enumerate(top):
        grid.put(3 + k, 1, members[i].agency, align=_LEFT)
        grid.put(3 + k, 2, json_number(value))
    outcomes = _outcomes(result, spec)
    grid.put(1, 4, "办理结果构成（汇总）", font=_BOLD, align=_LEFT, border=False)
    for c, text in enumerate(headers["outcomes"], start=4):
        grid.put(2, c, text, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
    for k, (label, value) in enumerate(outcomes):
        grid.put(3 + k, 4, label, align=_LEFT)
        grid.put(3 + k, 5, value)
    grid.write()
    if top:
        bar = BarChart()
        bar.type, bar.style = "bar", 10
        bar.title, bar.y_axis.title, _ = headers["charts"]
        bar.legend = None
        bar.series.append(_literal_series(headers["ranking"][1], [members[i].agency for _, i in top],
                                          [json_number(v) for v, _ in top]))
        bar.x_axis.scaling.orientation = "maxMin"  # the largest on top
        bar.height, bar.width = max(7.5, 0.6 * len(top) + 2), 16
        ws.add_chart(bar, "G2")
    if outcomes and any(v for _, v in outcomes):
        pie = PieChart()
        pie.title = headers["charts"][2]
        pie.series.append(_literal_series(headers["outcomes"][1], [label for label, _ in outcomes],
                                          [value for _, value in outcomes]))
        pie.dataLabels = DataLabelList()
        pie.dataLabels.showPercent = True
        pie.dataLabels.showVal = pie.dataLabels.showCatName = pie.dataLabels.showSerName = False
        pie.dataLabels.showLeaderLines = False
        pie.height, pie.width = 9, 14
        ws.add_chart(pie, "G28" if top else "G2")


def write_consolidation(result: Consolidation, path: str | Path | IO[bytes], spec: Spec, data: Stack) -> None:
    """Write the consolidated workbook."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, result, spec)
    spliced = {spec.consolidated.sheets["detail"]: _detail_sheet(wb, result, spec, data)}
    spliced[spec.consolidated.sheets["findings"]] = _findings_sheet(wb, result, spec)
    _parent_sheet(wb, result, spec)
    _roster_sheet(wb, result, spec)
    if result.has_previous:
        _years_sheet(wb, result, spec)
    if result.legacy or result.edition in (None, "legacy"):
        _legacy_sheet(wb, result, spec)
    _charts_sheet(wb, result, spec, data)
    wb.save(path)
    _splice(path, spliced)
