"""Matching table content to the spec: one package for every source format.

A table arrives as *row candidates*: the label texts and the value texts of one printed row.
Formats with a real grid give them directly (:mod:`.grid`); text dumps, which lose the grid,
get them from :func:`rows_from_text` (:mod:`.text`), which rebuilds rows from lines
(:mod:`.lines`) or from cells (:mod:`.cells`) and the spec's label anchors. :func:`fill`
(:mod:`.candidates`) then places every value at its (row, column) key and reports what it
could not place.
"""

from __future__ import annotations

from .candidates import RowCandidate, fill, near_row
from .grid import grid_score, grid_tokens, rows_from_grid
from .text import rows_from_text

__all__ = ["RowCandidate", "fill", "grid_score", "grid_tokens", "near_row", "rows_from_grid",
           "rows_from_text"]
