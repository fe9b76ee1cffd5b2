"""Blank cells printed as nothing: which column each printed number stands in, by the
positions of the numbers on complete rows or of the header's words."""

from __future__ import annotations

from ..document import Paragraph
from ..spec import Table
from .candidates import RowCandidate


def align_by_columns(
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
