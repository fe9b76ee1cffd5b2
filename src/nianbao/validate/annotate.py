"""Findings written into the standard workbook: a 校验结果 sheet, and each failing cell filled
(red for an error, amber for a warning) with a comment. The clerk's values are never touched;
the previous marks of this tool are removed first, so annotating again is safe."""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import NianbaoError, UnreadableInput, os_reason
from ..files import open_package, read_input, save_atomically
from ..spec import load_spec
from ..workbook import print_setup, text_row_height
from ..workbook.styles import FILLS, set_text
from .accepted import accepted_rows
from .findings import Finding, ValidationReport

__all__ = [
    "ACCEPTED_SHEET", "AUTHOR", "FILLS", "HEADER", "READ_ONLY", "RESULT_SHEET", "SEVERITY", "WIDTHS",
    "accepted_sheet", "annotate", "annotate_workbook", "clear_marks",
]

_VIEW = load_spec().findings
RESULT_SHEET = _VIEW.sheet
# The author of this tool's comments: how clear_marks knows them (in files annotated before, too).
AUTHOR = "nianbao 校验"
# FILLS: shared with the Excel add-in, which marks an open workbook the same way, and with the
# workbook's live rules, whose conditional formats fill a cell the same colour.
SEVERITY = _VIEW.severity
HEADER = _VIEW.columns
WIDTHS = (6, 6, 20, 80, 30, 8, 8, 12, 30)
ACCEPTED_SHEET = load_spec().sheets["accepted"]
_ACCEPTED_WIDTHS = (12, 30, 20, 8, 8, 40, 18)
READ_ONLY = "文件是只读的，未作改动；要写入校验结果，请先取消文件的只读属性"
_THIN = Side(style="thin", color="FF999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _locate(wb: Workbook, finding: Finding) -> tuple[str, str] | None:
    """The finding's cell in this workbook, (sheet, address): by defined name (so rows a
    clerk inserted do not matter), else by the address in the standard layout."""
    name = finding.defined_name
    dn = wb.defined_names.get(name) if name else None
    if dn is not None:
        for sheet, address in dn.destinations:
            if sheet in wb.sheetnames:
                return sheet, address.replace("$", "")
    if finding.cell:
        sheet, _, address = finding.cell.rpartition("!")
        if sheet in wb.sheetnames:
            return sheet, address
    return None


def clear_marks(wb: Workbook) -> None:
    """Remove this tool's previous 校验结果 sheet, fills and comments; nothing else."""
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ours = set(FILLS.values())
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
                if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb in ours:
                    cell.fill = PatternFill(fill_type=None)


def _results_sheet(wb: Workbook, result: ValidationReport,
                   places: list[tuple[str, str] | None]) -> None:
    ws = wb.create_sheet(RESULT_SHEET)
    ws.cell(1, 1, f"{RESULT_SHEET}：{result.summary()}").font = Font(bold=True)
    hint = ws.cell(1, len(HEADER), _VIEW.accepted_words["accept_hint"])  # above 核实说明
    hint.font, hint.alignment = Font(size=9, color="FF595959"), Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 36
    for c, (text, width) in enumerate(zip(HEADER, WIDTHS, strict=True), start=1):
        ws.cell(2, c, text).font = Font(bold=True)
        ws.column_dimensions[ws.cell(2, c).column_letter].width = width
    for i, (row, place) in enumerate(zip(result.rows(), places, strict=True), start=3):
        for c, value in enumerate(row.cells(), start=1):
            cell = ws.cell(i, c)
            if isinstance(value, str):
                set_text(cell, value)  # a message quoting "=…" from a report stays text
            else:
                cell.value = value
            cell.alignment = Alignment(vertical="top", wrap_text=c in (4, 5))  # 说明, 规则
        ws.cell(i, 2).fill = PatternFill("solid", fgColor=FILLS[row.severity])
        if place is not None:
            sheet, address = place
            link = ws.cell(i, 3)
            set_text(link, f"{sheet}!{address}")
            quoted = sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{address}")
            link.font = Font(color="0563C1", underline="single")
        else:
            set_text(ws.cell(i, 3), row.place or "")
        ws.row_dimensions[i].height = text_row_height(row.finding.message, WIDTHS[3])
        for c in range(1, len(HEADER) + 1):
            ws.cell(i, c).border = _BORDER
    for c in range(1, len(HEADER) + 1):
        ws.cell(2, c).fill = PatternFill("solid", fgColor="FFF2F2F2")
        ws.cell(2, c).border = _BORDER
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    print_setup(ws, RESULT_SHEET)
    wb.active = wb.sheetnames.index(RESULT_SHEET)
    for sheet in wb.worksheets:  # only one sheet may be selected when the file opens
        sheet.sheet_view.tabSelected = sheet.title == RESULT_SHEET


def accepted_sheet(wb: Workbook, result: ValidationReport) -> None:
    """The 已核实 sheet: one row per warning the clerk has accepted, with the reason and when
    it was first recorded (kept from the sheet it replaces); no sheet when there are none."""
    when: dict[str, object] = {}
    if ACCEPTED_SHEET in wb.sheetnames:
        for row in wb[ACCEPTED_SHEET].iter_rows(min_row=2, values_only=True):
            if row and row[0]:
                when[str(row[0])] = row[-1]
        del wb[ACCEPTED_SHEET]
    if not result.accepted:
        return
    ws = wb.create_sheet(ACCEPTED_SHEET)
    for c, (text, width) in enumerate(zip(_VIEW.accepted_columns, _ACCEPTED_WIDTHS, strict=True), start=1):
        ws.cell(1, c, text).font = Font(bold=True)
        ws.cell(1, c).fill = PatternFill("solid", fgColor="FFF2F2F2")
        ws.column_dimensions[ws.cell(1, c).column_letter].width = width
    for r, values in enumerate(accepted_rows(result, when), start=2):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            cell.alignment = Alignment(vertical="top", wrap_text=c in (2, 6))
            cell.border = _BORDER
    ws.freeze_panes = "A2"
    print_setup(ws, ACCEPTED_SHEET)


def annotate(wb: Workbook, result: ValidationReport) -> None:
    """Mark the findings in an open workbook (after removing this tool's previous marks), and
    record the warnings accepted (已核实)."""
    accepted_sheet(wb, result)
    clear_marks(wb)
    for mark in result.marks(lambda f: _locate(wb, f)):
        sheet, address = mark.place
        cell = wb[sheet][address]
        cell.fill = PatternFill("solid", fgColor=FILLS[mark.severity])
        if cell.comment is None:  # a comment of the clerk's own stays as it is
            cell.comment = Comment(mark.comment, AUTHOR, width=360, height=40 + 20 * len(mark.comment) // 24)
    _results_sheet(wb, result, [_locate(wb, f) for f in result.findings])


def annotate_workbook(path: str | Path, result: ValidationReport, marks: bool = True) -> Path | None:
    """Write the findings into a standard workbook file, through a temporary file replaced at
    once; the previous version is kept as 名称.bak.xlsx. Returns the backup's path. Without
    ``marks`` only the 已核实 sheet is written (``validate --accept`` without ``--annotate``)."""
    path = Path(path)
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        # replacing it through a temporary file would work, and override the clerk's "read-only"
        raise NianbaoError(READ_ONLY)
    data = read_input(path)  # a regular file within the size limit, or UnreadableInput
    open_package(data, str(path)).verify()  # sizes, ratio, encryption, DTDs: before openpyxl
    try:
        wb = load_workbook(io.BytesIO(data), keep_vba=path.suffix.lower() == ".xlsm")
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(path), "无法打开 Excel 文件：文件已损坏或不是标准工作簿") from None
    if marks:
        annotate(wb, result)
    else:
        accepted_sheet(wb, result)
    try:
        return save_atomically(path, wb.save)
    except PermissionError:
        raise NianbaoError(f"文件夹“{path.parent}”没有写入权限，未作改动") from None
    except OSError as exc:
        raise NianbaoError(f"保存失败（{os_reason(exc)}），原文件未作改动") from None
