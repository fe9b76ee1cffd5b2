"""The workbook a report is published from: a standard workbook (the one workbook reader), or a
consolidated workbook (``nianbao consolidate``), whose 汇总 sheet holds tables 二、三、四 of one
edition, every cell named ``sum.<table>.<row>.<column>``, under the title ``2024年度…汇总表``."""

from __future__ import annotations

import re
from pathlib import Path

from ..consolidate.sheets import summary_name
from ..errors import UnreadableInput
from ..files import is_workbook
from ..model import Meta, Report
from ..spec import Spec, load_spec
from ..workbook import read_workbook, report_from_cells
from ..workbook.cells import Cells
from ..workbook.read import Formulas

__all__ = ["NOT_A_WORKBOOK", "is_consolidated", "read_consolidated", "read_for_publishing",
           "report_for_publishing"]

NOT_A_WORKBOOK = "不是标准年报工作簿或汇总工作簿，无法生成报告（请先用“nianbao convert”转换为标准工作簿）"
_SUM = "sum."


def is_consolidated(cells: Cells) -> bool:
    """A consolidated workbook: cells named ``sum.…`` and no 基本信息 of a standard workbook."""
    return "meta.edition" not in cells.names and any(n.startswith(_SUM) for n in cells.names)


def _edition(cells: Cells, spec: Spec) -> str | None:
    """The edition whose every form cell has its ``sum.`` name (the consolidation's edition)."""
    for key, edition in spec.editions.items():
        tables = [t for t in edition.tables.values() if t.layout != "indicators"]
        if tables and all(summary_name(t.key, row.key, column.key) in cells.names
                          for t in tables for row, column in t.cells()):
            return key
    return None


def read_consolidated(cells: Cells, where: str, spec: Spec | None = None) -> Report:
    """The 汇总 sheet's sums as a Report of the consolidation's edition (no agency, no text)."""
    spec = spec or load_spec()
    edition = _edition(cells, spec)
    if edition is None:
        raise UnreadableInput(where, NOT_A_WORKBOOK)
    title = cells.value(spec.consolidated.sheets["summary"], 1, 1)
    year = re.search(spec.document_patterns["title_year_pattern"], str(title or ""))
    meta = Meta(year=int(year.group(1)) if year else None, edition=edition, source=where)
    report = Report.blank(meta, spec)
    for table, rows in report.tables.items():
        for row, columns in rows.items():
            for column, cell in columns.items():
                ref = cells.names[summary_name(table, row, column)]
                cell.where = f"{ref.sheet}!{ref.address}"
                value = cells.named(summary_name(table, row, column))
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.value = value
                    cell.raw = str(value)
                elif value is not None:
                    cell.raw = str(value)
    return report


def report_for_publishing(cells: Cells, where: str, spec: Spec | None = None,
                          formulas: Formulas | None = None) -> Report:
    """The report in a workbook's cells (a file's, or those Excel hands the add-in): a standard
    workbook's, or a consolidated workbook's sums; UnreadableInput for anything else."""
    if is_consolidated(cells):
        return read_consolidated(cells, where, spec)
    if "meta.edition" not in cells.names:
        raise UnreadableInput(where, NOT_A_WORKBOOK)
    return report_from_cells(cells, where, spec, formulas=formulas)


def read_for_publishing(path: str | Path, spec: Spec | None = None) -> Report:
    """The report in a standard workbook, or the sums of a consolidated one; UnreadableInput
    for anything else. The file is opened once, by the one workbook reader."""
    path = Path(path)
    if path.is_file() and not is_workbook(path):
        raise UnreadableInput(str(path), NOT_A_WORKBOOK)
    return read_workbook(path, spec, provenance=False, reader=report_for_publishing)
