"""Matching table content to the spec: one module for every source format.

A table arrives as *row candidates*: the label texts and the value texts of one printed row.
Formats with a real grid give them directly; text dumps, which lose the grid, get them from
:func:`rows_from_tokens`, which rebuilds rows from the spec's label anchors. :func:`fill`
then places every value at its (row, column) key and reports what it could not place.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .document import Grid, GridCell, Paragraph
from .labels import LabelIndex, Target, core
from .model import Cell, Unmapped
from .numbers import NotANumber, is_value_text, parse_number
from .spec import Table

__all__ = ["RowCandidate", "fill", "grid_score", "grid_tokens", "rows_from_grid", "rows_from_tokens"]


@dataclass
class RowCandidate:
    """One printed row: its row key (None when no label named one), the value texts in
    printed order, and the columns they belong to (None: the row's own columns)."""

    row: str | None
    values: list[Paragraph] = field(default_factory=list)
    columns: tuple[str, ...] | None = None
    label: str = ""
    where: str = ""


def _expected(table: Table, candidate: RowCandidate) -> int:
    if candidate.columns is not None:
        return len(candidate.columns)
    if candidate.row and table.has_row(candidate.row):
        return len(table.row(candidate.row).columns)
    return len(table.columns)


def rows_from_tokens(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[Unmapped]]:
    """Rebuild printed rows from a text dump's cells, anchored on the spec's labels.

    A row starts at a label naming a row of ``table`` and takes the value cells that follow,
    up to the row's column count; header lines (column labels) set the columns of the rows
    under them in table 二; empty cells between rows are the blank label cells of merged
    columns. A label split over several cells ("（三）不予" / "公开") is joined back.
    """
    candidates: list[RowCandidate] = []
    unmapped: list[Unmapped] = []
    pending: list[Paragraph] = []  # label cells that named nothing yet
    header: list[str] = []  # column keys of the latest header line
    current: RowCandidate | None = None
    trailing: list[Paragraph] = []  # values after the last label (a row without a label)

    def drop_pending() -> None:
        for tok in pending:
            unmapped.append(Unmapped(tok.where, tok.text))
        pending.clear()

    def flush_orphans() -> None:
        """A label naming no row (a provincial extra row) and the numbers after it: one entry."""
        if pending and trailing:
            label = "".join(p.text for p in pending)
            numbers = " ".join(t.text for t in trailing)
            unmapped.append(Unmapped(pending[0].where, f"{label}：{numbers}"))
            pending.clear()
        else:
            drop_pending()
            unmapped.extend(Unmapped(t.where, f"多出的数值：{t.text}") for t in trailing)
        trailing.clear()

    def on_target(target: Target, tok: Paragraph) -> None:
        nonlocal current, header
        if target.kind == "row":
            columns = None
            row = table.row(target.key)
            if table.layout == "groups" and header and set(header) <= set(row.columns):
                columns = tuple(header)
            current = RowCandidate(target.key, [], columns, tok.text, tok.where)
            candidates.append(current)
        elif target.kind == "column":
            if current is not None and current.row is not None:
                header = []
            current = None
            header.append(target.key)
        elif target.kind == "group" and table.layout == "groups":
            header = []
            current = None

    for tok in tokens:
        if is_value_text(tok.text):
            if current is not None and len(current.values) < _expected(table, current):
                current.values.append(tok)
            elif tok.text:
                trailing.append(tok)
            continue
        if trailing:
            flush_orphans()
        rows_first = bool(candidates)
        joined = "".join(p.text for p in pending) + tok.text
        target = index.lookup(joined, rows_first) if pending else None
        if target is not None:
            pending.clear()
        else:
            target = index.lookup(tok.text, rows_first)
            if target is not None:
                drop_pending()
        if target is None:
            pending.append(tok)
            current = None  # the numbers after an unknown label are not the last row's
            continue
        on_target(target, tok)
    single = [r for r in table.rows if not r.label]
    if trailing and not pending and single and not any(c.row == single[0].key for c in candidates):
        expected = len(single[0].columns)  # table 四: one row of numbers under its header
        candidates.append(RowCandidate(single[0].key, trailing[-expected:], None, "", trailing[0].where))
        del trailing[-expected:]
    flush_orphans()
    return candidates, unmapped


def fill(
    table: Table, candidates: list[RowCandidate], cells: dict[str, dict[str, Cell]]
) -> list[Unmapped]:
    """Place each candidate's values into ``cells`` (row → column → Cell)."""
    unmapped: list[Unmapped] = []
    for cand in candidates:
        if cand.row is None or cand.row not in cells:
            for tok in cand.values:
                unmapped.append(Unmapped(tok.where, f"{cand.label}：{tok.text}"))
            continue
        row = table.row(cand.row)
        columns = cand.columns or row.columns
        if len(cand.values) < len(columns):
            unmapped.append(Unmapped(
                cand.where,
                f"“{cand.label or row.label}”一行只找到{len(cand.values)}个数值，应有{len(columns)}个；"
                "缺少的按空白处理",
            ))
        for key, tok in zip(columns, cand.values, strict=False):
            column = table.column(key)
            target = cells[cand.row][key]
            if target.where:
                unmapped.append(Unmapped(tok.where, f"重复的“{row.label}”数值：{tok.text}"))
                continue
            try:
                value = parse_number(tok.text, money=column.is_money)
            except NotANumber:
                unmapped.append(Unmapped(tok.where, tok.text))
                value = None
            cells[cand.row][key] = Cell(value, tok.text, tok.where)
    return unmapped


# --- grids: formats that keep the table's rows and columns --------------------------------


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
    width = max(len(r) for r in header_rows)
    mapping = {}
    for c in range(width):
        texts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for row in header_rows:
            if c < len(row) and row[c].origin not in seen and row[c].text.strip():
                seen.add(row[c].origin)
                texts.append(row[c].text)
        key = _column_for(table, texts) if texts else None
        if key is not None:
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
        row_key = next((t.key for t in reversed(targets) if t is not None and t.kind == "row"), None)
        if row_key is None and len(labels) > 1:
            joined = index.lookup("".join(c.text for c in labels), rows_first=True)
            row_key = joined.key if joined is not None and joined.kind == "row" else None
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
            keys = tuple(k for k in row_columns if k in by_key)
            values = []
            for key in keys:
                filled = [c for c in by_key[key] if c.text.strip()] or by_key[key][:1]
                values.append(filled[0])
                for extra in filled[1:]:
                    unmapped.append(Unmapped(extra.where, f"多出的数值：{extra.text}"))
            candidates.append(RowCandidate(
                row_key, [Paragraph(v.text, v.where, True) for v in values], keys, label, where))
        else:
            trailing = [c for c in _distinct(cells) if c not in labels][-len(row_columns):]
            candidates.append(RowCandidate(
                row_key, [Paragraph(v.text, v.where, True) for v in trailing], None, label, where))
    carry = {width - 1 - c: key for c, key in column_map.items()} if column_map else None
    return candidates, unmapped, carry


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
