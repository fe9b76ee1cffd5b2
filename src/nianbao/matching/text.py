"""Tables that come as text, whatever the layout: the one entry point, and numbers no label
claimed given to the rows between their neighbours."""

from __future__ import annotations

from ..document import Paragraph
from ..labels import LabelIndex
from ..model import Unmapped
from ..spec import Table
from .candidates import RowCandidate
from .cells import rows_from_cells
from .lines import line_shaped, numbers_in, row_values, rows_from_lines


def rows_from_text(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[Unmapped]]:
    """Printed rows of a table that came as text, whatever the dump's layout.

    A row printed on a line of its own (label and numbers side by side: ``pdftotext
    -layout``, pasted tab-separated text, Markdown without a grid, copy from a PDF viewer) is
    read by :func:`rows_from_lines`; a dump with one cell per line by :func:`rows_from_cells`.
    Numbers that no label claims are then given to the rows without numbers between their
    neighbours, in the form's order, when they fit exactly (labels floating away from their
    numbers).
    """
    if line_shaped(tokens):
        candidates, runs, unmapped = rows_from_lines(table, tokens, index)
    else:
        candidates, runs, unmapped = rows_from_cells(table, tokens, index)
    unmapped += _fill_gaps(table, candidates, runs)
    return candidates, unmapped


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
            split = [part for v in numbers for part in numbers_in(v)]
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
                _give(candidates, row.key, row_values(line, len(row.columns)))
        else:
            unmapped.extend(Unmapped(v.where, f"多出的数值：{v.text}") for v in numbers)
    return unmapped


def _give(candidates: list[RowCandidate], key: str, values: list[Paragraph]) -> None:
    existing = next((c for c in candidates if c.row == key), None)
    if existing is not None:
        existing.values = list(values)
    else:
        candidates.append(RowCandidate(key, list(values), None, "", values[0].where))
