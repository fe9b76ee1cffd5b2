"""The report as a web page a government CMS accepts: one self-contained HTML file, tables with
``rowspan``/``colspan`` as on the official form, no script, no stylesheet or image to fetch,
a few inline styles (borders, alignment, fonts), every text escaped."""

from __future__ import annotations

import html
from pathlib import Path

from ..model import Report
from ..spec import Spec
from .content import report_parts, report_title
from .grid import GridCell, TableGrid
from .look import OFFICIAL, Look

__all__ = ["build_html", "write_html"]


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _cell(cell: GridCell, look: Look) -> str:
    tag = "th" if cell.kind in ("corner", "header", "group") else "td"
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    align = cell.align
    label, note = cell.parts()
    text = _text(label) + (f'<span style="font-family:{_text(look.note.font)}">{_text(note)}</span>'
                           if note else "")
    weight = "font-weight:normal;" if tag == "th" else ""
    return (f'<{tag}{spans} style="border:1px solid #000;padding:4px;text-align:{align};'
            f'vertical-align:middle;{weight}">{text}</{tag}>')


def _table(grid: TableGrid, look: Look) -> str:
    rows: list[list[str]] = [[] for _ in range(grid.height)]
    for cell in grid.cells:
        rows[cell.row].append(_cell(cell, look))
    body = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return (f'<table style="border-collapse:collapse;margin:0 auto;font-size:{look.table.size:g}pt;'
            f'font-family:{_text(look.table.font)}">\n{body}\n</table>')


def build_html(report: Report, spec: Spec, look: Look = OFFICIAL) -> str:
    """The report as one HTML document (UTF-8)."""
    title = _text(report_title(report, spec))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        f'<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>',
        f'<body style="font-family:{_text(look.body.font)};font-size:{look.body.size:g}pt">',
    ]
    if report.meta.year is not None:  # a title names the year; without it, no title line
        out.append(f'<h1 style="text-align:center;font-size:{look.title.size:g}pt">{title}</h1>')
    indent = look.first_line_indent / 20 / look.body.size  # twips → characters (em)
    for part in report_parts(report, spec):
        if part.kind == "table" and part.grid is not None:
            out.append(_table(part.grid, look))
        elif part.kind == "heading":
            out.append(f'<h2 style="font-size:{look.heading.size:g}pt;text-indent:{indent:.2g}em">'
                       f"{_text(part.text)}</h2>")
        else:
            out.append(f'<p style="text-indent:{indent:.2g}em">{_text(part.text)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_html(report: Report, path: Path, spec: Spec) -> None:
    """Write the report as an .html file (UTF-8) at ``path``."""
    path.write_text(build_html(report, spec), encoding="utf-8")
