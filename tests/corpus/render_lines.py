"""Reports whose table rows are lines of text: pasted tab-separated tables and rows copied out
of a PDF viewer.

- ``tsv``: the report's text with its tables pasted from a spreadsheet or a web page: one row
  per line, cells separated by tabs. Variants:
  ``tsv_excel``: Excel's copy: every grid cell, a merge's covered cells empty, a cell holding a
  line break quoted (``"本年新`` / ``制作数量"``, an embedded ``"`` doubled), LF inside a cell
  and CRLF between rows (``crlf``: the whole file CRLF as Notepad saves it);
  ``tsv_repeat``: pandas' ``read_html(…).to_csv(sep="\\t")``: every grid cell, a merge's text
  repeated in every cell it covers, line breaks gone (``<br>`` drops out of the text);
  ``tsv_web``: a browser's copy of the HTML table: the cells as the page lists them (a merged
  cell once, in its first row, with no placeholder in the rows it spans), a cell's line break
  a bare newline.
- ``space``: text copied out of a PDF viewer: prose broken at the printed line ends, every
  table row on one line with runs of spaces between its cells, the rest of a long or broken
  label on the following lines; empty cells print nothing; ``page_dash`` prints the page
  number ("- 3 -") where a page ends, inside a table too.
"""

from __future__ import annotations

import random

from .layout import Cell, Doc, Para, Table, grid_text
from .report import Case

_PROSE_WIDTH = 28  # characters per printed line of 仿宋 16pt on A4
_LABEL_WIDTH = 16  # characters per line of a table cell before it wraps
_PAGE_LINES = 42  # lines per page (page_dash)


def _excel_cell(text: str) -> str:
    text = text.replace("\n\n", "\n")
    if any(ch in text for ch in '\n\t"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_rows(table: Table, case: Case) -> list[str]:
    v = case.variants
    if "tsv_web" in v:
        return ["\t".join(cell.text.replace("\n\n", "\n") for cell in cells) for cells in table.rows]
    if "tsv_repeat" in v:
        return ["\t".join(text.replace("\n", "") for text in row) for row in grid_text(table, "repeat")]
    return ["\t".join(_excel_cell(text) for text in row) for row in grid_text(table, "empty")]


def render_tsv(doc: Doc, case: Case) -> bytes:
    """The report with tab-separated tables, as a text file's bytes (UTF-8)."""
    records: list[str] = []
    if doc.breadcrumb:
        records += [doc.breadcrumb, ""]
    for block in doc.blocks:
        if isinstance(block, Table):
            records += [*_tsv_rows(block, case), ""]
        else:
            records += [block.text, ""]
    newline = "\r\n" if "crlf" in case.variants else "\n"
    return (newline.join(records) + newline).encode("utf-8")


# --- rows copied out of a PDF viewer --------------------------------------------------------


def _chunks(text: str, width: int) -> list[str]:
    """A cell's printed lines: its own line breaks, then wrapped at ``width`` characters."""
    out: list[str] = []
    for line in text.replace("\n\n", "\n").split("\n"):
        out += [line[i:i + width] for i in range(0, len(line), width)] or [""]
    return out


def _space_row(cells: list[Cell], rng: random.Random) -> list[str]:
    """One table row: the first printed line of every non-empty cell on one line, spaces
    between; the rest of the wrapped cells' lines below it, in the same order."""
    shown = [_chunks(cell.text, 64 if cell.value else _LABEL_WIDTH) for cell in cells if cell.text]
    depth = max((len(c) for c in shown), default=0)
    lines = []
    for d in range(depth):
        parts = [chunk[d] for chunk in shown if d < len(chunk) and chunk[d]]
        if parts:
            lines.append(parts[0] + "".join(" " * rng.randint(2, 6) + p for p in parts[1:]))
    return lines


def _prose(para: Para) -> list[str]:
    if para.kind in ("title", "heading", "signature", "date"):
        return [para.text]
    return [para.text[i:i + _PROSE_WIDTH] for i in range(0, len(para.text), _PROSE_WIDTH)]


def render_space(doc: Doc, case: Case) -> bytes:
    """The report as text copied from a PDF viewer, as a text file's bytes (UTF-8)."""
    rng = random.Random(case.seed)
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            for cells in block.rows:
                lines += _space_row(cells, rng)
        else:
            lines += _prose(block)
    if "page_dash" in case.variants:
        paged: list[str] = []
        for i, line in enumerate(lines, start=1):
            paged.append(line)
            if i % _PAGE_LINES == 0:
                paged.append(f"- {i // _PAGE_LINES} -")
        lines = paged
    return ("\n".join(lines) + "\n").encode("utf-8")
