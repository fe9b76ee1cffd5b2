"""A report's tables as printed grids: the workbook's layout of each table (``table_layout``,
computed from the spec) filled with the report's values, for the Word and HTML writers.

One layout: the merged header cells, row labels and value cells stand where the workbook has
them, and the workbook's layout is the official form's (tables 二、三、四 of the edition; the
统计表's indicator rows with their numbering rebuilt from their codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import LegacyRow, Report
from ..spec import Numbering, Spec, Table
from ..workbook import TableLayout, table_layout
from ..workbook.layout import Label

__all__ = ["GridCell", "TableGrid", "format_number", "legacy_label", "report_grids", "table_grid"]

_TRAILING_NOTE = re.compile(r"（[^（）]*）$")
# 1．属于国家秘密 (the spec's label) is printed 1.属于国家秘密, as on the official form
_NUMBERED = re.compile(r"^(\d+)．")


@dataclass(frozen=True)
class GridCell:
    """One printed cell (a merged range counts once): 0-based top-left, spans, text, and its
    kind — corner | header | group | row | unit | value | off_form | note."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    kind: str
    align: str = "center"  # left | center: as the official form has it

    @property
    def is_label(self) -> bool:
        return self.kind != "value"

    def parts(self) -> tuple[str, str]:
        """The label and its trailing note in brackets, which the official form prints in 楷体:
        （二）部分公开 + （区分处理的，只计这一情形，不计其他情形）; the corner is all note."""
        if self.kind not in ("row", "corner"):
            return self.text, ""
        match = _TRAILING_NOTE.search(self.text)
        if match is None:
            return self.text, ""
        return self.text[:match.start()], match.group(0)


@dataclass(frozen=True)
class TableGrid:
    """A table ready to print: its title, size, cells and relative column widths."""

    key: str
    title: str
    width: int
    height: int
    header_rows: int
    cells: tuple[GridCell, ...]
    widths: tuple[float, ...]
    label_cols: int = 0  # a matrix table's columns of row labels (三: 3; 四: 0)

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell whose top-left corner is at (row, col), 0-based."""
        return next((c for c in self.cells if (c.row, c.col) == (row, col)), None)


def format_number(value: int | float | None) -> str:
    """A value as printed: whole numbers without a decimal point, money with its decimals and
    never in exponent notation (1e-05 is 0.00001); blank is empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _text(table: Table, label: Label) -> str:
    """A label as printed (1. as the official form has it); an off-form row is labelled as the
    report printed it (（六）其他处理), which is how ``nianbao convert`` knows the row again, and
    its note says why it is there."""
    if label.kind == "off_form":
        row = next(r for r in table.off_form if r.off_form_label == label.text)
        return _NUMBERED.sub(r"\1.", row.label)
    return _NUMBERED.sub(r"\1.", label.text)


def _align(table: Table, kind: str) -> str:
    """The official form's alignment: table 二's group lines left and its row labels centred;
    table 三's row labels and 勾稽关系 note left; headers and numbers centred."""
    if table.layout == "groups":
        return "left" if kind == "group" else "center"
    return "left" if kind in ("row", "corner", "off_form", "note") else "center"


def _matrix_grid(layout: TableLayout, report: Report) -> TableGrid:
    table = layout.table
    values = report.tables.get(table.key, {})
    off_form = [row.key for row in table.off_form
                if row.key in values and any(c.value is not None for c in values[row.key].values())]
    cells: list[GridCell] = []
    height = layout.height
    # off-form rows the report prints (（六）其他处理 as one row in a 2021 report), under the form
    # as in the workbook, but without the workbook's blank row between
    shift = {r: i for i, r in enumerate(sorted({lab.row for lab in layout.labels
                                                if lab.kind in ("off_form", "note")}))}
    keep_rows: set[int] = set()
    for key in off_form:
        r = layout.cells[(key, table.columns[0].key)][0]
        keep_rows.update({r, r + 1})
    for label in layout.labels:
        if label.kind in ("off_form", "note"):
            if label.row not in keep_rows:
                continue
            row = layout.height + shift[label.row]
        else:
            row = label.row - 1
        cells.append(GridCell(row, label.col - 1, label.last_row - label.row + 1,
                              label.last_col - label.col + 1, _text(table, label), label.kind,
                              _align(table, label.kind)))
        height = max(height, row + 1)
    for (row_key, col_key), (r, c) in layout.cells.items():
        if table.is_off_form(row_key):
            if row_key not in off_form:
                continue
            row = layout.height + shift[r]
        else:
            row = r - 1
        cell = values.get(row_key, {}).get(col_key)
        last = layout.value_spans.get((row_key, col_key), c)
        cells.append(GridCell(row, c - 1, 1, last - c + 1, format_number(cell.value if cell else None),
                              "value"))
    widths = tuple(layout.widths.get(c, 10.0) for c in range(1, layout.width + 1))
    return TableGrid(table.key, table.title, layout.width, height, layout.header_rows,
                     tuple(sorted(cells, key=lambda c: (c.row, c.col))), widths,
                     layout.label_cols if table.layout == "matrix" else 0)


def _chinese(n: int, words: Numbering) -> str:
    """1 … 99 in Chinese numerals: 三, 十, 十二, 二十一."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    digit = words.digits
    if not tens:
        return digit[ones - 1]
    return (digit[tens - 1] if tens > 1 else "") + words.ten + (digit[ones - 1] if ones else "")


def legacy_label(row: LegacyRow, words: Numbering) -> str:
    """The 统计表 row's label with its numbering rebuilt from its code, as the form prints it:
    ``3`` 三、, ``3.1`` （一）, ``3.1.2`` 2., ``3.3.4.a`` 其中：."""
    parts = row.code.split(".")
    if parts[-1].isalpha():
        return f"{words.among}：{row.label}"
    if not all(p.isdigit() for p in parts):
        return row.label
    n = int(parts[-1])
    if len(parts) == 1:
        return f"{_chinese(n, words)}、{row.label}"
    if len(parts) == 2:
        return f"（{_chinese(n, words)}）{row.label}"
    return f"{n}.{row.label}"


def _legacy_grid(table: Table, report: Report, spec: Spec) -> TableGrid:
    layout = table_layout(table)
    headers = [label for label in layout.labels if label.text != table.code_header]
    cumulative = report.has_cumulative
    texts = [label.text for label in headers] + ([table.cumulative_label] if cumulative else [])
    layout_widths = [layout.widths.get(label.col, 12.0) for label in headers]
    widths = tuple(layout_widths + ([layout_widths[-1]] if cumulative else []))
    cells = [GridCell(0, c, 1, 1, text, "header") for c, text in enumerate(texts)]
    for r, row in enumerate(report.legacy or (), start=1):
        printed = [legacy_label(row, spec.numbering), row.unit or "", format_number(row.value)]
        if cumulative:
            printed.append(format_number(row.cumulative))
        for c, text in enumerate(printed):
            cells.append(GridCell(r, c, 1, 1, text, "row" if c == 0 else "unit" if c == 1 else "value",
                                  "left" if c == 0 else "center"))
    height = 1 + len(report.legacy or ())
    return TableGrid(table.key, table.title, len(texts), height, 1, tuple(cells), widths)


def table_grid(table: Table, report: Report, spec: Spec) -> TableGrid:
    """One table of the report's edition, printed."""
    if table.layout == "indicators":
        return _legacy_grid(table, report, spec)
    return _matrix_grid(table_layout(table), report)


def report_grids(report: Report, spec: Spec) -> dict[str, TableGrid]:
    """The edition's tables that the report has (a 统计表 with its rows), by table key."""
    grids = {}
    for key, table in report.edition_spec(spec).tables.items():
        if table.layout == "indicators" and report.legacy is None:
            continue
        if table.layout != "indicators" and key not in report.tables:
            continue
        grids[key] = table_grid(table, report, spec)
    return grids
