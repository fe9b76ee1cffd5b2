"""Findings as data: one per broken rule and cell, collected in one ValidationReport.

This module does not import pandas: the workbook annotation and the add-in read findings
without paying for the validator's start-up.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..spec import Rule, Spec, Table, load_spec

__all__ = ["PLACE_COLUMN", "CellMark", "Finding", "FindingRow", "ValidationReport", "cell_name",
           "format_number", "json_number", "legacy_name"]

Value = int | float | str | None
Place = TypeVar("Place", bound=Hashable)
PLACE_COLUMN = 2  # 位置: where FindingRow.cells puts the cell (0-based)
_SEVERITY_ORDER = {"error": 0, "warning": 1}
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class Finding:
    """A rule broken at one cell: where, what was expected, what is there, and why (in Chinese)."""

    rule: str
    severity: str  # error | warning
    table: str
    row: str | None
    column: str | None
    cell: str | None  # 三、依申请公开!D27, from the layout the writer uses
    expected: Value
    actual: Value
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def id(self) -> str:
        """The finding's id: ten hex digits of its rule, its place and its values, so the same
        while those are (a clerk's 已核实 holds until a number changes)."""
        place = self.cell or self.defined_name or self.table
        key = json.dumps([self.rule, place, self.expected, self.actual], ensure_ascii=False, default=str)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]

    @property
    def defined_name(self) -> str | None:
        """The workbook's name of the cell (``requests.total_processed.total``), if it has one."""
        if self.table == "meta":
            return "meta.edition"
        if self.row is None:
            return None
        if self.table == "legacy":
            return f"legacy.{self.row}"
        if self.table == "narrative":  # a text check's finding: the section's 文字内容 cell
            return f"narrative.{self.row}"
        return f"{self.table}.{self.row}.{self.column}"

    def to_json(self) -> dict[str, Any]:
        """The finding as SPEC.md writes it."""
        return {
            "rule": self.rule, "severity": self.severity, "table": self.table, "row": self.row,
            "column": self.column, "cell": self.cell, "expected": self.expected,
            "actual": self.actual, "message": self.message, "id": self.id,
        }


@dataclass(frozen=True)
class ValidationReport:
    """Everything validation found in one report: what the CLI, the 校验结果 sheet, the add-in
    and the tests consume."""

    findings: tuple[Finding, ...] = ()
    source: str | None = None
    # warnings the clerk has checked (已核实), with the reason: not in ``findings``
    accepted: tuple[tuple[Finding, str], ...] = ()
    counts: dict[str, int] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        by_severity = Counter(f.severity for f in self.findings)
        counts = {"errors": by_severity["error"], "warnings": by_severity["warning"]}
        object.__setattr__(self, "counts", counts)

    @property
    def valid(self) -> bool:
        """True when no finding is an error (warnings do not make a report invalid)."""
        return self.counts["errors"] == 0

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.is_error)

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        """The findings of one rule."""
        return tuple(f for f in self.findings if f.rule == rule_id)

    def to_json(self) -> dict[str, Any]:
        """``{"valid": …, "findings": […]}`` as SPEC.md writes it; ``accepted`` (each finding
        with the clerk's ``reason``) when warnings were marked 已核实."""
        data: dict[str, Any] = {"valid": self.valid, "findings": [f.to_json() for f in self.findings]}
        if self.accepted:
            data["accepted"] = [{**f.to_json(), "reason": reason} for f, reason in self.accepted]
        return data

    def count_text(self, spec: Spec | None = None) -> str:
        """The count: 2 个错误，1 个警告."""
        label = (spec or load_spec()).severity_label
        return f"{self.counts['errors']} 个{label('error')}，{self.counts['warnings']} 个{label('warning')}"

    def summary(self, spec: Spec | None = None) -> str:
        """The one-line count: 共 2 个错误，1 个警告, or 未发现问题; and how many warnings the
        clerk has marked 已核实."""
        spec = spec or load_spec()
        return (f"共 {self.count_text(spec)}" if self.findings else "未发现问题") + self.accepted_note(spec)

    def accepted_note(self, spec: Spec | None = None) -> str:
        """（另有 2 个警告已核实）, or nothing."""
        if not self.accepted:
            return ""
        return (spec or load_spec()).findings.accepted_words["accepted_note"].format(n=len(self.accepted))

    def rows(self, spec: Spec | None = None) -> tuple[FindingRow, ...]:
        """One row per finding, as every presenter lists them (序号, 级别, 位置, 说明, 规则, 应为, 实际)."""
        spec = spec or load_spec()
        titles = {r.id: r.title for r in spec.all_rules}
        return tuple(
            FindingRow(n, f, spec.severity_label(f.severity), titles.get(f.rule, ""))
            for n, f in enumerate(self.findings, start=1))

    def marks(self, locate: Callable[[Finding], Place | None],
              spec: Spec | None = None) -> tuple[CellMark[Place], ...]:
        """The failing cells to mark, each once: ``locate`` finds a finding's cell in the
        presenter's workbook (None: nowhere to mark); a cell's severity is its worst finding's,
        its comment lists them all."""
        spec = spec or load_spec()
        by_place: dict[Place, list[Finding]] = {}
        for finding in self.findings:
            place = locate(finding)
            if place is not None:
                by_place.setdefault(place, []).append(finding)
        return tuple(CellMark(place, "error" if any(f.is_error for f in found) else "warning",
                              "\n".join(f"【{spec.severity_label(f.severity)}】{f.message}" for f in found),
                              tuple(found))
                     for place, found in by_place.items())


@dataclass(frozen=True)
class FindingRow:
    """A finding as a row of a findings list: the 校验结果 sheet, the consolidated 校验 sheet,
    the add-in and the command line all show these."""

    number: int  # 序号, from 1
    finding: Finding
    level: str  # 级别: 错误 or 警告
    title: str  # what the rule checks (规则说明)

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def place(self) -> str | None:
        """位置: the cell in the standard layout (三、依申请公开!D27)."""
        return self.finding.cell

    def cells(self, place: Any = None) -> tuple[Any, ...]:
        """序号, 级别, 位置, 说明, 规则, 应为, 实际, 编号, 核实说明 (the spec's [findings] columns,
        the last left for the clerk); ``place`` stands for the cell when the presenter links it.
        规则 is the rule's Chinese title (its id where the rule has none)."""
        f = self.finding
        return (self.number, self.level, place, f.message, self.title or f.rule, f.expected, f.actual,
                f.id, None)

    def text(self) -> str:
        """The line the command line prints: 错误  三、依申请公开!D27  message; a warning ends
        with its id (编号), which ``validate --accept`` takes."""
        line = f"{self.level}  {self.place or '—'}  {self.finding.message}"
        return line if self.finding.is_error else f"{line}  （编号 {self.finding.id}）"


@dataclass(frozen=True)
class CellMark(Generic[Place]):
    """A failing cell to mark: filled by its worst severity, commented with every finding there."""

    place: Place
    severity: str  # error | warning: the worst of its findings
    comment: str  # one line per finding: 【错误】message
    findings: tuple[Finding, ...]


def sort_findings(findings: Iterable[Finding], spec: Spec) -> tuple[Finding, ...]:
    """Errors first, then in the order the spec declares its rules; a rule's own findings
    keep the order of the table."""
    order = {r.id: i for i, r in enumerate(spec.rules)}
    return tuple(sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], order[f.rule])))


def json_number(value: Any) -> int | float | None:
    """A number as findings carry it: None for blank, int when whole, else a rounded float."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if value.is_integer():
        return int(value)
    return round(value, 6)


def format_number(value: Any) -> str:
    """A number as a message shows it: 14, 26.8, or 空白."""
    number = json_number(value)
    return load_spec().findings.blank if number is None else str(number)


def _row_name(table: Table, row_key: str) -> str:
    path = table.row(row_key).path
    if len(path) <= 1:
        return path[0] if path else ""
    head = path[0]
    numbered = head.split("、", 1)[0]
    words = load_spec().numbering
    if numbered and all(ch in words.digits + words.ten for ch in numbered):
        head = f"第{numbered}项"
    return head + "".join(path[1:])


def _column_name(table: Table, column_key: str) -> str:
    """The shortest ending of the column's header path that no other column shares."""
    path = table.column(column_key).path
    others = [c.path for c in table.columns if c.key != column_key]
    for n in range(1, len(path) + 1):
        if all(tuple(o[-n:]) != tuple(path[-n:]) for o in others):
            return "".join(path[-n:])
    return "".join(path)


def cell_name(table: Table, row_key: str, column_key: str) -> str:
    """How a message names a cell: 第三项（七）总计（自然人）, 规章（本年制发件数）, 行政复议总计."""
    row = _row_name(table, row_key)
    column = _column_name(table, column_key)
    return f"{row}（{column}）" if row else column


def legacy_name(code: str, label: str) -> str:
    """How a message names a 统计表 row: “申请答复数”（3.3）; a note in brackets at the end of
    the label ("（不同渠道和方式公开相同信息计1条）") is left out."""
    short = _TRAILING_NOTE.sub("", label)
    return f"“{short or label}”（{code}）"


def render(rule: Rule, **values: Any) -> str:
    """The rule's message template filled in."""
    return rule.render(**values)
