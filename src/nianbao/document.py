"""The neutral document every reader returns: paragraphs and cell grids, in reading order.

Readers know formats, not reports: nothing here mentions 申请 or a table key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Block", "Document", "Grid", "GridCell", "Paragraph"]


@dataclass(frozen=True)
class Paragraph:
    """A run of text. ``cell`` is True for a table cell of a text dump (a tab-led line, or
    one field of a line that holds several): such dumps keep cells but lose the grid, which
    the spec's label anchors rebuild. ``line`` (1-based, 0 unknown) and ``column`` (the
    character offset in that line, -1 unknown) say where a field of a text line stood, so
    the fields of one printed row stay together and a blank that printed as nothing can be
    told by the columns of the numbers around it."""

    text: str
    where: str
    cell: bool = False
    line: int = 0
    column: int = -1


class GridCell(NamedTuple):
    """A cell of a rectangular grid; a merged cell is repeated at every position it covers,
    each copy knowing the merge origin (row, column). (A named tuple: grids have many.)"""

    text: str
    where: str
    origin: tuple[int, int]


@dataclass(frozen=True)
class Grid:
    """A table as a rectangular grid of cells."""

    rows: tuple[tuple[GridCell, ...], ...]
    where: str


Block = Paragraph | Grid


@dataclass(frozen=True)
class Document:
    """A source file as blocks in reading order, with its title when the format has one."""

    source: str
    blocks: tuple[Block, ...]
    title: str | None = None
    # What a web page says about itself besides the title: named <meta> tags (ArticleTitle,
    # SiteName, ColumnName, ContentSource …) and its <h1> headings, as (name, text) pairs.
    head: tuple[tuple[str, str], ...] = ()
    # Content the reader saw but does not read (a text box, an image): (where, text).
    skipped: tuple[tuple[str, str], ...] = ()
