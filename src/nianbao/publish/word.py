"""The report as a Word document (python-docx): the official page, fonts and tables.

Every paragraph and run takes one of five named styles (``look.OFFICIAL``: 年报标题, 年报章节标题,
年报正文, 年报表格, 年报表格注). With ``template`` (an agency's own .docx), the document starts from
that file — its page setup, headers, footers and styles kept, its body replaced — and a style
of those five names that the template defines is used as the template defines it.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from ..errors import UnreadableInput
from ..files import open_package, read_input
from ..model import Report
from ..spec import Spec
from .content import report_parts, report_title
from .grid import GridCell, TableGrid
from .look import OFFICIAL, Look, TextStyle

__all__ = ["NOT_A_TEMPLATE", "build_docx", "write_docx"]

NOT_A_TEMPLATE = "不是 Word 文档（.docx），不能用作报告模板"


def _template(path: Path) -> DocumentObject:
    """An agency's template, its body emptied (the section's page setup, headers and footers kept)."""
    data = read_input(path)
    try:
        with open_package(data, str(path)) as package:
            package.verify()
        doc = Document(io.BytesIO(data))
    except UnreadableInput:
        raise
    except Exception:  # python-docx raises many kinds for a file that is not a Word document
        raise UnreadableInput(str(path), NOT_A_TEMPLATE) from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _page(doc: DocumentObject, look: Look) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(look.page_width), Twips(look.page_height)
    section.top_margin, section.bottom_margin = Twips(look.margin_top), Twips(look.margin_bottom)
    section.left_margin, section.right_margin = Twips(look.margin_left), Twips(look.margin_right)


def _fonts(element: object, font: str) -> None:
    """Set every script's font of a style or run: Word takes Chinese text's font from eastAsia."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _style(doc: DocumentObject, text: TextStyle, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH,
           align: WD_ALIGN_PARAGRAPH | None = None, indent: int = 0, before: float = 0,
           after: float = 0) -> str:
    """The style's id; added with the official look unless the document defines it already."""
    found = next((s for s in doc.styles if s.name == text.name and s.type == kind), None)
    if found is not None:
        return str(found.style_id)
    style = doc.styles.add_style(text.name, kind)
    style.font.size = Pt(text.size)
    style.font.bold = text.bold
    _fonts(style.element, text.font)
    # in the schema's order: rFonts, b, bCs, sz, szCs, lang (Word refuses other orders)
    rpr = style.element.get_or_add_rPr()
    if text.bold:
        rpr.get_or_add_bCs()
    rpr.get_or_add_sz().addnext(_element("w:szCs", val=str(round(text.size * 2))))
    rpr.append(_element("w:lang", val="en-US", eastAsia="zh-CN"))
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        style.base_style = doc.styles["Normal"]
        fmt = style.paragraph_format
        # a line's space before a heading and after the title, as the template's empty lines give
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.0
        if align is not None:
            fmt.alignment = align
        if indent:
            fmt.first_line_indent = Twips(indent)
    return str(style.style_id)


def _element(tag: str, **attrs: str) -> object:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _borders(table: DocxTable, size: int) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    tbl_pr.append(borders)


def _widths(grid: TableGrid, look: Look) -> list[int]:
    """Column widths in twips: a table with row labels gives each number column the official
    width and its label columns the rest, in the layout's proportions; others share the width."""
    if grid.label_cols:
        labels = grid.widths[:grid.label_cols]
        rest = look.table_width - look.value_column * (grid.width - grid.label_cols)
        return ([round(rest * w / sum(labels)) for w in labels]
                + [look.value_column] * (grid.width - grid.label_cols))
    return [round(look.table_width * w / sum(grid.widths)) for w in grid.widths]


def _table(doc: DocumentObject, grid: TableGrid, look: Look, styles: dict[str, str]) -> None:
    """The grid as a Word table: a merged range is one cell with ``gridSpan`` across and
    ``vMerge`` restart/continue down, as Word itself writes it (and the official template has)."""
    table = doc.add_table(rows=grid.height, cols=grid.width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, look.border_size)
    widths = _widths(grid, look)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
    placed: dict[int, list[tuple[int, GridCell, bool]]] = {r: [] for r in range(grid.height)}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            placed[r].append((cell.col, cell, r == cell.row))
    for r, tr in enumerate(table._tbl.tr_lst):
        for tc in tr.tc_lst:
            tr.remove(tc)
        for _, cell, first in sorted(placed[r], key=lambda p: p[0]):
            tc = tr.add_tc()
            tc.width = Twips(sum(widths[cell.col:cell.col + cell.colspan]))
            if cell.colspan > 1:
                tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if first else "continue"
            tc.get_or_add_tcPr().vAlign_val = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = Paragraph(tc.p_lst[0], table)
            paragraph._p.style = styles["table"]  # by style id: python-docx's lookup by name is slow
            paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if cell.align == "left"
                                   else WD_ALIGN_PARAGRAPH.CENTER)
            if not first:
                continue
            label, note = cell.parts()
            if label:
                paragraph.add_run(label)
            if note:
                paragraph.add_run(note)._r.style = styles["note"]


def _paragraph(doc: DocumentObject, text: str, style_id: str) -> None:
    doc.add_paragraph(text)._p.style = style_id


def build_docx(report: Report, spec: Spec, template: Path | None = None,
               look: Look = OFFICIAL) -> DocumentObject:
    """The report as a python-docx Document."""
    doc = _template(template) if template is not None else Document()
    if template is None:
        _page(doc, look)
    styles = {
        "title": _style(doc, look.title, align=WD_ALIGN_PARAGRAPH.CENTER, after=look.title.size),
        "heading": _style(doc, look.heading, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=look.first_line_indent,
                          before=look.heading.size),
        "body": _style(doc, look.body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=look.first_line_indent),
        "table": _style(doc, look.table),
        "note": _style(doc, look.note, WD_STYLE_TYPE.CHARACTER),
    }
    if report.meta.year is not None:  # a title names the year; without it, no title line
        _paragraph(doc, report_title(report, spec), styles["title"])
    for part in report_parts(report, spec):
        if part.kind == "table" and part.grid is not None:
            _table(doc, part.grid, look, styles)
        else:
            _paragraph(doc, part.text, styles[part.kind if part.kind == "heading" else "body"])
    doc.core_properties.title = report_title(report, spec)
    return doc


def write_docx(report: Report, path: Path, spec: Spec, template: Path | None = None) -> None:
    """Write the report as a .docx file at ``path``."""
    build_docx(report, spec, template).save(str(path))
