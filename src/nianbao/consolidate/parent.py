"""A parent against its children (本级对比): the supervisor's own published report beside the
sum of its departments' reports, cell by cell over the 汇总 tables (二、三、四).

A district's (or city's) own report should cover at least what its departments received: the
rule ``parent.children_sum`` names, as data in the spec, the cells where a parent stating fewer
than its departments' sum is wrong; every other cell is compared and listed, not judged.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NianbaoError
from ..model import Report
from ..spec import Spec, Table
from ..validate.findings import Finding, cell_name, format_number, json_number
from ..workbook import table_layout
from .reading import read_one
from .totals import CellTotal

__all__ = ["PARENT_RULE", "ParentCell", "ParentComparison", "UnreadableParent", "compare_parent",
           "judged_cells", "read_parent"]

PARENT_RULE = "parent.children_sum"
Number = int | float


class UnreadableParent(NianbaoError):
    """The parent's own report (--parent) cannot be read: nothing is consolidated or written."""


@dataclass(frozen=True)
class ParentCell:
    """One 汇总 cell: the parent's value beside the departments' sum."""

    table: str
    row: str
    column: str
    title: str  # the table's title (三、收到和处理政府信息公开申请情况)
    label: str  # the cell as messages name it (第一项本年新收…（自然人）)
    parent: Number | None
    children: Number | None
    judged: bool  # a cell of the rule: the parent must not state fewer
    finding: Finding | None = None  # the rule broken here

    @property
    def difference(self) -> Number | None:
        """本级 - 各单位合计 (a blank counts as 0); blank when both are blank."""
        if self.parent is None and self.children is None:
            return None
        return json_number((self.parent or 0) - (self.children or 0))


@dataclass
class ParentComparison:
    """The parent's report against the consolidation (``Consolidation.parent``)."""

    path: Path
    report: Report
    cells: list[ParentCell] = field(default_factory=list)  # compared, in the 汇总's order
    skipped: list[CellTotal] = field(default_factory=list)  # 汇总 cells the parent's report lacks
    # Why nothing was compared (another year, a 统计表, no 汇总 tables); None when compared
    not_compared: str | None = None
    # Inputs left out of the departments: the parent's own file, or its report in another file
    left_out: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def agency(self) -> str:
        return self.report.meta.agency or self.path.name

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(c.finding for c in self.cells if c.finding is not None)

    @property
    def fewer(self) -> int:
        """How many judged cells state fewer than the departments' sum."""
        return len(self.findings)

    def headline(self, sheet: str) -> str:
        """The comparison in one line: 与本级年报对比：3 处本级少于各单位合计（见“本级对比”表）."""
        if self.not_compared:
            return f"与本级年报对比：未对比（{self.not_compared}）"
        if self.fewer:
            return f"与本级年报对比：{self.fewer} 处本级少于各单位合计（见“{sheet}”表）"
        judged = sum(1 for c in self.cells if c.judged)
        return f"与本级年报对比：对比 {len(self.cells)} 项，须不少于各单位合计的 {judged} 项均不少于"


def read_parent(path: str | Path, spec: Spec) -> Report:
    """The parent's report, read by the library's reader (any file ``convert`` reads, or a
    standard workbook); ``UnreadableParent`` naming the file and the reason when it cannot be."""
    path = Path(path)
    if not path.exists():
        raise UnreadableParent(f"{path}：无法读取本级年报（文件不存在），未作汇总")
    if not path.is_file():
        raise UnreadableParent(f"{path}：无法读取本级年报（不是普通文件，请给出本级年报文件），未作汇总")
    read = read_one(path)
    if read.report is None:
        raise UnreadableParent(f"{path}：无法读取本级年报（{read.reason}），未作汇总")
    return read.report


def judged_cells(spec: Spec) -> tuple[tuple[str, str, str], ...]:
    """The rule's cells as patterns (table, row, column); ``*`` stands for any key."""
    patterns = spec.rule(PARENT_RULE).params["cells"]
    found = []
    for pattern in patterns:
        table, row, column = pattern.split(".")
        found.append((table, row, column))
    return tuple(found)


def _judged(cell: tuple[str, str, str], patterns: Sequence[tuple[str, str, str]]) -> bool:
    return any(all(fnmatch.fnmatchcase(key, part) for key, part in zip(cell, p, strict=True))
               for p in patterns)


def _has_cell(table: Table | None, row: str, column: str) -> bool:
    return table is not None and table.has_row(row) and column in table.row(row).columns


def compare_parent(path: Path, report: Report, totals: Sequence[CellTotal], year: int | None,
                   edition: str | None, spec: Spec) -> ParentComparison:
    """Compare the parent's report with the 汇总 cells (``totals``, of ``edition`` and
    ``year``): every cell the parent's edition has, a finding where a judged cell states
    fewer than the departments' sum (a blank counts as 0)."""
    result = ParentComparison(path, report)
    own = report.meta
    if not totals and edition is None and year is None:
        result.not_compared = "没有汇总任何单位的报告"
        return result
    if edition is None or edition == "legacy":
        result.not_compared = "本次汇总的报告均为2018年及以前的统计表，没有可对比的表格"
        return result
    if own.year is not None and year is not None and own.year != year:
        result.not_compared = f"本级年报为{own.year}年度，本次汇总为{year}年度"
        return result
    if (own.edition or "") == "legacy":
        result.not_compared = "本级年报为2018年及以前的统计表，没有表格二、三、四"
        return result
    rule = spec.rule(PARENT_RULE)
    patterns = judged_cells(spec)
    summed = spec.edition(edition)
    parent_edition = report.edition_spec(spec)
    for total in totals:
        key = (total.table, total.row, total.column)
        table = parent_edition.tables.get(total.table)
        if total.table not in report.tables or not _has_cell(table, total.row, total.column):
            result.skipped.append(total)
            continue
        assert table is not None
        value = report.tables[total.table][total.row][total.column].value
        label = cell_name(summed.table(total.table), total.row, total.column)
        judged = _judged(key, patterns)
        cell = ParentCell(*key, summed.table(total.table).title, label, json_number(value),
                          json_number(total.value), judged)
        if judged and (cell.parent or 0) < (cell.children or 0):
            shortfall = json_number((cell.children or 0) - (cell.parent or 0))
            message = rule.render(where=label, actual=format_number(cell.parent),
                                  expected=format_number(cell.children), shortfall=shortfall)
            place = table_layout(table).reference(total.row, total.column)
            cell = ParentCell(*key, cell.title, label, cell.parent, cell.children, True,
                              Finding(rule.id, rule.severity, total.table, total.row, total.column, place,
                                      cell.children, cell.parent, message))
        result.cells.append(cell)
    return result
