"""The spec's rules as pandera checks, and failures turned back into findings.

A rule's ``kind`` picks a class here; the class knows which frame the rule runs on, how to
test it for every row at once (``holds``: a boolean Series, True where the rule holds), and
how to explain a failing row (``explain``: expected and actual recomputed from the frame).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..model import LegacyRow, Report
from ..spec import Rule, Spec, Table
from ..workbook.layout import legacy_reference, table_layout
from . import text
from .findings import (
    Finding,
    cell_name,
    format_number,
    json_number,
    legacy_name,
    render,
)

__all__ = ["KINDS", "Context", "RuleCheck", "frame_schema", "rule_checks"]

_EPS = 1e-6
_MAX_NAMED_BLANKS = 3


@dataclass(frozen=True)
class Context:
    """What explaining a failure needs besides the frame: the spec and the reports."""

    spec: Spec
    reports: Sequence[Report]

    def table(self, report: int, key: str) -> Table:
        return self.spec.edition_of(self.reports[report].meta.edition).table(key)

    def legacy_row(self, report: int, position: int) -> LegacyRow:
        legacy = self.reports[report].legacy
        assert legacy is not None  # a legacy finding is about a report with a 统计表
        return legacy[position]

    def legacy_label(self, report: int, position: int) -> str:
        return self.legacy_row(report, position).label


class RuleCheck(ABC):
    """One rule of the spec, executable on its frame (each kind of rule implements it)."""

    _frame = ""  # the frame the rule runs on, for the kinds whose frame does not depend on the rule
    keys: tuple[str, ...] = ()  # the key columns of a frame of the rule's own

    @property
    def frame(self) -> str:
        """The name of the frame this rule runs on."""
        return self._frame

    def __init__(self, rule: Rule, spec: Spec) -> None:
        self.rule = rule
        self.spec = spec
        self.params = rule.params

    @abstractmethod
    def holds(self, df: pd.DataFrame) -> pd.Series:
        """True for each frame row where the rule holds."""

    @abstractmethod
    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        """The findings, with expected and actual recomputed, for the rows that fail."""

    def pandera_check(self) -> pa.Check:
        """The pandera check, named by the rule id so failure cases say which rule failed."""
        return pa.Check(self.holds, name=self.rule.id)

    def in_editions(self, df: pd.DataFrame) -> np.ndarray:
        if not self.rule.editions:
            return np.ones(len(df), dtype=bool)
        return np.isin(_a(df, "edition"), list(self.rule.editions))

    def finding(self, table: str, row: str | None, column: str | None, cell: str | None,
                expected: int | float | str | None, actual: int | float | str | None,
                message: str) -> Finding:
        return Finding(self.rule.id, self.rule.severity, table, row, column, cell,
                       expected, actual, message)


def _a(df: pd.DataFrame, column: str) -> np.ndarray:
    """A column as a numpy array: the checks compute in numpy, pandas per operation is slow."""
    return df[column].to_numpy()


def _zero(df: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column with blanks (NaN) as 0, as the arithmetic rules count them."""
    return np.nan_to_num(df[column].to_numpy(dtype=float))


def _answer(df: pd.DataFrame, holds: np.ndarray) -> pd.Series:
    return pd.Series(holds, index=df.index)


def _sum(df: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Row sums over ``keys``; a blank (NaN) counts as 0."""
    return np.nansum(np.column_stack([df[k].to_numpy(dtype=float) for k in keys]), axis=1)


def _blank_note(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) <= _MAX_NAMED_BLANKS:
        return f"（空白按0计：{'、'.join(names)}）"
    return f"（{len(names)}格空白，按0计）"


class _Balance(RuleCheck):
    """``Σ lhs = Σ rhs``; the finding stands at ``target`` with the value that would balance."""

    axis = ""  # the frame's key column that is not a rule key: "column" or "row"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        diff = _sum(df, self.params["lhs"]) - _sum(df, self.params["rhs"])
        return _answer(df, (np.abs(diff) < _EPS) | ~self.in_editions(df))

    def _cell(self, table: Table, key: str, other: str) -> tuple[str, str]:
        return (key, other) if self.axis == "column" else (other, key)

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        lhs, rhs, target = self.params["lhs"], self.params["rhs"], self.params["target"]
        same, other = (lhs, rhs) if target in lhs else (rhs, lhs)
        for item in _records(failing):
            report = int(item["report"])
            table = ctx.table(report, self.rule.table)
            fixed = item[self.axis]
            # the form's rows and the off-form rows the report printed (（六）其他处理 as one row)
            present = (set(ctx.reports[report].tables[self.rule.table]) if self.axis == "column"
                       else {c.key for c in table.columns})
            expected = sum(np.nan_to_num(item[k]) for k in other if k in present) - sum(
                np.nan_to_num(item[k]) for k in same if k != target and k in present)
            blanks = [cell_name(table, *self._cell(table, k, fixed))
                      for k in (*lhs, *rhs) if k != target and k in present and pd.isna(item[k])]
            row, column = self._cell(table, target, fixed)
            message = render(self.rule, where=cell_name(table, row, column),
                             expected=format_number(expected), actual=format_number(item[target]),
                             note=_blank_note(blanks))
            yield report, self.finding(self.rule.table, row, column,
                                       table_layout(table).reference(row, column),
                                       json_number(expected), json_number(item[target]), message)


class RowsEqual(_Balance):
    """Rows of one column add up (requests: 第一项加第二项之和 …)."""

    axis = "column"

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.by_column"


class ColumnsEqual(_Balance):
    """Columns of one row add up (总计 = Σ 申请人)."""

    axis = "row"

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.by_row"


class ColumnsLe(RuleCheck):
    """``Σ lhs ≤ Σ rhs`` in each row; the finding stands at the first lhs column."""

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.by_row"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        fits = _sum(df, self.params["lhs"]) <= _sum(df, self.params["rhs"]) + _EPS
        return _answer(df, fits | ~self.in_editions(df))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        column = self.params["lhs"][0]
        for item in _records(failing):
            report, row = int(item["report"]), item["row"]
            table = ctx.table(report, self.rule.table)
            limit = sum(np.nan_to_num(item[k]) for k in self.params["rhs"])
            actual = sum(np.nan_to_num(item[k]) for k in self.params["lhs"])
            message = render(self.rule, where=cell_name(table, row, column),
                             expected=format_number(limit), actual=format_number(actual))
            yield report, self.finding(self.rule.table, row, column,
                                       table_layout(table).reference(row, column),
                                       json_number(limit), json_number(actual), message)


class OffFormRow(RuleCheck):
    """A report prints a row its edition's form does not have (the row exists in the frame only
    then): the finding stands at the row's ``column`` and says what is unknown."""

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.by_row"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, (_a(df, "row") != self.params["row"]) | ~self.in_editions(df))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        row, column = self.params["row"], self.params["column"]
        for item in _records(failing):
            report = int(item["report"])
            table = ctx.table(report, self.rule.table)
            message = render(self.rule, where=cell_name(table, row, column),
                             actual=format_number(item[column]))
            yield report, self.finding(self.rule.table, row, column,
                                       table_layout(table).reference(row, column),
                                       None, json_number(item[column]), message)


class _CellRule(RuleCheck):
    """A rule on each value cell by itself (the long ``cells`` frame)."""

    _frame = "cells"

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        legacy = ctx.spec.edition("legacy").table("legacy")
        for item in _records(failing):
            report, row, column = int(item["report"]), item["row"], item["column"]
            if item["table"] == "legacy":
                label = ctx.legacy_label(report, int(item["position"]))
                where, cell = legacy_name(row, label), legacy_reference(legacy, int(item["position"]))
            else:
                table = ctx.table(report, item["table"])
                where, cell = cell_name(table, row, column), table_layout(table).reference(row, column)
            shown, actual = self.actual(item)
            message = render(self.rule, where=where, actual=shown)
            yield report, self.finding(item["table"], row, column, cell, None, actual, message)

    def actual(self, item: dict) -> tuple[str, int | float | str | None]:
        """What the cell holds: as the message shows it, and as the finding carries it."""
        return format_number(item["value"]), json_number(item["value"])


class NotANumber(_CellRule):
    """A count cell holding text (待核实, "1 2"): blank in the data, its text kept and named."""

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, pd.isna(_a(df, "text")))

    def actual(self, item: dict) -> tuple[str, int | float | str | None]:
        return item["text"], item["text"]


class LabelMisprint(_CellRule):
    """A row whose printed label is a misprint of the form's (read as that row): named once,
    at the row's first cell, with the label as printed."""

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, pd.isna(_a(df, "printed_label")))

    def actual(self, item: dict) -> tuple[str, int | float | str | None]:
        return item["printed_label"], item["printed_label"]


class NonNegative(_CellRule):
    def holds(self, df: pd.DataFrame) -> pd.Series:
        exempt = np.isin(_a(df, "column"), list(self.params.get("except_columns", ())))
        value = _a(df, "value")
        return _answer(df, (_a(df, "table") != self.rule.table) | exempt | ~(value < 0))


class Integer(_CellRule):
    def holds(self, df: pd.DataFrame) -> pd.Series:
        value = _a(df, "value")
        broken = np.abs(value - np.round(value)) > _EPS  # False for NaN (blank)
        return _answer(df, (_a(df, "table") != self.rule.table) | _a(df, "money") | ~broken)


# --- the 统计表 --------------------------------------------------------------------------------

class _Family:
    """The 统计表 rows of the failing reports, found by code and by parent without scanning."""

    _COLUMNS = ("report", "code", "label", "value", "among", "sum_total", "children_filled")

    def __init__(self, df: pd.DataFrame, failing: pd.DataFrame) -> None:
        mine = df[np.isin(_a(df, "report"), _a(failing, "report"))]
        self._columns = {c: mine[c].tolist() for c in self._COLUMNS}
        self._children: dict[tuple[int, str], list[int]] = {}
        self._at: dict[tuple[int, str], int] = {}
        for i, (report, code, parent) in enumerate(zip(self._columns["report"], self._columns["code"],
                                                       mine["parent"].tolist(), strict=True)):
            self._children.setdefault((report, parent), []).append(i)
            self._at.setdefault((report, code), i)

    def _row(self, i: int) -> dict:
        return {c: values[i] for c, values in self._columns.items()}

    def children(self, report: int, code: str) -> list[dict]:
        return [self._row(i) for i in self._children.get((report, code), [])]

    def row(self, report: int, code: str) -> dict:
        return self._row(self._at[(report, code)])


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows of a frame as dicts (much faster than ``iterrows``)."""
    return df.to_dict("records")


class _LegacyRule(RuleCheck):
    _frame = "legacy"

    def cell(self, ctx: Context, position: int) -> str:
        return legacy_reference(ctx.spec.edition("legacy").table("legacy"), position)

    def finding_at(self, ctx: Context, item: dict, expected: object, message: str) -> Finding:
        return self.finding("legacy", item["code"], "value", self.cell(ctx, int(item["position"])),
                            json_number(expected) if expected is not None else None,
                            json_number(item["value"]), message)


class LegacyChildren(_LegacyRule):
    """A sum parent equals the sum of its children; other 其中 lines are at most their parent."""

    @staticmethod
    def _sum_broken(df: pd.DataFrame) -> np.ndarray:
        # comparisons with NaN are False: a blank parent is parent_blank's business
        return ((_a(df, "kind") == "sum") & (_a(df, "sum_n") > 0)
                & (np.abs(_a(df, "value") - _a(df, "sum_total")) > _EPS))

    @staticmethod
    def _part_broken(df: pd.DataFrame) -> np.ndarray:
        return (_a(df, "among") & ~_a(df, "summed")
                & (_a(df, "value") > _a(df, "parent_value") + _EPS))

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, ~(self._sum_broken(df) | self._part_broken(df)))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        family = _Family(df, failing)
        for is_sum, item in zip(self._sum_broken(failing), _records(failing), strict=True):
            report = int(item["report"])
            where = legacy_name(item["code"], item["label"])
            if is_sum:
                yield report, self.finding_at(ctx, item, item["sum_total"], render(
                    self.rule, where=where, expected=format_number(item["sum_total"]),
                    actual=format_number(item["value"]), note=self._note(family, item)))
            else:
                parent = family.row(report, item["parent"])
                message = self.params["message_part"].format(
                    where=where, actual=format_number(item["value"]),
                    parent=legacy_name(parent["code"], parent["label"]),
                    expected=format_number(item["parent_value"]))
                yield report, self.finding_at(ctx, item, item["parent_value"], message)

    @staticmethod
    def _note(family: _Family, item: dict) -> str:
        """Which children were blank, and which blank child has children of its own that add up
        to something (the likely fix)."""
        summed = [c for c in family.children(int(item["report"]), item["code"])
                  if c["among"] == (item["numbered_n"] == 0)]
        blank = [c for c in summed if np.isnan(c["value"])]
        note = _blank_note([legacy_name(c["code"], c["label"]) for c in blank])
        hints = [f"{legacy_name(c['code'], c['label'])}空白，但其子项合计为{format_number(c['sum_total'])}"
                 for c in blank if c["children_filled"] > 0]
        if hints:
            note += "；" + "；".join(hints)
        return note


class LegacyParentBlank(_LegacyRule):
    """A parent left blank while its children hold numbers (section headings 一、二、… aside)."""

    def holds(self, df: pd.DataFrame) -> pd.Series:
        blank = np.isnan(_a(df, "value"))
        return _answer(df, ~(blank & (_a(df, "children_filled") > 0) & ~_a(df, "heading")))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        family = _Family(df, failing)
        for item in _records(failing):
            report = int(item["report"])
            listed = "、".join(f"{legacy_name(c['code'], c['label'])}{format_number(c['value'])}"
                              for c in family.children(report, item["code"]) if not np.isnan(c["value"]))
            is_sum = item["kind"] == "sum"
            expected = item["sum_total"] if is_sum else None
            message = render(self.rule, where=legacy_name(item["code"], item["label"]),
                             children=listed,
                             sum=f"，按子项之和应为{format_number(expected)}" if is_sum else "")
            yield report, self.finding_at(ctx, item, expected, message)


class LegacyHeadingValue(_LegacyRule):
    """A section heading (一、主动公开情况) carries the number its first indicator should."""

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, ~(_a(df, "heading") & ~np.isnan(_a(df, "value")) & _a(df, "first_child_has_unit")
                             & np.isnan(_a(df, "first_child_value"))))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        for item in _records(failing):
            report = int(item["report"])
            child = ctx.legacy_row(report, int(item["first_child_position"]))
            message = render(self.rule, where=legacy_name(item["code"], item["label"]),
                             actual=format_number(item["value"]),
                             child=legacy_name(child.code, child.label))
            yield report, self.finding_at(ctx, item, None, message)


# --- metadata, text, two years ---------------------------------------------------------------

class EditionYear(RuleCheck):
    _frame = "meta"

    def _range(self, df: pd.DataFrame, attr: str) -> pd.Series:
        return df["edition"].map({k: getattr(e, attr) for k, e in self.spec.editions.items()})

    def holds(self, df: pd.DataFrame) -> pd.Series:
        first, last = self._range(df, "first_year"), self._range(df, "last_year")
        fits = (df["year"] >= first) & (df["year"] <= last)
        return df["year"].isna() | first.isna() | fits

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        for item in _records(failing):
            year, actual = int(item["year"]), self.spec.edition(item["edition"])
            expected = next((e for e in self.spec.editions.values() if e.fits_year(year)), None)
            message = render(self.rule, year=year, actual_label=actual.label,
                             expected_label=expected.label if expected else self.spec.findings.blank)
            yield int(item["report"]), self.finding(
                "meta", None, None, None, expected.key if expected else None, actual.key, message)


class NarrativeMatches(RuleCheck):
    """A number stated in the text agrees with the table: with the cell (or cells) it names, or
    with one of the other readings the statement has (收到申请N件: 新收, or 新收 + 上年结转)."""

    _frame = "statements"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        stated = _a(df, "stated").astype(float)
        agrees = np.abs(stated - np.nan_to_num(_a(df, "actual").astype(float))) < _EPS
        for alt in ("alt1", "alt2"):
            agrees |= np.abs(stated - _a(df, alt).astype(float)) < _EPS  # False for NaN
        return _answer(df, agrees)

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        failing = failing.drop_duplicates(["report", "table", "row", "column", "stated", "phrase"])
        legacy = ctx.spec.edition("legacy").table("legacy")
        for item in _records(failing):
            report, table_key, row, column = int(item["report"]), item["table"], item["row"], item["column"]
            if table_key == "legacy":
                label = ctx.legacy_label(report, int(item["position"]))
                where, cell = legacy_name(row, label), legacy_reference(legacy, int(item["position"]))
            else:
                table = ctx.table(report, table_key)
                where, cell = cell_name(table, row, column), table_layout(table).reference(row, column)
            message = render(self.rule, section=ctx.spec.section(item["section"]).label,
                             phrase=item["phrase"], where=where, actual=format_number(item["actual"]))
            yield report, self.finding(table_key, row, column, cell, json_number(item["stated"]),
                                       json_number(item["actual"]), message)


def _text_cell(spec: Spec, section: str) -> str | None:
    """The 文字内容 cell of a text section (where the template puts it), None for a table's."""
    keys = [s.key for s in spec.sections if s.kind == "text"]
    if section not in keys:
        return None
    return f"{spec.sheets['narrative']}!B{keys.index(section) + 1}"


class _TextRule(RuleCheck):
    """A rule on the report's text: its findings stand at a section (row = the section key)."""

    def finding_at(self, ctx: Context, section: str, expected: int | float | str | None,
                   actual: int | float | str | None, message: str) -> Finding:
        return self.finding(self.rule.table, section, None, _text_cell(ctx.spec, section),
                            expected, actual, message)


class Sections(_TextRule):
    """The form's sections are all there, in order, numbered 一…六; 五 says something."""

    _frame = "sections"
    keys = ("report", "edition", "section")

    def holds(self, df: pd.DataFrame) -> pd.Series:
        ok = (_a(df, "present") & _a(df, "in_order") & (_a(df, "numeral") == _a(df, "expected_numeral"))
              & ~_a(df, "empty").astype(bool))
        return _answer(df, ok | ~self.in_editions(df))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        problems = self.params["problems"]
        for item in _records(failing):
            report, key = int(item["report"]), item["section"]
            label = ctx.spec.section(key).label
            text = ctx.reports[report].narrative.get(key, "").strip()
            if not item["present"]:
                problem = problems["missing"]
            elif not item["in_order"]:
                problem = problems["order"]
            elif item["numeral"] != item["expected_numeral"]:
                problem = problems["numbering"]
            else:  # the section says nothing, or only 无
                problem = problems["only_none" if text else "empty"]
            message = render(self.rule, where=label, problem=problem.format(
                heading=item["heading"], place=item["where"], numeral=item["expected_numeral"], text=text))
            yield report, self.finding_at(ctx, key, label, item["heading"] or None, message)


class FeeStatement(_TextRule):
    """六、其他需要报告的事项 states the 信息处理费 collected, or that none was."""

    _frame = "fee"
    keys = ("report", "edition")

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, _a(df, "stated").astype(bool) | ~self.in_editions(df))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        section = self.params["section"]
        for item in _records(failing):
            message = render(self.rule, where=ctx.spec.section(section).label)
            yield int(item["report"]), self.finding_at(ctx, section, None, None, message)


class Typos(_TextRule):
    """A word written twice in a row (资金资金), a bracket or quote mark without its pair."""

    _frame = "typos"
    keys = ("report", "section", "kind", "mark")

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, _a(df, "allowed").astype(bool))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        problems = self.params["problems"]
        for item in _records(failing):
            mark = item["mark"]
            problem = problems[item["kind"]].format(mark=mark, word=mark[: len(mark) // 2])
            message = render(self.rule, section=ctx.spec.section(item["section"]).label,
                             problem=problem, passage=item["passage"])
            yield int(item["report"]), self.finding_at(ctx, item["section"], None, mark, message)


class RepeatedFromPrevious(_TextRule):
    """A section whose text is mostly last year's, sentence for sentence (boilerplate aside)."""

    _frame = "repeats"
    keys = ("report", "section")

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, _a(df, "share").astype(float) <= float(self.params["threshold"]) + _EPS)

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        listed = int(self.params["max_listed"])
        for item in _records(failing):
            passages = item["passages"]
            shown = "；".join(f"“{text.opening(p)}”" for p in passages[:listed])
            if len(passages) > listed:
                shown += self.params["more"].format(count=len(passages) - listed)
            share = round(float(item["share"]), 2)
            message = render(self.rule, section=ctx.spec.section(item["section"]).label,
                             share=f"{share:.0%}", count=len(passages), passages=shown)
            yield int(item["report"]), self.finding_at(
                ctx, item["section"], json_number(self.params["threshold"]), json_number(share), message)


class YearCarriedIn(RuleCheck):
    """This year's row (上年结转) equals last year's other row (结转下年度), column by column."""

    keys = ("report", "column")

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.years"

    def holds(self, df: pd.DataFrame) -> pd.Series:
        return _answer(df, np.abs(_zero(df, "current") - _zero(df, "previous")) < _EPS)

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        key, row = self.rule.table, self.params["row"]
        for item in _records(failing):
            report, column = int(item["report"]), item["column"]
            table = ctx.table(report, key)
            expected = np.nan_to_num(item["previous"])
            message = render(self.rule, where=cell_name(table, row, column),
                             expected=format_number(expected), actual=format_number(item["current"]))
            yield report, self.finding(key, row, column, table_layout(table).reference(row, column),
                                       json_number(expected), json_number(item["current"]), message)


class YearInForce(RuleCheck):
    """A column (现行有效) equals last year's plus one column (制发) minus another (废止), row by row."""

    keys = ("report", "edition", "row")

    @property
    def frame(self) -> str:
        return f"{self.rule.table}.years"

    @staticmethod
    def _expected(df: pd.DataFrame) -> np.ndarray:
        return _zero(df, "previous") + _zero(df, "plus") - _zero(df, "minus")

    def holds(self, df: pd.DataFrame) -> pd.Series:
        same = np.abs(_zero(df, "current") - self._expected(df)) < _EPS
        return _answer(df, same | ~self.in_editions(df))

    def explain(self, df: pd.DataFrame, failing: pd.DataFrame, ctx: Context) -> Iterator[tuple[int, Finding]]:
        key, column = self.rule.table, self.params["column"]
        for expected, item in zip(self._expected(failing), _records(failing), strict=True):
            report, row = int(item["report"]), item["row"]
            table = ctx.table(report, key)
            message = render(self.rule, where=cell_name(table, row, column),
                             expected=format_number(expected), actual=format_number(item["current"]),
                             previous=format_number(item["previous"]),
                             plus=format_number(item["plus"]), minus=format_number(item["minus"]))
            yield report, self.finding(key, row, column, table_layout(table).reference(row, column),
                                       json_number(expected), json_number(item["current"]), message)


KINDS: dict[str, type[RuleCheck]] = {
    "rows_equal": RowsEqual,
    "columns_equal": ColumnsEqual,
    "columns_le": ColumnsLe,
    "not_a_number": NotANumber,
    "label_misprint": LabelMisprint,
    "off_form_row": OffFormRow,
    "non_negative": NonNegative,
    "integer": Integer,
    "legacy_children": LegacyChildren,
    "legacy_parent_blank": LegacyParentBlank,
    "legacy_heading_value": LegacyHeadingValue,
    "edition_year": EditionYear,
    "narrative": NarrativeMatches,
    "sections": Sections,
    "fee_statement": FeeStatement,
    "typos": Typos,
    "repeated_from_previous": RepeatedFromPrevious,
    "year_carried_in": YearCarriedIn,
    "year_in_force": YearInForce,
}


def rule_checks(spec: Spec) -> tuple[RuleCheck, ...]:
    """Every rule of the spec as an executable check; an unknown kind is a spec error."""
    unknown = sorted({r.kind for r in spec.rules} - set(KINDS))
    if unknown:
        raise ValueError(f"rules of unknown kind in the spec: {', '.join(unknown)}")
    return tuple(KINDS[r.kind](r, spec) for r in spec.rules)


# --- schemas ---------------------------------------------------------------------------------

def _key_columns(name: str, spec: Spec, checks: Sequence[RuleCheck]) -> tuple[str, ...]:
    """The columns that say which report and which cell a row of the frame is about."""
    table, _, view = name.partition(".")
    if table in spec.matrix_tables and view in ("by_row", "by_column"):
        return ("report", "edition", view.removeprefix("by_"))
    if view == "years":  # a two-year rule's own frame
        return checks[0].keys
    return {
        "cells": ("report", "table", "row", "column", "position"),
        "legacy": ("report", "position", "code", "label", "parent"),
        "meta": ("report", "edition"),
        "statements": ("report", "table", "row", "column", "phrase"),
    }.get(name) or checks[0].keys  # the text checks' frames: the keys their one rule names


def frame_schema(name: str, spec: Spec, checks: Sequence[RuleCheck]) -> pa.DataFrameSchema:
    """The pandera schema of one frame: the key columns it must have, its rules as checks.

    The value columns are not declared one by one: the frames are built from the spec with
    float columns, and declaring each would multiply the time pandera takes per report."""
    keys = _key_columns(name, spec, checks)
    columns = {key: pa.Column(int if key in ("report", "position") else None) for key in keys}
    return pa.DataFrameSchema(columns, checks=[c.pandera_check() for c in checks], name=name)
