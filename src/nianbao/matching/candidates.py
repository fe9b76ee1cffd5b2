"""Printed rows as candidates (a row key, its value texts, the columns they belong to),
misprinted labels, and placing the values at their keys (:func:`fill`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Paragraph
from ..labels import LabelIndex
from ..model import Cell, Unmapped
from ..numbers import NotANumber, parse_number
from ..spec import Table


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


def expected_count(table: Table, candidate: RowCandidate) -> int:
    if candidate.columns is not None:
        return len(candidate.columns)
    if candidate.row and table.has_row(candidate.row):
        return len(table.row(candidate.row).columns)
    return len(table.columns)


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
