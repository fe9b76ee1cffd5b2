"""Where everything stands in the standard workbook, computed from the spec alone.

The template builder, the writer, the reader and the validator's cell addresses all use
this one layout, so a finding's ``三、依申请公开!D27`` is exactly the cell the writer filled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ..spec import Table

__all__ = ["Label", "TableLayout", "defined_name", "legacy_reference", "table_layout"]


@dataclass(frozen=True)
class Label:
    """A label cell (or merged range) of the form: header, row label, group or corner."""

    row: int
    col: int
    text: str
    kind: str  # corner | header | row | group | off_form (an off-form row's label) | note
    last_row: int = 0
    last_col: int = 0

    @property
    def merged(self) -> bool:
        return (self.last_row, self.last_col) != (self.row, self.col)


@dataclass(frozen=True)
class TableLayout:
    """The cells of one table's sheet: labels, value cells by key, and the frozen corner."""

    table: Table
    labels: tuple[Label, ...]
    cells: dict[tuple[str, str], tuple[int, int]]
    value_spans: dict[tuple[str, str], int]  # last column of a value merged to the right
    header_rows: int
    label_cols: int
    width: int
    height: int  # the form, off-form rows aside
    widths: dict[int, float] = field(default_factory=dict)
    off_form_height: int = 0  # the last row of the off-form rows under the form (0: none)

    def form_cells(self) -> dict[tuple[str, str], tuple[int, int]]:
        """The value cells of the form itself, without the off-form rows under it."""
        return {key: at for key, at in self.cells.items() if not self.table.is_off_form(key[0])}

    def form_labels(self) -> tuple[Label, ...]:
        return tuple(label for label in self.labels if label.kind not in ("off_form", "note"))

    def address(self, row: str, column: str) -> str:
        """The A1 address of a value cell, e.g. ``D27``."""
        r, c = self.cells[(row, column)]
        return f"{get_column_letter(c)}{r}"

    def reference(self, row: str, column: str) -> str:
        """The sheet-qualified address, e.g. ``三、依申请公开!D27``."""
        return f"{self.table.sheet}!{self.address(row, column)}"


def defined_name(table: str, row: str, column: str) -> str:
    """The workbook's defined name of a value cell: ``requests.total_processed.total``."""
    return f"{table}.{row}.{column}"


def _tree(paths: list[tuple[str, ...]], depth: int) -> list[tuple[int, int, int, int, str]]:
    """Merged ranges (level, first, last, last_level, text) for label paths laid side by side:
    equal prefixes merge along the axis, a short path's last label merges down to ``depth``."""
    spans = []
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if level >= len(path):
                i += 1
                continue
            j = i
            while j + 1 < len(paths) and paths[j + 1][: level + 1] == path[: level + 1]:
                j += 1
            last_level = depth - 1 if level == len(path) - 1 else level
            spans.append((level, i, j, last_level, path[level]))
            i = j + 1
    return spans


def _matrix(table: Table) -> TableLayout:
    col_paths = [c.path for c in table.columns]
    row_paths = [r.path for r in table.rows]
    header_rows = max(len(p) for p in col_paths)
    label_cols = max((len(p) for p in row_paths), default=0)
    labels: list[Label] = []
    if label_cols:
        labels.append(Label(1, 1, table.corner, "corner", header_rows, label_cols))
    for level, first, last, last_level, text in _tree(col_paths, header_rows):
        labels.append(Label(level + 1, label_cols + first + 1, text, "header",
                            last_level + 1, label_cols + last + 1))
    for level, first, last, last_level, text in _tree(row_paths, label_cols):
        leaf = last_level == label_cols - 1 and level == len(row_paths[first]) - 1
        labels.append(Label(header_rows + first + 1, level + 1, text, "row" if leaf else "group",
                            header_rows + last + 1, last_level + 1))
    cells = {
        (row.key, col.key): (header_rows + i + 1, label_cols + j + 1)
        for i, row in enumerate(table.rows)
        for j, col in enumerate(table.columns)
    }
    widths = {c: 12.0 if label_cols else 9.5
              for c in range(label_cols + 1, label_cols + len(table.columns) + 1)}
    if label_cols:
        widths.update({1: 14.0, 2: 22.0, 3: 40.0} if label_cols == 3 else {1: 36.0})
    height = header_rows + len(table.rows)
    width = label_cols + len(table.columns)
    # Off-form rows (（六）其他处理 as one row in a 2021 report) under the form, after a blank row,
    # so that every cell of the form stays where the official form has it.
    r = height + 1
    for row in table.off_form if label_cols else ():
        r += 1
        labels.append(Label(r, 1, row.off_form_label, "off_form", r, label_cols))
        cells.update({(row.key, col.key): (r, label_cols + j + 1) for j, col in enumerate(table.columns)})
        if row.off_form_note:
            r += 1
            labels.append(Label(r, 1, row.off_form_note, "note", r, width))
    return TableLayout(table, tuple(labels), cells, {}, header_rows, label_cols,
                       width, height, widths, r if table.off_form and label_cols else 0)


def _groups(table: Table) -> TableLayout:
    width = 1 + max(len(g.columns) for g in table.groups)
    labels: list[Label] = []
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    spans: dict[tuple[str, str], int] = {}
    r = 0
    for group in table.groups:
        r += 1
        labels.append(Label(r, 1, group.label, "group", r, width))
        r += 1
        labels.append(Label(r, 1, table.row_header, "header", r, 1))
        for j, key in enumerate(group.columns):
            last = width if j == len(group.columns) - 1 else j + 2
            labels.append(Label(r, j + 2, table.column(key).label, "header", r, last))
        for row in group.rows:
            r += 1
            labels.append(Label(r, 1, row.label, "row", r, 1))
            for j, key in enumerate(group.columns):
                cells[(row.key, key)] = (r, j + 2)
                if j == len(group.columns) - 1 and j + 2 < width:
                    spans[(row.key, key)] = width
    widths = {1: 24.0, **{c: 18.0 for c in range(2, width + 1)}}
    return TableLayout(table, tuple(labels), cells, spans, 0, 1, width, r, widths)


def _indicators(table: Table) -> TableLayout:
    labels = tuple(Label(1, i + 1, text, "header", 1, i + 1)
                   for i, text in enumerate((table.code_header, *table.header)))
    return TableLayout(table, labels, {}, {}, 1, 3, 4, 1, {1: 10.0, 2: 60.0, 3: 8.0, 4: 12.0})


@functools.cache
def table_layout(table: Table) -> TableLayout:
    """The layout of a table's sheet, like the official form."""
    if table.layout == "groups":
        return _groups(table)
    if table.layout == "indicators":
        return _indicators(table)
    return _matrix(table)


def legacy_reference(table: Table, position: int) -> str:
    """The sheet-qualified address of the value of the 统计表's ``position``-th row (0-based),
    as the writer lays the rows out under the header: ``统计表!D2`` for the first."""
    layout = table_layout(table)
    return f"{table.sheet}!{get_column_letter(layout.width)}{layout.header_rows + position + 1}"
