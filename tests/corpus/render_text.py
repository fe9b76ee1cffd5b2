"""Text dumps in the two layouts real reports come in.

- ``tab``: what a Word-to-text extractor writes (seeds 002/004): a table cell is a tab-led
  line, one line per paragraph of the cell, an empty cell (or the continuation of a vertical
  merge) an empty tab line, a blank line after every row.
- ``para``: text copied from a web page (seed 003): every paragraph and every non-empty cell
  on its own, blank lines between; a cell's line break is a newline, its paragraphs are
  separated by a blank line.
"""

from __future__ import annotations

from .layout import Doc, Para, Table, grid_positions
from .report import Case


def _word_rows(table: Table) -> list[list[str]]:
    """Each row's w:tc cells in order: a merge's first row has its text, a vMerge continuation
    is an empty cell, a horizontally spanned cell appears once, a late start has no cell."""
    placed = grid_positions(table)
    rows: list[list[str]] = []
    for r in range(len(table.rows)):
        here = sorted((c, r0, cell) for r0, c, cell in placed if r0 <= r < r0 + cell.rowspan)
        rows.append([cell.text if r0 == r else "" for c, r0, cell in here])
    return rows


def _tab_table(table: Table) -> list[str]:
    lines = []
    for row in _word_rows(table):
        for text in row:
            paragraphs = text.replace("\n\n", "\n").split("\n")
            lines.append("\t" + paragraphs[0])
            lines.extend(paragraphs[1:])
        lines.append("")
    return lines


def _para_table(table: Table) -> list[str]:
    return [cell.text for cells in table.rows for cell in cells if cell.text]


def render_text(doc: Doc, case: Case, layout: str, noblank: bool = False) -> bytes:
    """The report as a text file's bytes (UTF-8, or GB18030 with CRLF when the case says so).

    ``noblank``: Word's "save as text" of the same document, where the paragraph after a table
    (the next section's heading) follows the table's last cell with no blank line between;
    with the variant ``no_blank_lines`` the dump has no blank line at all."""
    lines: list[str] = []
    if doc.breadcrumb:
        lines += [doc.breadcrumb, ""] if layout == "para" else [doc.breadcrumb]
    for block in doc.blocks:
        if isinstance(block, Table):
            if layout == "tab":
                lines += [*_tab_table(block), ""]
            else:
                for text in _para_table(block):
                    lines += [text, ""]
            while noblank and lines[-1] == "":
                lines.pop()
            continue
        lines += _para_lines(block, layout)
    if "no_blank_lines" in case.variants:
        lines = [line for line in lines if line]
    text = "\n".join(lines) + "\n"
    if "crlf" in case.variants:
        text = text.replace("\n", "\r\n")
    return text.encode("gb18030") if "gbk" in case.variants else text.encode("utf-8")


def _para_lines(para: Para, layout: str) -> list[str]:
    text = para.text
    if layout == "para":
        if para.kind == "heading":
            text += "\u00a0 "  # copied headings keep the page's trailing non-breaking space
        return [text, ""]
    if para.kind == "heading" and text.startswith("二、"):
        return ["", text]
    return [text]
