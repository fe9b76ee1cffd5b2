"""Many departments' numbers stacked in arrays, and their sums cell by cell.

Reports of the 2019 and 2021 editions are summed only where a cell has the same key (table,
row and column) in both: the keys are the spec's names for what a cell means. What only one
edition has is summed apart and said so; so is an off-form row (（六）其他处理 printed as one row
in a 2021 report), over the reports that printed it. 统计表 rows (before 2019) are summed by label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..labels import fold
from ..model import Report
from ..spec import Spec
from ..validate.findings import json_number
from ..validate.frames import table_shape

__all__ = ["CellTotal", "LegacyTotal", "Stack", "cell_totals", "legacy_totals", "stack"]

Number = int | float


@dataclass(frozen=True)
class Stack:
    """The matrix tables of n reports: ``values[table][k, row, column]`` (NaN when blank or
    absent) and ``present[table][k, row, column]`` (the report's edition has the cell and the
    report has the table); rows and columns as ``table_shape`` orders them."""

    editions: tuple[str, ...]
    values: dict[str, np.ndarray]
    present: dict[str, np.ndarray]


def stack(reports: Sequence[Report], spec: Spec) -> Stack:
    """Stack the reports' tables (the 统计表 is not part of it)."""
    n = len(reports)
    values, present = {}, {}
    for key in spec.matrix_tables:
        shape = table_shape(spec, key)
        nr, nc = len(shape.rows), len(shape.columns)
        v = np.full((n, nr, nc), np.nan)
        p = np.zeros((n, nr, nc), dtype=bool)
        flat, numbers = [], []
        row_index, column_index = shape.row_index, shape.column_index
        for k, report in enumerate(reports):
            table = report.tables.get(key)
            mask = None if table is None else shape.present(report.meta.edition or "", table)
            if table is None or mask is None:
                continue
            p[k] = mask
            for row_key, columns in table.items():
                base = (k * nr + row_index[row_key]) * nc
                for column_key, cell in columns.items():
                    if cell.value is not None:
                        flat.append(base + column_index[column_key])
                        numbers.append(cell.value)
        v.reshape(-1)[flat] = numbers
        values[key], present[key] = v, p
    return Stack(tuple(r.meta.edition or "" for r in reports), values, present)


@dataclass(frozen=True)
class CellTotal:
    """The sum of one cell over the departments that have it; None when all left it blank."""

    table: str
    row: str
    column: str
    value: Number | None
    departments: int  # how many departments' editions have the cell (blank or not)
    editions: tuple[str, ...]  # which editions have the cell, among those in the set


def _number(total: float, money: bool) -> Number:
    number = json_number(total)
    if number is None:
        raise ValueError("a total is a number")  # summed from numbers: never blank here
    return float(number) if money else number


def cell_totals(data: Stack, cells: Sequence[tuple[str, str, str]], spec: Spec) -> list[CellTotal]:
    """The sum over all stacked departments of each (table, row, column)."""
    editions = np.array(data.editions, dtype=object)
    result = []
    for table, row, column in cells:
        shape = table_shape(spec, table)
        r, c = shape.row_index[row], shape.column_index[column]
        has = data.present[table][:, r, c]
        numbers = data.values[table][:, r, c][has]
        filled = ~np.isnan(numbers)
        value = _number(float(numbers[filled].sum()), column in shape.money) if filled.any() else None
        result.append(CellTotal(table, row, column, value, int(has.sum()),
                                tuple(sorted(set(editions[has])))))
    return result


@dataclass(frozen=True)
class LegacyTotal:
    """One 统计表 indicator summed over the departments that report it (matched by label and
    unit); the code and label as the first department wrote them."""

    code: str
    label: str
    unit: str | None
    value: Number | None
    departments: int
    cumulative: Number | None = None  # the sum of the second value column (历年累计), where reported


def legacy_totals(reports: Sequence[Report], spec: Spec) -> list[LegacyTotal]:
    """The 统计表 rows of all reports summed by label, in the order they first appear; the
    second value column (历年累计) summed the same way over the reports that have one."""
    money = set(spec.edition("legacy").table("legacy").money_units)
    found: dict[tuple[str, str | None], list] = {}
    for report in reports:
        for row in report.legacy or ():
            key = (fold(row.label, spec), row.unit)
            entry = found.setdefault(key, [row.code, row.label, row.unit, [], 0, []])
            entry[4] += 1
            if row.value is not None:
                entry[3].append(row.value)
            if row.cumulative is not None:
                entry[5].append(row.cumulative)
    totals = []
    for code, label, unit, numbers, departments, cumulative in found.values():
        value = _number(float(sum(numbers)), unit in money) if numbers else None
        second = _number(float(sum(cumulative)), unit in money) if cumulative else None
        totals.append(LegacyTotal(code, label, unit, value, departments, second))
    return totals
