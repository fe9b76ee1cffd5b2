"""Matching table content to the spec: one module for every source format.

A table arrives as *row candidates*: the label texts and the value texts of one printed row.
Formats with a real grid give them directly; text dumps, which lose the grid, get them from
:func:`rows_from_tokens`, which rebuilds rows from the spec's label anchors. :func:`fill`
then places every value at its (row, column) key and reports what it could not place.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .document import Grid, GridCell, Paragraph
from .labels import LabelIndex, Target, core
from .model import Cell, Unmapped
from .numbers import NotANumber, is_value_text, parse_number
from .spec import Table

__all__ = ["RowCandidate", "fill", "grid_score", "grid_tokens", "rows_from_grid", "rows_from_text"]


@dataclass
class RowCandidate:
    """One printed row: its row key (None when no label named one), the value texts in
    printed order, and the columns they belong to (None: the row's own columns)."""

    row: str | None
    values: list[Paragraph] = field(default_factory=list)
    columns: tuple[str, ...] | None = None
    label: str = ""
    where: str = ""
    misprint: bool = False  # the label is not the form's, but close to the row at its place


def near_row(table: Table, index: LabelIndex, text: str, candidates: list[RowCandidate]) -> str | None:
    """The row the form has at this place (the next rows after the last one read) when the
    printed label is close enough to its label: a misprint ("2.其他法律行政止公开"), read as
    that row and named by a warning; never a guess among rows elsewhere in the table."""
    if not text.strip() or index.lookup(text) is not None:
        return None
    order = [r.key for r in table.rows if r.label]
    last = next((c.row for c in reversed(candidates) if c.row in order), None)
    start = order.index(last) + 1 if last else 0
    placed = {c.row for c in candidates}
    nearby = [key for key in order[start:start + 2] if key not in placed]
    scored = sorted(((index.row_similarity(text, key), key) for key in nearby), reverse=True)
    if scored and scored[0][0] >= index.misprint_similarity:
        return scored[0][1]
    return None


def _expected(table: Table, candidate: RowCandidate) -> int:
    if candidate.columns is not None:
        return len(candidate.columns)
    if candidate.row and table.has_row(candidate.row):
        return len(table.row(candidate.row).columns)
    return len(table.columns)


def _rows_from_tokens(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[tuple[int, list[Paragraph]]], list[Unmapped]]:
    """Rebuild printed rows from a text dump's cells, anchored on the spec's labels.

    A row starts at a label naming a row of ``table`` and takes the value cells that follow,
    up to the row's column count; header lines (column labels) set the columns of the rows
    under them in table 二; empty cells between rows are the blank label cells of merged
    columns. A label split over several cells ("（三）不予" / "公开") is joined back.
    """
    candidates: list[RowCandidate] = []
    unmapped: list[Unmapped] = []
    runs: list[tuple[int, list[Paragraph]]] = []  # numbers no label claimed, and where
    pending: list[Paragraph] = []  # label cells that named nothing yet
    header: list[str] = []  # column keys of the latest header line
    current: RowCandidate | None = None
    trailing: list[Paragraph] = []  # values after the last label (a row without a label)
    tentative: set[int] = set()  # off-form rows named by a group label: rows only with numbers

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
            if trailing:
                runs.append((len(candidates), list(trailing)))
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
        elif target.kind == "group" and target.row is not None and (
            current is None or len(current.values) >= _expected(table, current)
        ):
            # A group label that also names an off-form row (（六）其他处理 printed as one row):
            # the row, if numbers follow the label directly.
            current = RowCandidate(target.row, [], None, tok.text, tok.where)
            tentative.add(id(current))  # a candidate once a number follows (below)

    for tok in tokens:
        if is_value_text(tok.text):
            if current is None and pending and not trailing:
                printed = "".join(p.text for p in pending)
                key = near_row(table, index, printed, candidates)
                if key is not None:
                    current = RowCandidate(key, [], None, printed, pending[0].where, True)
                    candidates.append(current)
                    pending.clear()
            if current is not None and len(current.values) < _expected(table, current):
                if id(current) in tentative and not current.values:
                    candidates.append(current)
                current.values.append(tok)
            elif tok.text:
                trailing.append(tok)
            continue
        if (current is not None and not pending and len(current.values) < _expected(table, current)
                and _is_cell_text(tok.text, index)):
            current.values.append(tok)  # "待核实" in a count cell: a value that is not a number
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
    return candidates, runs, unmapped


def _is_cell_text(text: str, index: LabelIndex) -> bool:
    """Short text that is no label of the form nor a piece of one ("待核实", "1 2"): what a
    clerk writes in a count cell, not the continuation of a label."""
    return (0 < len(text.strip()) <= 8 and index.lookup(text) is None
            and not index.is_piece_of(text) and not index.is_form_text(text))


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
                # Text in a count cell (待核实, "1 2"): placed at its cell, blank, its text kept;
                # the validator names it (report.not_a_number).
                value = None
            cells[cand.row][key] = Cell(value, tok.text, tok.where, cand.label if cand.misprint else "")
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


def rows_from_text(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[Unmapped]]:
    """Printed rows of a table that came as text, whatever the dump's layout.

    A row printed on a line of its own (label and numbers side by side: ``pdftotext
    -layout``, pasted tab-separated text, Markdown without a grid, copy from a PDF viewer) is
    read by :func:`rows_from_lines`; a dump with one cell per line by :func:`rows_from_tokens`.
    Numbers that no label claims are then given to the rows without numbers between their
    neighbours, in the form's order, when they fit exactly (labels floating away from their
    numbers).
    """
    if _line_shaped(tokens):
        candidates, runs, unmapped = _rows_from_lines(table, tokens, index)
    else:
        candidates, runs, unmapped = _rows_from_tokens(table, tokens, index)
    unmapped += _fill_gaps(table, candidates, runs)
    return candidates, unmapped


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _line_shaped(tokens: list[Paragraph]) -> bool:
    """True when lines of the dump hold a label with numbers, or several numbers."""
    by_line: dict[int, list[Paragraph]] = {}
    for tok in tokens:
        if tok.line and tok.cell:
            by_line.setdefault(tok.line, []).append(tok)
    numbers = [sum(_has_digit(t.text) and is_value_text(t.text) for t in fields)
               for fields in by_line.values() if len(fields) >= 2]
    # One line of two numbers in a dump of cells is a cell ("1 2"), not a row.
    return sum(n >= 1 for n in numbers) >= 2 or any(n >= 3 for n in numbers)


def _lines(tokens: list[Paragraph]) -> list[list[Paragraph]]:
    """Tokens grouped by the line they stood on (a token of unknown line: its own line)."""
    lines: list[list[Paragraph]] = []
    for tok in tokens:
        if tok.line and lines and lines[-1][0].line == tok.line:
            lines[-1].append(tok)
        else:
            lines.append([tok])
    return lines


@dataclass
class _ValueLine:
    """A printed line holding numbers: its label fields and its value fields."""

    labels: list[Paragraph]
    values: list[Paragraph]
    stray: list[Paragraph]  # numbers standing before the row's label


# A combination of fragments tried for a row's label: (from above, from below), fewest first;
# the label of a row starts on its numbers' line or above it and may end below it.
_COMBINATIONS = ((0, 1), (0, 2), (1, 0), (1, 1), (2, 0), (1, 2), (2, 1), (2, 2), (0, 3), (3, 0), (3, 1),
                 (1, 3), (3, 2), (2, 3), (3, 3))
# Fragments further apart than this (in characters) stand in different label columns.
_SAME_COLUMN = 3


def _split_line(fields: list[Paragraph]) -> _ValueLine | None:
    """A line's label and value fields, or None when the line holds no number.

    The label is the fields before the first value field that follows one (an empty field
    before the label is a merged label cell left empty); from there on every field is a
    value, text included ("待核实" in a count cell is a cell that is not a number)."""
    def is_label(field: Paragraph) -> bool:
        return bool(field.text) and not is_value_text(field.text) and len(_numbers_in(field)) == 1

    first_label = next((i for i, t in enumerate(fields) if is_label(t)), None)
    if first_label is None:
        labels, values, stray = [], list(fields), []
    else:
        start = next((i for i in range(first_label, len(fields)) if not is_label(fields[i])), len(fields))
        labels = [t for t in fields[:start] if is_label(t)]
        stray = [t for t in fields[:start] if t.text and not is_label(t)]
        values = fields[start:]
    if not any(_has_digit(t.text) and not is_label(t) for t in values):
        return None
    return _ValueLine(labels, values, stray)


def _rows_from_lines(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[tuple[int, list[Paragraph]]], list[Unmapped]]:
    """Rows of a dump that prints a row per line (see :func:`rows_from_text`).

    Each line with numbers is a row. Its label is on the same line, or cut by the line width
    into fragments on the lines above and below it (vertically centred, or top-aligned); the
    fewest fragments that make up a label of the form decide, taken from the label's own
    column when the line says where it stood. Fragments nobody claims are pieces of the
    form's group labels (dropped), labels of rows left blank, or content (unmapped).
    """
    items: list[Paragraph | _ValueLine] = []
    for fields in _lines(tokens):
        split = _split_line(fields) if any(_has_digit(t.text) for t in fields) else None
        if split is None:
            items.extend(t for t in fields if t.text)
        else:
            items.append(split)
    items = _stacked_headers(items, index)
    candidates: list[RowCandidate] = []
    runs: list[tuple[int, list[Paragraph]]] = []
    unmapped: list[Unmapped] = []
    consumed: set[int] = set()  # ids of fragments taken into a label
    leftovers: list[tuple[int, Paragraph]] = []  # (item number, fragment) no row took
    header: list[str] = []  # column keys of the latest header line (table 二's groups)
    single = next((r for r in table.rows if not r.label), None)
    order = {row.key: i for i, row in enumerate(table.rows)}
    firm = {at: key for at, item in enumerate(items)
            if isinstance(item, _ValueLine) and (key := _own_row(item, index)) is not None}
    for at in _wrapped_values(table, items, firm):
        items[at] = Paragraph("", items[at].values[0].where)  # merged into its row's line
    by_order = _lines_in_order(table, items, firm, index)
    for at, item in enumerate(items):
        if isinstance(item, Paragraph):
            target = index.lookup(item.text, rows_first=False)
            if target is not None and target.kind == "column" and table.layout == "groups":
                if at and isinstance(items[at - 1], _ValueLine):
                    header = []
                header.append(target.key)
            elif target is not None and target.kind == "group":
                header = []
            continue
        misprint = False
        if at in firm:
            found: tuple[str, list[Paragraph]] | None = _resolve_line(item, [], [], index)
        elif at in by_order:
            key, misprint = by_order[at]
            found = key, item.labels
        else:
            last = next((c.row for c in reversed(candidates) if c.row in order), None)
            upper = next((order[k] for a, k in sorted(firm.items()) if a > at), len(table.rows))
            lower = order[last] if last else -1
            above = _fragments(items, range(at - 1, -1, -1), consumed)[::-1]
            below = _fragments(items, range(at + 1, len(items)), consumed)
            found = _resolve_line(item, above, below, index,
                                  lambda k, lower=lower, upper=upper: lower < order[k] < upper)
            if found is None and item.labels:
                key = near_row(table, index, "".join(t.text for t in item.labels), candidates)
                found, misprint = (None, False) if key is None else ((key, item.labels), True)
        unmapped.extend(Unmapped(t.where, f"多出的数值：{t.text}") for t in item.stray)
        if found is None:
            leftovers.extend((at, t) for t in item.labels)
            ones = next((c for c in candidates if c.row == single.key), None) if single else None
            if single is not None and not item.labels and ones is None:
                values = _row_values(item.values, len(single.columns))
                candidates.append(RowCandidate(single.key, values, None, "", item.values[0].where))
            elif ones is not None and not item.labels and len(ones.values) < len(single.columns):
                ones.values += item.values  # a one-row table printed in parts (行政复议 | 行政诉讼 …)
            else:
                runs.append((len(candidates), item.values))
            continue
        key, used = found
        consumed.update(id(t) for t in used)
        # Text right of the row's label is a value that is not a number ("规章 | 待核实 | 0 | 3").
        last_used = max((i for i, t in enumerate(item.labels) if t in used), default=len(item.labels))
        texts = item.labels[last_used + 1:]
        item = _ValueLine(item.labels[:last_used + 1], [*texts, *item.values], item.stray)
        leftovers.extend((at, t) for t in item.labels if t not in used)
        label = "".join(t.text for t in sorted(used, key=lambda t: (t.line, t.column)))
        columns, values = _by_header(table, key, header, item.values)
        candidates.append(RowCandidate(key, values, columns, label, item.values[0].where, misprint))
    leftovers += [(at, t) for at, t in enumerate(items) if isinstance(t, Paragraph) and id(t) not in consumed]
    unmapped += _place_leftovers(candidates, [t for _, t in sorted(leftovers, key=lambda p: p[0])], index)
    headers = [line for line in _lines(tokens)
               if len(line) > 1 and all(t.column >= 0 and t.text and not is_value_text(t.text) for t in line)]
    pieces: dict[str, list[float]] = {}  # column key → where the pieces of its header stand
    for tok in (t for t in items if isinstance(t, Paragraph) and t.column >= 0):
        key = index.column_of_piece(tok.text)
        if key is not None:
            pieces.setdefault(key, []).append(tok.column + len(tok.text))  # CJK: two columns a character
    _align_by_columns(table, candidates, headers, pieces)
    return candidates, runs, unmapped


def _stacked_headers(items: list, index: LabelIndex) -> list:
    """A column header cut over two lines at the same place ("本年新" over "公开数量") is one
    header word: joined, so that the header line says the order of its columns."""
    by_line: dict[int, list[Paragraph]] = {}
    for item in items:
        if isinstance(item, Paragraph) and item.line and item.column >= 0:
            by_line.setdefault(item.line, []).append(item)
    joined: dict[int, Paragraph] = {}  # id of an upper fragment → the joined fragment
    dropped: set[int] = set()
    for line, upper in by_line.items():
        for top in upper:
            if index.lookup(top.text, rows_first=False) is not None:
                continue
            for bottom in by_line.get(line + 1, ()):
                if abs(bottom.column - top.column) > _SAME_COLUMN or id(bottom) in dropped:
                    continue
                target = index.lookup(top.text + bottom.text, rows_first=False)
                if target is not None and target.kind == "column":
                    joined[id(top)] = replace(top, text=top.text + bottom.text)
                    dropped.add(id(bottom))
                    break
    if not joined:
        return items
    return [joined.get(id(item), item) for item in items if id(item) not in dropped]


def _wrapped_values(table: Table, items: list, firm: dict[int, str]) -> list[int]:
    """Numbers of a row printed on the line just above or below it (a cell too narrow for
    "２２件" wraps: "２２" above the row, "件" below): merged into the row's line when the
    row is short of numbers and they stand where its line has none. Returns the lines
    merged away."""
    merged = []
    for at, key in firm.items():
        row = items[at]
        expected = len(table.row(key).columns)
        for near in (at - 1, at + 1, at - 2, at + 2):
            other = items[near] if 0 <= near < len(items) else None
            if (not isinstance(other, _ValueLine) or other.labels or near in firm or near in merged
                    or abs(other.values[0].line - row.values[0].line) > 2):
                continue
            printed = [v for v in row.values if v.text]
            extra = [v for v in other.values if v.text]
            if len(printed) + len(extra) > expected or any(v.column < 0 for v in printed + extra):
                continue
            spans = [(v.column, v.column + len(v.text)) for v in printed]
            if any(a < e and s < b for v in extra for a, b in [(v.column, v.column + len(v.text))]
                   for s, e in spans):
                continue  # it would stand on a number of the row: another row's
            row.values = sorted(printed + extra, key=lambda v: v.column)
            merged.append(near)
    return merged


def _own_row(line: _ValueLine, index: LabelIndex) -> str | None:
    """The row a line's own label names (a field of it, or all of them joined)."""
    for parts in ([t] for t in reversed(line.labels)):
        target = index.lookup(parts[0].text, rows_first=True)
        if target is not None and target.kind == "row":
            return target.key
    if len(line.labels) > 1:
        target = index.lookup("".join(t.text for t in line.labels), rows_first=True)
        if target is not None and target.kind == "row":
            return target.key
    return None


def _lines_in_order(
    table: Table, items: list, firm: dict[int, str], index: LabelIndex
) -> dict[int, tuple[str, bool]]:
    """Lines of numbers whose label is not on their line, between two lines whose label is:
    when there are exactly as many of them as the form has rows between those two rows,
    they are those rows in the form's order (a dump that prints labels away from their
    numbers keeps the numbers in order). A line with a label of its own takes part only
    when that label is a piece of the row's label, or a misprint of it."""
    order = {row.key: i for i, row in enumerate(table.rows)}
    anchors = [(-1, -1), *sorted((at, order[key]) for at, key in firm.items()), (len(items), len(table.rows))]
    result: dict[int, tuple[str, bool]] = {}
    for (start, low), (end, high) in itertools.pairwise(anchors):
        lines = [at for at in range(start + 1, end) if isinstance(items[at], _ValueLine)]
        rows = [r for r in table.rows[low + 1:high] if r.label]
        if len(lines) > len(rows):  # a stray number ("1" left of a cut label) is not a row
            widths = {len(r.columns) for r in rows}
            lines = [at for at in lines if sum(bool(v.text) for v in items[at].values) in widths]
        if not lines or len(lines) != len(rows) or high <= low:
            continue
        fits = []
        for at, row in zip(lines, rows, strict=True):
            printed = "".join(t.text for t in items[at].labels)
            if not printed or index.is_piece_of(printed, row.key):
                fits.append((row.key, False))
            elif index.row_similarity(printed, row.key) >= index.misprint_similarity:
                fits.append((row.key, True))
            else:
                break
        else:
            result.update(zip(lines, fits, strict=True))
    return result


def _fragments(items: list, order: range, consumed: set[int]) -> list[Paragraph]:
    """The label fragments next to a line with numbers (``order``: the items walked away
    from it, up or down), up to the next such line."""
    result = []
    for item in (items[i] for i in order):
        if isinstance(item, _ValueLine):
            break
        if id(item) not in consumed:
            result.append(item)
    return result


def _resolve_line(
    line: _ValueLine, above: list[Paragraph], below: list[Paragraph], index: LabelIndex,
    allowed: Callable[[str], bool] = lambda key: True,
) -> tuple[str, list[Paragraph]] | None:
    """The row a line of numbers belongs to, and the fragments its label was made of; only
    ``allowed`` rows (those between the rows read before and after it)."""

    def row_of(parts: list[Paragraph]) -> str | None:
        target = index.lookup("".join(t.text for t in parts), rows_first=True)
        ok = target is not None and target.kind == "row" and allowed(target.key)
        return target.key if ok else None

    for tok in reversed(line.labels):
        key = row_of([tok])
        if key is not None:
            return key, [tok]
    own = line.labels
    if own and own[0].column >= 0:
        column = own[-1].column
        near = lambda t: t.column < 0 or abs(t.column - column) <= _SAME_COLUMN  # noqa: E731
        above, below = [t for t in above if near(t)], [t for t in below if near(t)]
    tails = [own[-1:]] if len(own) > 1 else []
    for same in ([*own], *tails):
        if same and (key := row_of(same)) is not None:
            return key, same
        for up, down in _COMBINATIONS:
            if up > len(above) or down > len(below):
                continue
            parts = [*above[len(above) - up:], *same, *below[:down]]
            if parts and (key := row_of(parts)) is not None:
                return key, parts
    if not own and not above and not below:
        return None
    for up in range(min(len(above), 2) + 1):
        parts = [*above[len(above) - up:], *own]
        if parts:
            key = index.row_by_prefix("".join(t.text for t in parts))
            if key is not None and allowed(key):
                return key, parts
    last = index.lookup(own[-1].text, rows_first=True) if own else None
    if last is not None and last.row is not None:  # numbers right after a group label naming an
        return last.row, own[-1:]                   # off-form row (（六）其他处理 as one row)
    return None


def _row_values(values: list[Paragraph], expected: int) -> list[Paragraph]:
    """The value fields of a row, when the line holds more fields than the row has columns:
    empty fields beside the numbers are merged cells (a pipe table or pasted cells leave
    them empty), so the printed ones decide when their count fits; otherwise the fields at
    the right edge, where the form puts its value columns."""
    printed = [v for v in values if v.text]
    if len(printed) < expected:
        # "3001 53" in one cell: an extractor ran two cells together. Split only when that
        # makes the row whole (a clerk's "1 2" in a row that is whole is a cell's text).
        split = [part for v in printed for part in _numbers_in(v)]
        if len(split) == expected:
            return split
    if len(values) <= expected:
        return values
    if len(printed) == expected:
        return printed
    return values[-expected:]


def _numbers_in(field: Paragraph) -> list[Paragraph]:
    """The numbers of a field holding several separated by spaces, or the field itself."""
    parts = field.text.split()
    if len(parts) > 1 and all(_has_digit(p) and is_value_text(p) for p in parts):
        return [replace(field, text=p) for p in parts]
    return [field]


def _by_header(
    table: Table, key: str, header: list[str], values: list[Paragraph]
) -> tuple[tuple[str, ...] | None, list[Paragraph]]:
    """A row's columns and value fields, by the header line above it (table 二's groups).

    A header with a field for each value field maps them one to one (a merged header cell
    repeated over the value fields it spans, "本年增/减 | 本年增/减", takes the first); a
    header naming each column once gives their printed order; otherwise (no header, or one
    cut by a line break) the form's order.
    """
    columns = table.row(key).columns
    if table.layout == "groups" and header and set(header) == set(columns):
        if len(header) == len(values) and len(header) > len(set(header)):
            firsts = {k: v for k, v in reversed(list(zip(header, values, strict=True)))}
            keys = tuple(k for k in dict.fromkeys(header))
            return keys, [firsts[k] for k in keys]
        if len(header) == len(set(header)):
            return tuple(header), _row_values(values, len(header))
    return None, _row_values(values, len(columns))


def _place_leftovers(candidates: list[RowCandidate], leftovers: list[Paragraph], index: LabelIndex
                     ) -> list[Unmapped]:
    """Fragments no row took: a row's whole label (the row printed blank: its label alone),
    the form's own words (headers, a group label a character a line), or content (unmapped).
    A blank row is added at the end: where it stands does not matter, it has no numbers."""
    unmapped: list[Unmapped] = []
    placed = {c.row for c in candidates}
    for tok in leftovers:
        target = index.lookup(tok.text, rows_first=True)
        if target is not None and target.kind == "row":
            if target.key not in placed:
                placed.add(target.key)
                candidates.append(RowCandidate(target.key, [], None, tok.text, tok.where))
            continue
        if (target is not None or index.is_form_text(tok.text) or index.is_piece_of(tok.text)
                or _is_unit(tok.text)):
            continue  # the form's words, a row's label away from its numbers, a unit wrapped alone
        unmapped.append(Unmapped(tok.where, tok.text))
    return unmapped


def _is_unit(text: str) -> bool:
    """A unit printed on a line of its own ("件" of a wrapped "２２件")."""
    return len(text) <= 2 and not any(ch.isdigit() for ch in text) and is_value_text("1" + text)


def _align_by_columns(
    table: Table, candidates: list[RowCandidate], headers: list[list[Paragraph]],
    pieces: dict[str, list[float]],
) -> None:
    """A row printed with fewer numbers than columns, its blanks printed as nothing: each
    number goes to the column under which it stands on the complete row it lines up with
    best (a PDF-to-text tool shifts rows by their labels' widths and pages differently, so
    the complete rows are tried one by one, not averaged); with no complete row, under its
    header: a header line with a field for every column, or the header's words cut into
    lines."""
    references: dict[tuple[str, ...], list[list[float]]] = {}
    for cand in candidates:
        columns = cand.columns or (table.row(cand.row).columns if cand.row else ())
        complete = len(cand.values) == len(columns) and all(v.column >= 0 and v.text for v in cand.values)
        if columns and complete:
            references.setdefault(columns, []).append([v.column + len(v.text) / 2 for v in cand.values])
    for columns in {table.row(c.row).columns for c in candidates if c.row and not c.columns}:
        if columns in references:
            continue
        for line in headers:
            if len(line) == len(columns):
                references.setdefault(columns, []).append([t.column + len(t.text) / 2 for t in line])
        if columns not in references and len(columns) > 1 and all(k in pieces for k in columns):
            slots = [sum(pieces[k]) / len(pieces[k]) for k in columns]  # the header's words, cut into lines
            references[columns] = [slots]
    for cand in candidates:
        if cand.row is None:
            continue
        columns = cand.columns or table.row(cand.row).columns
        if not (0 < len(cand.values) < len(columns)) or any(v.column < 0 for v in cand.values):
            continue
        points = [v.column + len(v.text) / 2 for v in cand.values]
        found = [_monotone_match(points, slots) for slots in references.get(columns, ())]
        if found:
            chosen = min(found)[1]
            cand.columns = tuple(columns[i] for i in chosen)


def _monotone_match(points: list[float], slots: list[float]) -> tuple[float, list[int]]:
    """The slots (in order, one each) that ``points`` stand at, fewer points than slots.

    Positions printed by a PDF-to-text tool drift along a line, so with three points or more
    the slots are also stretched onto the points: for each choice of the slots the first and
    the last point stand at, the points are matched in order to minimise the distance, and
    the best wins.
    """
    n, m = len(points), len(slots)
    best = _align(points, slots, 0, m - 1, pinned=False)
    if n < 3:
        return best  # one or two numbers fit any stretch: the positions as printed decide
    for first in range(m - n + 1):
        for last in range(first + n - 1, m):
            if n > 1 and slots[last] != slots[first]:
                scale = (points[-1] - points[0]) / (slots[last] - slots[first])
            else:
                scale = 1.0
            mapped = [points[0] + (x - slots[first]) * scale for x in slots]
            cost, chosen = _align(points, mapped, first, last)
            if cost < best[0]:
                best = (cost, chosen)
    return best


def _align(points: list[float], slots: list[float], first: int, last: int,
           pinned: bool = True) -> tuple[float, list[int]]:
    """Minimal total distance of points matched in order to slots first..last, by dynamic
    programming; ``pinned``: the first point at slot ``first`` and the last at ``last``."""
    n = len(points)
    inner = list(range(first, last + 1))
    inf = float("inf")
    # cost[i][j]: points[:i+1] matched, point i at inner[j]
    cost = [[inf] * len(inner) for _ in range(n)]
    back = [[-1] * len(inner) for _ in range(n)]
    for j in range(1 if pinned else len(inner)):
        cost[0][j] = abs(points[0] - slots[inner[j]])
    for i in range(1, n):
        running, arg = inf, -1
        for j in range(1, len(inner)):
            if cost[i - 1][j - 1] < running:
                running, arg = cost[i - 1][j - 1], j - 1
            if arg >= 0:
                cost[i][j] = running + abs(points[i] - slots[inner[j]])
                back[i][j] = arg
    if pinned:
        j = len(inner) - 1 if n > 1 else 0
    else:
        j = min(range(len(inner)), key=lambda k: cost[n - 1][k])
    total = cost[n - 1][j]
    chosen = [j]
    for i in range(n - 1, 0, -1):
        j = back[i][j]
        chosen.append(j)
    return total, [inner[k] for k in reversed(chosen)]


def _fill_gaps(
    table: Table, candidates: list[RowCandidate], runs: list[tuple[int, list[Paragraph]]]
) -> list[Unmapped]:
    """Numbers no label claimed (``runs``: where they stood among the rows, and the numbers)
    go to the rows without numbers between the rows around them, in the form's order: all
    the numbers between two read rows when they fill the empty rows there exactly, or one
    printed line a row when there are as many lines as empty rows. Otherwise unmapped."""
    unmapped: list[Unmapped] = []
    order = {row.key: i for i, row in enumerate(table.rows)}
    groups: dict[tuple[int, int], list[list[Paragraph]]] = {}
    for position, values in runs:
        before = next((c.row for c in reversed(candidates[:position]) if c.row in order and c.values), None)
        after = next((c.row for c in candidates[position:] if c.row in order and c.values), None)
        bounds = (order[before] if before else -1, order[after] if after else len(table.rows))
        printed = [v for v in values if v.text]
        if printed:
            groups.setdefault(bounds, []).append(printed)
    for (low, high), lines in groups.items():
        filled = {c.row for c in candidates if c.values}
        empty = [r for r in table.rows[low + 1:high] if r.label and r.key not in filled]
        numbers = [v for line in lines for v in line]
        wanted = sum(len(r.columns) for r in empty)
        if len(numbers) != wanted:  # "3001 53": two cells an extractor ran together
            split = [part for v in numbers for part in _numbers_in(v)]
            numbers = split if len(split) == wanted else numbers
        if empty and wanted == len(numbers):
            at = 0
            for row in empty:
                _give(candidates, row.key, numbers[at:at + len(row.columns)])
                at += len(row.columns)
        elif len(lines) == len(empty) and all(
            len(n) <= len(r.columns) for n, r in zip(lines, empty, strict=True)
        ):
            for row, line in zip(empty, lines, strict=True):
                _give(candidates, row.key, _row_values(line, len(row.columns)))
        else:
            unmapped.extend(Unmapped(v.where, f"多出的数值：{v.text}") for v in numbers)
    return unmapped


def _give(candidates: list[RowCandidate], key: str, values: list[Paragraph]) -> None:
    existing = next((c for c in candidates if c.row == key), None)
    if existing is not None:
        existing.values = list(values)
    else:
        candidates.append(RowCandidate(key, list(values), None, "", values[0].where))
