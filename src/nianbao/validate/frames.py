"""Reports as pandas frames, shaped by the spec, many reports stacked in one frame.

Every frame has a flat RangeIndex and a ``report`` column (the report's position in the
batch), so one report and ten thousand are validated by the same code. Blank cells are NaN:
the checks count them as 0, the findings still say they were blank.

- ``cells``: one row per value cell of every table (and 统计表 row): integer, non-negative,
  and ``text``: the source's text of a cell that holds text instead of a number (else None).
- ``<table>.by_row``: one row per report and row key, one column per column key.
- ``<table>.by_column``: one row per report and column key, one column per row key.
- ``legacy``: one row per 统计表 row, with its parent's and its children's figures.
- ``meta``, ``statements`` (numbers stated in the text), ``requests.years``, ``active.years``.
- the text's: ``sections``, ``fee``, ``typos``, ``repeats`` (``_narrative_frames``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..labels import fold
from ..legacy import parent_kind, split_code
from ..model import Report
from ..numbers import NotANumber, parse_number
from ..spec import Spec
from . import text

__all__ = ["TableShape", "build_frames", "table_shape"]


@dataclass(frozen=True, eq=False)
class TableShape:
    """A table's row and column keys over all editions, and which cells each edition has."""

    key: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    money: frozenset[str]
    exists: dict[str, np.ndarray]  # edition -> bool[rows, columns]: the cells of its form
    off_form: dict[str, dict[str, np.ndarray]]  # edition -> off-form row -> bool[rows, columns]

    def present(self, edition: str, rows: Mapping[str, Any]) -> np.ndarray | None:
        """The cells a report of ``edition`` has, given its table's rows: its form's, and the
        off-form rows it printed (None for an edition without this table)."""
        mask = self.exists.get(edition)
        extra = self.off_form.get(edition)
        if mask is None or not extra:
            return mask
        for key, cells in extra.items():
            if key in rows:
                mask = mask | cells
        return mask

    @functools.cached_property
    def row_index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.rows)}

    @functools.cached_property
    def column_index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.columns)}


@functools.cache
def table_shape(spec: Spec, key: str) -> TableShape:
    """The union over editions of one table's rows and columns, in spec order."""
    rows: dict[str, None] = {}
    columns: dict[str, None] = {}
    money: set[str] = set()
    tables = {e.key: e.tables[key] for e in spec.editions.values() if key in e.tables}
    for table in tables.values():
        rows.update(dict.fromkeys(r.key for r in (*table.rows, *table.off_form)))
        columns.update(dict.fromkeys(c.key for c in table.columns))
        money.update(c.key for c in table.columns if c.is_money)
    row_keys, column_keys = tuple(rows), tuple(columns)
    exists: dict[str, np.ndarray] = {}
    off_form: dict[str, dict[str, np.ndarray]] = {}
    for edition, table in tables.items():
        mask = np.zeros((len(row_keys), len(column_keys)), dtype=bool)
        for row, column in table.cells():
            mask[row_keys.index(row.key), column_keys.index(column.key)] = True
        exists[edition] = mask
        off_form[edition] = {}
        for row, column in table.off_form_cells():
            cells = off_form[edition].setdefault(row.key, np.zeros_like(mask))
            cells[row_keys.index(row.key), column_keys.index(column.key)] = True
    return TableShape(key, row_keys, column_keys, frozenset(money), exists, off_form)


@dataclass
class _Values:
    """One table's numbers for the reports that have it: values[k, row, column]."""

    reports: np.ndarray  # position in the batch of the k-th report having the table
    editions: np.ndarray
    values: np.ndarray
    exists: np.ndarray
    texts: dict[int, str]  # flat index into values → the text of a cell that is not a number
    # flat index of a row's first cell → the row's label as printed, when it is a misprint
    misprints: dict[int, str]


def not_a_number(value: object, raw: str) -> str | None:
    """The text of a cell that holds text instead of a number (待核实, "1 2"), else None."""
    if value is not None or not raw.strip():
        return None
    try:
        parse_number(raw)  # a number, or a blank marker
    except NotANumber:  # text, or digits no workbook cell holds (400 of them)
        return raw.strip()
    return None


def _values(reports: Sequence[Report | None], shape: TableShape) -> _Values:
    positions: list[int] = []
    editions: list[str] = []
    masks: list[np.ndarray] = []
    flat, numbers = [], []  # index into values.reshape(-1), and the number there
    texts: dict[int, str] = {}
    misprints: dict[int, str] = {}
    row_index, column_index = shape.row_index, shape.column_index
    nr, nc = len(shape.rows), len(shape.columns)
    for i, report in enumerate(reports):
        table = None if report is None else report.tables.get(shape.key)
        edition = None if report is None else report.meta.edition
        if report is None or table is None or edition is None or edition not in shape.exists:
            continue
        k = len(positions)
        positions.append(i)
        editions.append(edition)
        mask = shape.present(edition, table)
        assert mask is not None  # the edition has the table (checked above)
        masks.append(mask)
        for row_key, columns in table.items():
            r = row_index.get(row_key)
            if r is None:
                continue
            base = (k * nr + r) * nc
            for column_key, cell in columns.items():
                value = cell.value
                if column_key not in column_index:
                    continue
                if cell.label and not any(base <= i < base + nc for i in misprints):
                    misprints[base + column_index[column_key]] = cell.label
                if value is not None:
                    flat.append(base + column_index[column_key])
                    numbers.append(value)
                elif cell.raw:
                    text = not_a_number(value, cell.raw)
                    if text is not None:
                        texts[base + column_index[column_key]] = text
    values = np.full((len(positions), nr, nc), np.nan)
    values.reshape(-1)[flat] = numbers
    exists = np.stack(masks) if masks else np.zeros(values.shape, dtype=bool)
    return _Values(np.array(positions, dtype=np.int64), np.array(editions, dtype=object), values, exists,
                   texts, misprints)


def _frame(columns: dict[str, np.ndarray], keep: np.ndarray | None = None) -> pd.DataFrame:
    """A frame from numpy columns in one constructor call (inserting column by column, or
    converting string columns one by one, costs more than the checks on a single report)."""
    if keep is not None:
        columns = {k: v[keep] for k, v in columns.items()}
    return pd.DataFrame(columns, copy=False)


def _by_row(v: _Values, shape: TableShape) -> pd.DataFrame:
    n, nr, nc = v.values.shape
    flat = v.values.reshape(n * nr, nc)
    columns = {"report": np.repeat(v.reports, nr), "edition": np.repeat(v.editions, nr),
               "row": np.tile(np.array(shape.rows, dtype=object), n)}
    columns.update({key: flat[:, j] for j, key in enumerate(shape.columns)})
    return _frame(columns, v.exists.any(axis=2).reshape(n * nr))


def _by_column(v: _Values, shape: TableShape) -> pd.DataFrame:
    n, nr, nc = v.values.shape
    flat = v.values.transpose(0, 2, 1).reshape(n * nc, nr)
    columns = {"report": np.repeat(v.reports, nc), "edition": np.repeat(v.editions, nc),
               "column": np.tile(np.array(shape.columns, dtype=object), n)}
    columns.update({key: flat[:, j] for j, key in enumerate(shape.rows)})
    return _frame(columns, v.exists.any(axis=1).reshape(n * nc))


def _cells(v: _Values, shape: TableShape) -> dict[str, np.ndarray]:
    k, r, c = np.nonzero(v.exists)
    columns = np.array(shape.columns, dtype=object)
    text = np.full(len(k), None, dtype=object)
    printed = np.full(len(k), None, dtype=object)
    flat = (k * len(shape.rows) + r) * len(shape.columns) + c
    for found, column in ((v.texts, text), (v.misprints, printed)):
        if found:
            for i in np.flatnonzero(np.isin(flat, list(found))):
                column[i] = found[int(flat[i])]
    return {
        "report": v.reports[k],
        "table": np.full(len(k), shape.key, dtype=object),
        "row": np.array(shape.rows, dtype=object)[r],
        "column": columns[c],
        "value": v.values[k, r, c],
        "money": np.isin(columns[c], list(shape.money)),
        "position": np.full(len(k), -1, dtype=np.int64),
        "text": text,
        "printed_label": printed,
    }


# --- the 统计表 --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _folded(spec: Spec, label: str) -> str:
    return fold(label, spec)


def _per_parent(parent: np.ndarray, mask: np.ndarray, n: int,
                weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(parent[mask], weights=None if weights is None else weights[mask], minlength=n)


def _legacy(reports: Sequence[Report], spec: Spec) -> pd.DataFrame:
    """One row per 统计表 row, with what the rules compare it to: the sum of its children, its
    parent's value, its first numbered child (all computed with numpy over the whole batch)."""
    money_units = frozenset(spec.edition("legacy").table("legacy").money_units)
    rows = [(i, p, row) for i, report in enumerate(reports) if report.legacy
            for p, row in enumerate(report.legacy)]
    if not rows:
        return pd.DataFrame()
    n = len(rows)
    report = np.fromiter((i for i, _, _ in rows), dtype=np.int64, count=n)
    code = np.array([row.code for _, _, row in rows], dtype=object)
    unit = np.array([row.unit for _, _, row in rows], dtype=object)
    value = np.array([np.nan if row.value is None else row.value for _, _, row in rows], dtype=float)
    at: dict[tuple[int, str], int] = {}
    for j in range(n - 1, -1, -1):  # the first row of a code wins
        at[(int(report[j]), code[j])] = j
    split = [split_code(c) for c in code]
    parent_code = np.array([p for p, _ in split], dtype=object)
    among = np.array([a for _, a in split], dtype=bool)
    parent = np.array([at.get((int(r), p), -1) if p else -1
                       for r, p in zip(report, parent_code, strict=True)], dtype=np.int64)
    has_parent = parent >= 0
    filled = ~np.isnan(value)
    zero = np.nan_to_num(value)
    numbered = has_parent & ~among
    numbered_n = _per_parent(parent, numbered, n)
    among_n = _per_parent(parent, has_parent & among, n)
    # A sum parent adds up its numbered children; one that has none adds up its 其中 lines.
    by_among = numbered_n == 0
    sum_n = np.where(by_among, among_n, numbered_n)
    sum_total = np.where(by_among, _per_parent(parent, has_parent & among, n, zero),
                         _per_parent(parent, numbered, n, zero))
    first_child = np.full(n, -1, dtype=np.int64)
    children = np.flatnonzero(numbered)
    firsts, at_first = np.unique(parent[children], return_index=True)
    first_child[firsts] = children[at_first]
    has_first = first_child >= 0
    kind = np.array([parent_kind(spec, row.label) for _, _, row in rows], dtype=object)
    kind_of_parent = np.where(has_parent, kind[parent], "")
    position = np.fromiter((p for _, p, _ in rows), dtype=np.int64, count=n)
    return _frame({
        "report": report,
        "position": position,
        "code": code,
        "label": np.array([row.label for _, _, row in rows], dtype=object),
        "unit": unit,
        "value": value,
        "text": np.array([not_a_number(row.value, row.raw) for _, _, row in rows], dtype=object),
        "money": np.isin(unit, list(money_units)),
        "parent": parent_code,
        "among": among,
        "heading": (parent_code == "") & (unit == None),  # noqa: E711  一、主动公开情况 …
        "kind": kind,
        "numbered_n": numbered_n,
        "sum_n": sum_n,
        "sum_total": sum_total,
        "children_filled": _per_parent(parent, has_parent & filled, n),
        "first_child_position": np.where(has_first, position[first_child], -1),
        "first_child_value": np.where(has_first, value[first_child], np.nan),
        "first_child_has_unit": has_first & ~(unit[first_child] == None),  # noqa: E711
        "parent_value": np.where(has_parent, value[parent], np.nan),
        # A 其中 line is summed into its parent, or else bounded by it.
        "summed": among & (kind_of_parent == "sum") & has_parent & (numbered_n[parent] == 0),
    })


def _legacy_cells(lg: pd.DataFrame) -> dict[str, np.ndarray]:
    n = len(lg)
    return {
        "report": lg["report"].to_numpy(),
        "table": np.full(n, "legacy", dtype=object),
        "row": lg["code"].to_numpy(dtype=object),
        "column": np.full(n, "value", dtype=object),
        "value": lg["value"].to_numpy(),
        "money": lg["money"].to_numpy(),
        "position": lg["position"].to_numpy(),
        "text": lg["text"].to_numpy(),
        "printed_label": np.full(n, None, dtype=object),
    }


# --- metadata, text, two years ---------------------------------------------------------------

def _rule_of(spec: Spec, kind: str) -> str | None:
    """The id of the spec's rule of ``kind`` (None when the spec has none)."""
    return next((r.id for r in spec.rules if r.kind == kind), None)


def _reading(i: int, cells: Sequence[str], shape: TableShape, values: _Values,
             at: Mapping[int, int]) -> float | None:
    """The sum of ``cells`` ("row.column") in report ``i``'s table, NaN when all are blank;
    None when the report has not the table or its edition not one of the cells."""
    k = at.get(i)
    if k is None:
        return None
    total, blank = 0.0, True
    for name in cells:
        row, column = name.split(".")
        r, c = shape.row_index[row], shape.column_index[column]
        if not values.exists[k, r, c]:
            return None
        if not np.isnan(values.values[k, r, c]):
            total += float(values.values[k, r, c])
            blank = False
    return np.nan if blank else total


def _statements(reports: Sequence[Report], spec: Spec, values: Mapping[str, _Values],
                legacy: pd.DataFrame) -> pd.DataFrame:
    """One row per number the text states for a table cell, with the table's value beside it
    (``actual``: the first reading the report's edition has) and the other readings the
    statement may have (``alt1``, ``alt2``: blanks as 0, NaN when there is none). A number
    is not compared with a reading left blank: a blank 总计 is requests.row_total's finding, a
    blank 统计表 row may have its number on the heading (legacy.heading_value); a claim
    (所有申请均已办结) is, blank as 0."""
    rule_id = _rule_of(spec, "narrative")
    columns = ["report", "section", "phrase", "stated", "table", "row", "column", "actual",
               "alt1", "alt2", "position"]
    if rule_id is None:
        return pd.DataFrame(columns=columns)
    wanted = {_folded(spec, e["label"]) for e in spec.rule(rule_id).params["statements"]
              if e["table"] == "legacy"}
    legacy_at: dict[tuple[int, str], tuple[str, float, int]] = {}
    if not legacy.empty:
        rows = [legacy[c].tolist() for c in ("report", "code", "label", "value", "position")]
        for r, code, label, value, position in zip(*rows, strict=True):
            folded = _folded(spec, label)
            if folded in wanted:
                legacy_at.setdefault((r, folded), (code, value, position))
    at = {key: {int(r): k for k, r in enumerate(v.reports)} for key, v in values.items()}
    records: list[tuple[object, ...]] = []
    for i, report in enumerate(reports):
        if not report.narrative:
            continue
        for found in text.statements(report, spec, rule_id):
            entry = found.entry
            head = (i, found.section, found.sentence, found.stated, entry["table"])
            if entry["table"] == "legacy":
                cell = legacy_at.get((i, _folded(spec, entry["label"])))
                if cell is not None and not np.isnan(cell[1]):
                    records.append((*head, cell[0], "value", cell[1], np.nan, np.nan, cell[2]))
                continue
            shape = table_shape(spec, entry["table"])
            readings: list[tuple[Sequence[str], float]] = []
            for cells in entry["cells"]:
                value = _reading(i, cells, shape, values[entry["table"]], at[entry["table"]])
                if value is not None:  # a reading of the report's edition
                    readings.append((cells, value))
            if not readings or ("value" not in entry and np.isnan(readings[0][1])):
                continue
            alts = [np.nan_to_num(value) for _, value in readings[1:]][:2]
            alts += [np.nan] * (2 - len(alts))
            row, column = readings[0][0][0].split(".")
            records.append((*head, row, column, readings[0][1], *alts, -1))
    return pd.DataFrame.from_records(records, columns=columns)


def _narrative_frames(reports: Sequence[Report], spec: Spec,
                      previous: Sequence[Report | None] | None) -> dict[str, pd.DataFrame]:
    """The frames of the text checks: ``sections`` (one row per report and section of the
    form, for reports whose headings are known), ``fee`` (one row per report with a 六),
    ``typos`` (one row per repeated word or bracket mark found) and ``repeats`` (one row per
    text section that this year's and last year's report both have)."""
    frames: dict[str, pd.DataFrame] = {}
    editions = {i: r.meta.edition or "" for i, r in enumerate(reports)}

    def checked(rule_id: str, i: int) -> bool:  # the report's edition is one the rule checks
        kept = spec.rule(rule_id).editions
        return not kept or editions[i] in kept

    rule_id = _rule_of(spec, "sections")
    if rule_id is not None:
        rows = [{"report": i, "edition": editions[i], **row} for i, r in enumerate(reports)
                if r.headings is not None and checked(rule_id, i)
                for row in text.heading_rows(r, spec, rule_id)]
        frames["sections"] = pd.DataFrame(rows)
    rule_id = _rule_of(spec, "fee_statement")
    if rule_id is not None:
        frames["fee"] = pd.DataFrame([
            {"report": i, "edition": editions[i], "stated": text.fee_stated(r, spec, rule_id)}
            for i, r in enumerate(reports) if r.narrative.get("other") and checked(rule_id, i)])
    rule_id = _rule_of(spec, "typos")
    if rule_id is not None:
        frames["typos"] = pd.DataFrame([{"report": i, **row} for i, r in enumerate(reports)
                                        for row in text.typos(r, spec, rule_id)])
    rule_id = _rule_of(spec, "repeated_from_previous")
    if rule_id is not None and previous is not None:
        frames["repeats"] = pd.DataFrame([
            {"report": i, **row} for i, (r, p) in enumerate(zip(reports, previous, strict=True))
            if p is not None for row in text.repeated(r, p, spec, rule_id)])
    return frames


def _years(current: Mapping[str, _Values], previous: Mapping[str, _Values],
           spec: Spec) -> dict[str, pd.DataFrame]:
    """This year's cells beside last year's, for the reports that have both: one frame per
    two-year rule (``<table>.years``), its cells named by the rule's parameters."""
    frames = {}
    for rule in spec.rules:
        if rule.kind not in ("year_carried_in", "year_in_force"):
            continue
        shape = table_shape(spec, rule.table)
        now, before = current[rule.table], previous[rule.table]
        common, k_now, k_before = np.intersect1d(now.reports, before.reports, return_indices=True)
        if not len(common):
            continue
        p = rule.params
        if rule.kind == "year_carried_in":  # this year's row against last year's, per column
            nc = len(shape.columns)
            frames[f"{rule.table}.years"] = _frame({
                "report": np.repeat(common, nc),
                "column": np.tile(np.array(shape.columns, dtype=object), len(common)),
                "current": now.values[k_now, shape.row_index[p["row"]]].reshape(-1),
                "previous": before.values[k_before, shape.row_index[p["previous_row"]]].reshape(-1),
            })
            continue
        j = shape.column_index[p["column"]]
        nr = len(shape.rows)
        both = now.exists[k_now, :, j] & before.exists[k_before, :, j]  # rows with the column both years

        def column(v: _Values, k: np.ndarray, key: str, shape: TableShape = shape) -> np.ndarray:
            return v.values[k, :, shape.column_index[key]].reshape(-1)

        frames[f"{rule.table}.years"] = _frame({
            "report": np.repeat(common, nr),
            "edition": np.repeat(now.editions[k_now], nr),
            "row": np.tile(np.array(shape.rows, dtype=object), len(common)),
            "plus": column(now, k_now, p["plus"]),
            "minus": column(now, k_now, p["minus"]),
            "current": column(now, k_now, p["column"]),
            "previous": column(before, k_before, p["column"]),
        }, both.reshape(-1))
    return frames


def build_frames(reports: Sequence[Report], spec: Spec,
                 previous: Sequence[Report | None] | None = None) -> dict[str, pd.DataFrame]:
    """Every frame the rules run on, for a batch of reports (and last year's, aligned)."""
    frames: dict[str, pd.DataFrame] = {}
    values = {key: _values(reports, table_shape(spec, key)) for key in spec.matrix_tables}
    cells = []
    for key, v in values.items():
        shape = table_shape(spec, key)
        frames[f"{key}.by_row"] = _by_row(v, shape)
        frames[f"{key}.by_column"] = _by_column(v, shape)
        cells.append(_cells(v, shape))
    legacy = _legacy(reports, spec)
    frames["legacy"] = legacy
    if not legacy.empty:
        cells.append(_legacy_cells(legacy))
    frames["cells"] = _frame({k: np.concatenate([c[k] for c in cells]) for k in cells[0]})
    frames["meta"] = _frame({
        "report": np.arange(len(reports), dtype=np.int64),
        "edition": np.array([r.meta.edition or "" for r in reports], dtype=object),
        "year": np.array([np.nan if r.meta.year is None else r.meta.year for r in reports], dtype=float),
    })
    frames["statements"] = _statements(reports, spec, values, legacy)
    frames.update(_narrative_frames(reports, spec, previous))
    if previous is not None and any(p is not None for p in previous):
        two_years = {r.table for r in spec.rules if r.kind in ("year_carried_in", "year_in_force")}
        before = {key: _values(previous, table_shape(spec, key)) for key in two_years}
        frames.update(_years(values, before, spec))
    return frames
