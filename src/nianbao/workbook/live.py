"""The spec's rules as workbook formulas: the workbook checks itself as the clerk types, in
Excel, WPS and LibreOffice, with no macros.

One declaration, two executions: a rule of the spec runs in the validator as a pandera check
(``nianbao.validate.checks``) and here becomes, for each place it applies (a *rule instance*: a
column of a balance, a row of a total, one cell of a per-cell rule, one row of the 统计表), a
formula that is TRUE while the rule is broken there. Each instance

- fills the cell the validator's finding stands at red (error) or yellow (warning), by a
  conditional format holding the formula;
- is a row of the hidden 勾稽公式 sheet: rule id and title, severity, the cell, what it should
  be, what it is, and 1 while it is broken; each table sheet's status line counts those rows.

Blank counts as 0, as in the validator: SUM and COUNT skip blank cells and text. Comparisons
allow the validator's 1E-6. Only IF short-circuits in a spreadsheet, so a formula that would
compute on a cell holding text is guarded by IF(ISNUMBER(…)) rather than AND.

Rules that read more than one report's table cells (last year's report, the text, 基本信息, a
folder of workbooks) or something the cells do not hold (a label as printed) stay with the
validator: ``NOT_LIVE`` says why, and a test checks every kind of the spec is in one or the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from ..legacy import parent_kind, split_code
from ..model import LegacyRow
from ..spec import Rule, Spec
from .layout import TableLayout, table_layout
from .styles import BORDER, FILLS, FONT, HEADER_FILL, LABEL, set_text

__all__ = ["LEGACY_KINDS", "NOT_LIVE", "TABLE_KINDS", "Instance", "add_instances", "legacy_instances",
           "rules_sheet", "status_cell", "table_instances"]

EPS = "0.000001"  # the validator's tolerance
_REF = re.compile(r"⟦([A-Z]+[0-9]+)⟧")  # a cell reference inside an expression, before it is placed
_STATUS_FONTS = {"ok": "FF375623", "broken": "FF9C0006"}


def _at(row: int, col: int) -> str:
    """A cell reference in an expression: written bare on its own sheet, sheet-qualified on
    the 勾稽公式 sheet (``local`` and ``qualified``)."""
    return f"⟦{get_column_letter(col)}{row}⟧"


def local(expression: str) -> str:
    """An expression as a formula of the sheet its cells are on (a conditional format's)."""
    return _REF.sub(r"\1", expression)


def qualified(expression: str, sheet: str) -> str:
    """An expression as a formula of another sheet: every reference names ``sheet``."""
    prefix = quote_sheetname(sheet) + "!"
    return _REF.sub(lambda m: prefix + m.group(1), expression)


@dataclass(frozen=True)
class Instance:
    """One place a rule applies: the cell its finding stands at, and expressions (with cell
    references not yet placed) TRUE while it is broken, of the value it should have ("" when
    the rule has no such value) and of the value it has."""

    rule: Rule
    sheet: str
    row: int
    col: int
    broken: str
    expected: str = ""

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def actual(self) -> str:
        return _at(self.row, self.col)


def _sum(cells: Sequence[tuple[int, int]]) -> str:
    return f"SUM({','.join(_at(*c) for c in cells)})" if cells else "0"


def _number_test(cell: str, test: str) -> str:
    """``test`` on a cell that holds a number; FALSE for blank and text (never an error)."""
    return f"IF(ISNUMBER({cell}),{test},FALSE)"


# --- the tables of the form (a template's formulas: the same for every report of an edition) ----

TableGenerator = Callable[[Rule, TableLayout], Iterator[Instance]]


def _balance(axis: str) -> TableGenerator:
    """Σ lhs = Σ rhs, for each column (rows add up) or each row (columns add up); the finding
    stands at ``target`` and says the value that would balance."""

    def generate(rule: Rule, layout: TableLayout) -> Iterator[Instance]:
        lhs, rhs, target = rule.params["lhs"], rule.params["rhs"], rule.params["target"]
        same, other = (lhs, rhs) if target in lhs else (rhs, lhs)
        table = layout.table
        fixed_keys = ([c.key for c in table.columns] if axis == "column"
                      else [r.key for r in (*table.rows, *table.off_form)])

        for fixed in fixed_keys:
            def at(key: str, fixed: str = fixed) -> tuple[int, int] | None:
                return layout.cells.get((key, fixed) if axis == "column" else (fixed, key))

            spot = at(target)
            if spot is None:
                continue
            cells = {k: c for k in (*lhs, *rhs) if (c := at(k)) is not None}
            left = [cells[k] for k in lhs if k in cells]
            right = [cells[k] for k in rhs if k in cells]
            expected = (f"{_sum([cells[k] for k in other if k in cells])}"
                        f"-{_sum([cells[k] for k in same if k in cells and k != target])}")
            yield Instance(rule, table.sheet, *spot, f"ABS({_sum(left)}-{_sum(right)})>{EPS}", expected)

    return generate


def _columns_le(rule: Rule, layout: TableLayout) -> Iterator[Instance]:
    """Σ lhs ≤ Σ rhs in each row that has the first lhs column; the finding stands there."""
    lhs, rhs = rule.params["lhs"], rule.params["rhs"]
    table = layout.table
    for row in table.rows:
        spot = layout.cells.get((row.key, lhs[0]))
        if spot is None:
            continue
        left = [c for k in lhs if (c := layout.cells.get((row.key, k))) is not None]
        right = [c for k in rhs if (c := layout.cells.get((row.key, k))) is not None]
        yield Instance(rule, table.sheet, *spot, f"{_sum(left)}>{_sum(right)}+{EPS}", _sum(right))


def _off_form_row(rule: Rule, layout: TableLayout) -> Iterator[Instance]:
    """A row the edition's form does not have, printed by the report: anything in its cells."""
    row, column = rule.params["row"], rule.params["column"]
    spot = layout.cells.get((row, column))
    if spot is None:
        return
    cells = [c for (r, _), c in layout.cells.items() if r == row]
    yield Instance(rule, layout.table.sheet, *spot,
                   f"COUNTA({','.join(_at(*c) for c in cells)})>0")


def _per_cell(test: Callable[[Rule, TableLayout, str, str], str | None]) -> TableGenerator:
    """A rule on each value cell by itself: ``test`` gives the broken-expression of a cell
    (row key, column key), None where the rule does not apply."""

    def generate(rule: Rule, layout: TableLayout) -> Iterator[Instance]:
        for (row_key, col_key), (r, c) in layout.cells.items():
            broken = test(rule, layout, row_key, col_key)
            if broken is not None:
                yield Instance(rule, layout.table.sheet, r, c, broken.format(x=_at(r, c)))

    return generate


def _non_negative(rule: Rule, layout: TableLayout, row: str, column: str) -> str | None:
    if column in rule.params.get("except_columns", ()):
        return None
    return _number_test("{x}", "{x}<0")


def _integer(rule: Rule, layout: TableLayout, row: str, column: str) -> str | None:
    if layout.table.column(column).is_money:
        return None
    return _number_test("{x}", f"ABS({{x}}-ROUND({{x}},0))>{EPS}")


def _not_a_number(rule: Rule, layout: TableLayout, row: str, column: str) -> str | None:
    return "ISTEXT({x})"


TABLE_KINDS: dict[str, TableGenerator] = {
    "rows_equal": _balance("column"),
    "columns_equal": _balance("row"),
    "columns_le": _columns_le,
    "off_form_row": _off_form_row,
    "non_negative": _per_cell(_non_negative),
    "integer": _per_cell(_integer),
    "not_a_number": _per_cell(_not_a_number),
}


def _applies(rule: Rule, table: str, edition: str) -> bool:
    return (rule.stage == "validate" and rule.table in (table, "report")
            and (not rule.editions or edition in rule.editions))


def table_instances(spec: Spec, edition: str, table_key: str) -> list[Instance]:
    """Every rule instance on one table of an edition's form, in the spec's order of rules."""
    layout = table_layout(spec.edition(edition).table(table_key))
    return [instance for rule in spec.rules if rule.kind in TABLE_KINDS and _applies(rule, table_key, edition)
            for instance in TABLE_KINDS[rule.kind](rule, layout)]


# --- the 统计表 (a written report's formulas: its rows are the report's own) ---------------------

@dataclass(frozen=True)
class _Family:
    """The 统计表's rows related as the validator relates them (``validate.frames``): a row's
    parent is the first row of its code's parent code; a 其中 line (``3.3.4.a``) is among its
    parent's; a sum parent adds its numbered children, or its 其中 lines when it has none."""

    rows: Sequence[LegacyRow]
    parent: list[int]
    among: list[bool]
    children: list[list[int]]

    @classmethod
    def of(cls, rows: Sequence[LegacyRow]) -> _Family:
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            first.setdefault(row.code, i)
        parent, among = [], []
        children: list[list[int]] = [[] for _ in rows]
        for i, row in enumerate(rows):
            code, is_among = split_code(row.code)
            p = first.get(code, -1) if code else -1
            parent.append(p)
            among.append(is_among)
            if p >= 0:
                children[p].append(i)
        return cls(rows, parent, among, children)

    def numbered(self, i: int) -> list[int]:
        return [j for j in self.children[i] if not self.among[j]]

    def summed(self, i: int) -> list[int]:
        """The children a sum parent adds up."""
        return self.numbered(i) or [j for j in self.children[i] if self.among[j]]

    def heading(self, i: int) -> bool:
        """一、主动公开情况: a top row without a unit."""
        return "." not in self.rows[i].code and self.rows[i].unit is None


At = Callable[[int], tuple[int, int]]  # a 统计表 row's position → its value cell
Found = Iterator[tuple[int, str, str]]  # (row position, broken, expected) of each instance
LegacyGenerator = Callable[[Rule, _Family, Spec, At], Found]


def _legacy_children(rule: Rule, family: _Family, spec: Spec,
                     at: At) -> Found:
    kinds = [parent_kind(spec, row.label) for row in family.rows]
    for i in range(len(family.rows)):
        value = _at(*at(i))
        tests, expected = [], ""
        summed = [at(j) for j in family.summed(i)]
        if kinds[i] == "sum" and summed:
            tests.append(_number_test(value, f"ABS({value}-{_sum(summed)})>{EPS}"))
            expected = _sum(summed)
        p = family.parent[i]
        bounded = family.among[i] and p >= 0 and not (kinds[p] == "sum" and not family.numbered(p))
        if bounded:
            parent = _at(*at(p))
            tests.append(f"IF(AND(ISNUMBER({value}),ISNUMBER({parent})),{value}>{parent}+{EPS},FALSE)")
            expected = expected or parent
        if tests:
            yield i, tests[0] if len(tests) == 1 else f"OR({','.join(tests)})", expected


def _legacy_parent_blank(rule: Rule, family: _Family, spec: Spec,
                         at: At) -> Found:
    for i, row in enumerate(family.rows):
        children = family.children[i]
        if children and not family.heading(i):
            value = _at(*at(i))
            cells = ",".join(_at(*at(j)) for j in children)
            is_sum = parent_kind(spec, row.label) == "sum"
            expected = _sum([at(j) for j in family.summed(i)]) if is_sum else ""
            yield i, f"IF(ISNUMBER({value}),FALSE,COUNT({cells})>0)", expected


def _legacy_heading_value(rule: Rule, family: _Family, spec: Spec,
                          at: At) -> Found:
    for i in range(len(family.rows)):
        numbered = family.numbered(i)
        if family.heading(i) and numbered and family.rows[numbered[0]].unit is not None:
            value, child = _at(*at(i)), _at(*at(numbered[0]))
            yield i, f"IF(ISNUMBER({value}),NOT(ISNUMBER({child})),FALSE)", ""


def _legacy_cell(test: Callable[[LegacyRow, Spec], str | None]) -> LegacyGenerator:
    def generate(rule: Rule, family: _Family, spec: Spec, at: At) -> Found:
        for i, row in enumerate(family.rows):
            broken = test(row, spec)
            if broken is not None:
                yield i, broken.format(x=_at(*at(i))), ""

    return generate


def _legacy_integer(row: LegacyRow, spec: Spec) -> str | None:
    if row.unit in spec.edition("legacy").table("legacy").money_units:
        return None
    return _number_test("{x}", f"ABS({{x}}-ROUND({{x}},0))>{EPS}")


LEGACY_KINDS: dict[str, LegacyGenerator] = {
    "legacy_children": _legacy_children,
    "legacy_parent_blank": _legacy_parent_blank,
    "legacy_heading_value": _legacy_heading_value,
    "integer": _legacy_cell(_legacy_integer),
    "not_a_number": _legacy_cell(lambda row, spec: "ISTEXT({x})"),
}

# The kinds of rule that stay with the validator, and why.
NOT_LIVE = {
    "label_misprint": "the label as the report printed it is on the hidden 来源 sheet, not in the form",
    "edition_year": "compares 基本信息's year with the edition, not table cells",
    "narrative": "reads numbers out of the text",
    "sections": "reads the section headings of the source, which the workbook does not keep",
    "fee_statement": "reads the text",
    "typos": "reads the text",
    "repeated_from_previous": "compares the text with last year's report",
    "year_carried_in": "compares with last year's report",
    "year_in_force": "compares with last year's report",
    "consolidation": "reads a folder of workbooks",
}


def legacy_instances(rows: Sequence[LegacyRow], spec: Spec, first_row: int = 2) -> list[Instance]:
    """Every rule instance on a report's 统计表, its rows written from ``first_row`` down with
    the value in column D, in the spec's order of rules."""
    table = spec.edition("legacy").table("legacy")
    value_col = table_layout(table).width
    family = _Family.of(rows)

    def at(i: int) -> tuple[int, int]:
        return first_row + i, value_col

    found = []
    for rule in spec.rules:
        if rule.kind in LEGACY_KINDS and _applies(rule, "legacy", "legacy"):
            for i, broken, expected in LEGACY_KINDS[rule.kind](rule, family, spec, at):
                found.append(Instance(rule, table.sheet, *at(i), broken, expected))
    return found


# --- the workbook ------------------------------------------------------------------------------

def rules_sheet(wb: Workbook, spec: Spec) -> Worksheet:
    """The hidden 勾稽公式 sheet, created with its header when the workbook has none."""
    title = spec.sheets["rules"]
    if title in wb.sheetnames:
        return wb[title]
    ws = wb.create_sheet(title)
    bold = Font(name=FONT, size=10, bold=True)
    for c, (text, width) in enumerate(zip(spec.workbook.live["columns"], (24, 30, 6, 22, 12, 12, 8),
                                          strict=True), start=1):
        cell = ws.cell(1, c)
        set_text(cell, text)
        cell.font, cell.fill, cell.border, cell.alignment = bold, HEADER_FILL, BORDER, LABEL
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.sheet_state = "hidden"
    return ws


def status_cell(layout: TableLayout) -> tuple[int, int]:
    """Where a table sheet's status line stands, without moving a cell of the table: under the
    form (and its off-form rows) after a blank row; right of the 统计表, whose rows run down
    to wherever the report's end."""
    if layout.table.layout == "indicators":
        return 1, layout.width + 3
    return max(layout.height, layout.off_form_height) + 2, 1


def _count(rules: str, severity_column: str, broken_column: str, first: int, last: int, word: str) -> str:
    def span(column: str) -> str:
        return f"{rules}!${column}${first}:${column}${last}"
    return f'SUMIFS({span(broken_column)},{span(severity_column)},"{word}")'


def _status_formula(spec: Spec, first: int, last: int) -> str:
    """The status line: all consistent, or how many rule instances are broken (errors, then
    warnings), counted on the 勾稽公式 sheet's rows ``first``..``last``."""
    words = spec.workbook.live
    if last < first:
        return f'="{words["ok"]}"'
    rules = quote_sheetname(spec.sheets["rules"])
    errors, warnings = (_count(rules, "C", "G", first, last, spec.findings.severity[s])
                        for s in ("error", "warning"))

    def said(count: str, template: str) -> str:
        before, _, after = template.partition("{n}")
        return f'IF({count}>0,"{before}"&{count}&"{after}","")'

    both = f'IF(AND({errors}>0,{warnings}>0),"{words["separator"]}","")'
    return (f'=IF({errors}+{warnings}=0,"{words["ok"]}","{words["prefix"]}"'
            f'&{said(errors, words["errors"])}&{both}&{said(warnings, words["warnings"])})')


def add_instances(wb: Workbook, layout: TableLayout, instances: Sequence[Instance], spec: Spec) -> None:
    """One sheet's rule instances into the workbook: a conditional format on each instance's
    cell, its row on the 勾稽公式 sheet (appended), the sheet's status line counting them."""
    ws = wb[layout.table.sheet]
    rules = rules_sheet(wb, spec)
    first = rules.max_row + 1
    severity = spec.findings.severity
    fills = {key: PatternFill("solid", start_color=argb, end_color=argb, fill_type="solid")
             for key, argb in FILLS.items()}
    blank = spec.workbook.live["blank"]
    for r, instance in enumerate(instances, start=first):
        rule = instance.rule
        ws.conditional_formatting.add(instance.cell, FormulaRule(formula=[local(instance.broken)],
                                                                 fill=fills[rule.severity]))
        words = (rule.id, rule.title, severity[rule.severity], f"{instance.sheet}!{instance.cell}")
        for c, text in enumerate(words, start=1):
            set_text(rules.cell(r, c), text)
        actual = qualified(instance.actual, instance.sheet)
        if instance.expected:
            rules.cell(r, 5).value = "=" + qualified(instance.expected, instance.sheet)
        rules.cell(r, 6).value = f'=IF(ISBLANK({actual}),"{blank}",{actual})'
        rules.cell(r, 7).value = f"=IF({qualified(instance.broken, instance.sheet)},1,0)"
    status = ws.cell(*status_cell(layout))
    status.value = _status_formula(spec, first, first + len(instances) - 1)
    status.font = Font(name=FONT, size=11, bold=True)
    status.alignment = Alignment(horizontal="left", vertical="center")
    ok = f'{status.coordinate}="{spec.workbook.live["ok"]}"'
    ws.conditional_formatting.add(status.coordinate, FormulaRule(
        formula=[ok], font=Font(bold=True, color=_STATUS_FONTS["ok"])))
    ws.conditional_formatting.add(status.coordinate, FormulaRule(
        formula=[f"NOT({ok})"], font=Font(bold=True, color=_STATUS_FONTS["broken"])))
