"""Text dumps with one cell per line (Word's "save as text", a cell per paragraph): rows
rebuilt from the spec's label anchors."""

from __future__ import annotations

from ..document import Paragraph
from ..labels import LabelIndex, Target
from ..model import Unmapped
from ..numbers import is_value_text
from ..spec import Table
from .candidates import RowCandidate, expected_count, near_row


def rows_from_cells(
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
    # Off-form rows named by a group label: rows only once a number follows. Kept as objects,
    # not by id(): a dropped candidate's id is reused by a later one (then a row read twice)
    tentative: list[RowCandidate] = []

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
            current is None or len(current.values) >= expected_count(table, current)
        ):
            # A group label that also names an off-form row (（六）其他处理 printed as one row):
            # the row, if numbers follow the label directly.
            current = RowCandidate(target.row, [], None, tok.text, tok.where)
            tentative.append(current)  # a candidate once a number follows (below)

    for tok in tokens:
        if is_value_text(tok.text):
            if current is None and pending and not trailing:
                printed = "".join(p.text for p in pending)
                key = near_row(table, index, printed, candidates)
                if key is not None:
                    current = RowCandidate(key, [], None, printed, pending[0].where, True)
                    candidates.append(current)
                    pending.clear()
            if current is not None and len(current.values) < expected_count(table, current):
                if not current.values and any(t is current for t in tentative):
                    candidates.append(current)
                current.values.append(tok)
            elif tok.text:
                trailing.append(tok)
            continue
        if (current is not None and not pending and len(current.values) < expected_count(table, current)
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
