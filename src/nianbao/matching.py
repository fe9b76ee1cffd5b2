"""Matching table content to the spec: one module for every source format.

A table arrives as *row candidates*: the label texts and the value texts of one printed row.
Formats with a real grid give them directly; text dumps, which lose the grid, get them from
:func:`rows_from_tokens`, which rebuilds rows from the spec's label anchors. :func:`fill`
then places every value at its (row, column) key and reports what it could not place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .document import Paragraph
from .labels import LabelIndex, Target
from .model import Cell, Unmapped
from .numbers import NotANumber, is_value_text, parse_number
from .spec import Table

__all__ = ["RowCandidate", "fill", "rows_from_tokens"]


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
        if trailing and current is not None:
            for extra in trailing:
                unmapped.append(Unmapped(extra.where, f"多出的数值：{extra.text}"))
        trailing.clear()
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
            continue
        on_target(target, tok)
        if target.kind in ("row", "column", "header"):
            pass
    drop_pending()
    if trailing:
        single = [r for r in table.rows if not r.label]
        if single and not any(c.row == single[0].key for c in candidates):
            expected = len(single[0].columns)
            cand = RowCandidate(single[0].key, trailing[-expected:], None, "", trailing[0].where)
            candidates.append(cand)
            for extra in trailing[:-expected]:
                unmapped.append(Unmapped(extra.where, f"多出的数值：{extra.text}"))
        else:
            for extra in trailing:
                unmapped.append(Unmapped(extra.where, f"多出的数值：{extra.text}"))
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
