"""Tables that come as grids (web pages, Word, PDF): header lines say which grid column
holds which key; rows are anchored on their labels."""

from __future__ import annotations

import functools

from ..document import Grid, GridCell, Paragraph
from ..labels import LabelIndex, core
from ..model import Unmapped
from ..numbers import is_value_text
from ..spec import Table
from .candidates import RowCandidate, near_row


def _is_number(text: str) -> bool:
    return bool(text.strip()) and is_value_text(text)


def _column_for(table: Table, header: list[str]) -> str | None:
    """The column whose label is the lowest header text of a grid column; when several share
    that label ("结果维持" under 行政复议 and twice under 行政诉讼), the one whose parents appear
    higher up in the same grid column."""
    cores = [core(h) for h in header]
    by_label = _columns_by_label(table)
    for depth in range(len(cores) - 1, -1, -1):
        candidates = by_label.get(cores[depth])
        if candidates:
            above = set(cores[:depth])
            scored = sorted(((sum(p in above for p in parents), key) for key, parents in candidates),
                            reverse=True)
            if len(scored) > 1 and scored[0][0] == scored[1][0]:
                return None  # "结果维持" with no parent above it: which of three?
            return scored[0][1]
    return None


@functools.cache
def _columns_by_label(table: Table) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Column keys by the core of each of their labels, with the cores of their parents."""
    result: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for column in table.columns:
        parents = tuple(core(p) for p in column.path[:-1])
        for label in {core(x) for x in (column.label, *column.aliases)}:
            result.setdefault(label, []).append((column.key, parents))
    return result


def _column_map(table: Table, header_rows: list[tuple[GridCell, ...]]) -> dict[int, str]:
    """Grid column → column key, from the header texts above each grid column.

    A column is left out when the header prints the parent of its label (法人或其他组织 above
    商业企业 …) but not above it: the merged header cells are misaligned with the labels under
    them (a colspan one short, a rowspan missing), so the labels' positions cannot be trusted.
    The rows then fall back to the form's order, or keep their values in ``unmapped``."""
    width = max(len(r) for r in header_rows)
    printed = {core(c.text) for row in header_rows for c in row if c.text.strip()}
    mapping = {}
    for c in range(width):
        texts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for row in header_rows:
            if c < len(row) and row[c].origin not in seen and row[c].text.strip():
                seen.add(row[c].origin)
                texts.append(row[c].text)
        key = _column_for(table, texts) if texts else None
        if key is None:
            continue
        parents = [core(p) for p in table.column(key).path[:-1]]
        above = {core(t) for t in texts}
        if parents and parents[-1] in printed and parents[-1] not in above:
            continue
        mapping[c] = key
    return mapping


def rows_from_grid(
    table: Table, grid: Grid, index: LabelIndex, carried: dict[int, str] | None = None
) -> tuple[list[RowCandidate], list[Unmapped], dict[int, str] | None]:
    """Printed rows of a grid whose header lines say which grid column holds which key.

    ``carried`` is the column map of the previous part of the same table, for a table split
    across pages whose continuation repeats no header. Returns the rows, what could not be
    placed, and the column map in force at the end (to carry into a continuation).
    """
    candidates: list[RowCandidate] = []
    unmapped: list[Unmapped] = []
    width = max((len(r) for r in grid.rows), default=0)
    # Carried maps count columns from the right: the values stand at the right edge, and a
    # continuation may have more or fewer label columns (merged on one page, split on the next).
    column_map = {width - 1 - off: key for off, key in carried.items()} if carried else None
    header: list[tuple[GridCell, ...]] = []
    for cells in grid.rows:
        labels = [c for c in cells if c.text.strip() and not is_value_text(c.text)]
        numbers = [c for c in cells if _is_number(c.text)]
        targets = [index.lookup(c.text, rows_first=True) for c in labels]
        if not numbers and any(
            (t := index.lookup(c.text, rows_first=False)) is not None and t.kind in ("column", "header")
            for c in labels
        ) and not any(t is not None and t.kind == "row" for t in targets):
            header.append(cells)
            continue
        if header:
            column_map = _column_map(table, header) or column_map
            header = []
        # Text standing where values stand (待核实, "1 2") is a value written as text, not a label.
        textual = _textual_values(labels, column_map, index)
        if textual:
            labels = [c for c in labels if c not in textual]
            numbers = numbers + textual
            targets = [index.lookup(c.text, rows_first=True) for c in labels]
        row_key = next((t.key for t in reversed(targets) if t is not None and t.kind == "row"), None)
        if row_key is None and len(labels) > 1:
            joined = index.lookup("".join(c.text for c in labels), rows_first=True)
            row_key = joined.key if joined is not None and joined.kind == "row" else None
        if row_key is None and numbers:  # numbers right after a group label naming an off-form row
            row_key = next((t.row for t in reversed(targets) if t is not None and t.row), None)
        misprint = False
        if row_key is None and numbers and labels:
            row_key = near_row(table, index, labels[-1].text, candidates)
            misprint = row_key is not None
        if row_key is None:
            if any(t is not None and t.kind == "group" for t in targets) and table.layout == "groups":
                column_map = None  # a new group: its own header line follows
                continue
            single = [r for r in table.rows if not r.label]
            if single and not labels and (numbers or column_map) and not any(
                c.row == single[0].key for c in candidates
            ):
                row_key = single[0].key  # table 四: one row of numbers under its header
            elif numbers or any(t is None for t in targets):
                unknown = [c for c in _distinct(cells) if c in labels and index.lookup(c.text) is None]
                values = [c for c in _distinct(cells) if c in numbers]
                if unknown and values:  # a provincial extra row: its label and numbers, once
                    text = "".join(c.text for c in unknown) + "：" + " ".join(c.text for c in values)
                    unmapped.append(Unmapped(unknown[0].where, text))
                else:
                    unmapped.extend(Unmapped(c.where, c.text) for c in unknown + values)
                continue
            else:
                continue
        label = labels[-1].text if labels else ""
        where = cells[0].where if cells else grid.where
        row_columns = table.row(row_key).columns
        others = [c for c in _distinct(cells) if c not in labels]
        named = set(column_map.values()) if column_map else set()
        if column_map and not set(row_columns) <= named and len(others) == len(row_columns):
            # The header did not name every column (split across a page, or ambiguous) but the
            # row has exactly one cell per column: the form's own order.
            candidates.append(RowCandidate(
                row_key, [Paragraph(v.text, v.where, True) for v in others], None, label, where))
        elif column_map:
            by_key: dict[str, list[GridCell]] = {}
            seen: set[tuple[tuple[int, int], str]] = set()
            for c, key in sorted(column_map.items()):
                if c >= len(cells) or key not in row_columns or cells[c] in labels:
                    continue
                if (cells[c].origin, key) in seen:
                    continue
                seen.add((cells[c].origin, key))
                by_key.setdefault(key, []).append(cells[c])
            used = {c.origin for placed in by_key.values() for c in placed}
            strays = [c for c in _distinct(cells) if c in numbers and c.origin not in used]
            in_order = _one_per_column(others, len(row_columns))
            if strays and in_order is not None:
                # A value under no column (a merged header cell wider than its labels): the
                # row has one value per form column, so the form's order places them all.
                candidates.append(RowCandidate(
                    row_key, [Paragraph(v.text, v.where, True) for v in in_order], None, label, where))
                continue
            keys = tuple(k for k in row_columns if k in by_key)
            values = []
            for key in keys:
                filled = [c for c in by_key[key] if c.text.strip()] or by_key[key][:1]
                values.append(filled[0])
                for extra in filled[1:]:
                    unmapped.append(Unmapped(extra.where, f"多出的数值：{extra.text}"))
            name = label or table.row(row_key).label
            unmapped.extend(Unmapped(c.where, f"“{name}”一行中表头未对应到栏目的数值：{c.text}")
                            for c in strays)
            candidates.append(RowCandidate(
                row_key, [Paragraph(v.text, v.where, True) for v in values], keys, label, where))
        else:
            trailing = [c for c in _distinct(cells) if c not in labels]
            # No header: text right of the row's first number is a value written as text when
            # the row then has exactly one value per column (else it is a note beside the row).
            first = min((c.origin[1] for c in trailing if _is_number(c.text)), default=None)
            with_text = [c for c in _distinct(cells) if c in trailing or (
                first is not None and c.origin[1] > first and index.lookup(c.text) is None)]
            # Blank cells at the right edge beyond the row's columns pad it to a wider row.
            chosen = _one_per_column(with_text, len(row_columns))
            if chosen is None:
                chosen = _one_per_column(trailing, len(row_columns))
            trailing = chosen if chosen is not None else trailing[-len(row_columns):]
            candidates.append(RowCandidate(
                row_key, [Paragraph(v.text, v.where, True) for v in trailing], None, label, where))
        candidates[-1].misprint = misprint
    carry = {width - 1 - c: key for c, key in column_map.items()} if column_map else None
    return candidates, unmapped, carry


def _textual_values(labels: list[GridCell], column_map: dict[int, str] | None,
                    index: LabelIndex) -> list[GridCell]:
    """Label-like cells that are values written as text: no label of the table, starting in
    the value columns (at or right of the first column the header maps)."""
    if not column_map:
        return []
    first_value = min(column_map)
    result = []
    for cell in labels:
        if cell.origin[1] >= first_value and index.lookup(cell.text) is None and cell not in result:
            result.append(cell)
    return result


def _one_per_column(others: list[GridCell], count: int) -> list[GridCell] | None:
    """A row's value cells when there is exactly one per form column (blank cells at the right
    edge beyond them, which a wider header pads the row with, aside); else None."""
    values = list(others)
    while len(values) > count and not values[-1].text.strip():
        values.pop()
    return values if len(values) == count else None


def _distinct(cells: tuple[GridCell, ...]) -> list[GridCell]:
    """The cells of a grid row, a merged cell once."""
    seen: set[tuple[int, int]] = set()
    result = []
    for cell in cells:
        if cell.origin not in seen:
            seen.add(cell.origin)
            result.append(cell)
    return result


def grid_tokens(grid: Grid) -> list[Paragraph]:
    """A grid read cell by cell, a merged cell once, as a text dump would show it."""
    tokens = []
    seen: set[tuple[int, int]] = set()
    for cells in grid.rows:
        for cell in cells:
            if cell.origin not in seen:
                seen.add(cell.origin)
                tokens.append(Paragraph(cell.text, cell.where, True))
    return tokens


def grid_score(table: Table, grid: Grid, index: LabelIndex) -> int:
    """How many distinct labels of ``table`` the grid shows (0: not this table)."""
    found = set()
    for text in _label_texts(grid):
        target = index.lookup(text)
        if target is not None and target.kind != "note":
            found.add(target)
    return len(found)


def _label_texts(grid: Grid) -> set[str]:
    return {c.text for c in grid_tokens(grid) if c.text.strip() and not is_value_text(c.text)}


# --- text: rows rebuilt from lines and cells ----------------------------------------------
