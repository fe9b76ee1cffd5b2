"""Reading a report for validation: values only, as fast as the 150 ms budget asks."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..api import _is_workbook, read_report
from ..errors import UnreadableInput
from ..model import Report
from ..spec import Spec, load_spec
from ..workbook import report_from_workbook

__all__ = ["is_workbook", "read_for_validation"]


def _values_workbook(path: Path, skip: set[str]) -> Workbook:
    """The workbook's values and defined names in a plain in-memory workbook. Loading the file
    read-only skips styles and merged ranges, which take most of a normal load."""
    try:
        source = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(path), f"无法打开 Excel 文件（{type(exc).__name__}）") from None
    try:
        wb = Workbook()
        wb.remove(wb.active)
        for sheet in source.worksheets:
            ws = wb.create_sheet(sheet.title)
            if sheet.title in skip:
                continue
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        ws.cell(r, c, value)
        for name, dn in source.defined_names.items():
            wb.defined_names[name] = dn
    finally:
        source.close()
    return wb


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is an Excel workbook (by content, as ``read_report`` decides)."""
    return _is_workbook(path)


def read_for_validation(path: str | Path, spec: Spec | None = None) -> Report:
    """A report from any source ``convert`` reads; a standard workbook is read without its
    hidden 来源 sheet (where each value came from), which validation does not need."""
    spec = spec or load_spec()
    path = Path(path)
    if not is_workbook(path):
        return read_report(path)
    wb = _values_workbook(path, {spec.sheets["provenance"]})
    return report_from_workbook(wb, path.name, spec)
