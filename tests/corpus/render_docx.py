"""Word files like the ones agencies fill in: A4, 仿宋 body, tables merged like the official
template (w:gridSpan / w:vMerge through python-docx's cell.merge), two-paragraph header cells,
and a row that starts late (w:gridBefore) where a clerk deleted a cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .layout import Cell, Doc, Para, Table, grid_positions
from .report import Case

_FIXED = dt.datetime(2024, 1, 1, 9, 0, 0)
_TWIPS_PER_CM = 567


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _write_lines(paragraph, text: str, size: float, bold: bool = False) -> None:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, "宋体", size, bold)
        if i < len(lines) - 1:
            run.add_break()


def _add_para(document, para: Para) -> None:
    p = document.add_paragraph()
    fmt = p.paragraph_format
    if para.kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(para.text), "方正小标宋简体", 22)
        return
    if para.kind in ("signature", "date"):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(para.text), "仿宋_GB2312", 16)
        return
    fmt.first_line_indent = Pt(32)
    fmt.line_spacing = Pt(28)
    if para.kind == "heading":
        _font(p.add_run(para.text), "黑体", 16)
    else:
        _font(p.add_run(para.text), "仿宋_GB2312", 16)


def _fill_cell(target, cell: Cell) -> None:
    paragraphs = cell.text.split("\n\n") if cell.text else [""]
    for i, text in enumerate(paragraphs):
        p = target.paragraphs[0] if i == 0 else target.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if cell.value or len(text) <= 6 else WD_ALIGN_PARAGRAPH.LEFT
        if text:
            _write_lines(p, text, 10.5)


def _template_cells(tbl) -> None:
    """As the official template sets its cells: centred vertically, rows at least 17 pt high
    (and, like every row there, allowed to break across pages)."""
    for tr in tbl.tr_lst:
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), "340")
        height.set(qn("w:hRule"), "atLeast")
        tr.get_or_add_trPr().append(height)
        for tc in tr.tc_lst:
            align = OxmlElement("w:vAlign")
            align.set(qn("w:val"), "center")
            tc.get_or_add_tcPr().append(align)


def _page_furniture(document, agency: str) -> None:
    """A running header with the agency's name and a page number "- 4 -" in the footer."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(header.add_run(f"{agency}政府信息公开"), "宋体", 9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("- "), "宋体", 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    _font(footer.add_run(" -"), "宋体", 14)


def _add_table(document, table: Table, repeat_header: bool, template_cells: bool = False) -> None:
    height = len(table.rows)
    width = len(table.widths)
    t = document.add_table(rows=height, cols=width)
    t.style = "Table Grid"
    t.autofit = False
    for r, c, cell in grid_positions(table):
        target = t.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        _fill_cell(target, cell)
    _set_widths(t._tbl, table.widths)
    for tr in t._tbl.tr_lst[:table.header_rows if repeat_header else 0]:
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))  # the header never breaks across pages…
        tr_pr.append(OxmlElement("w:tblHeader"))  # …and repeats on the next one (重复标题行)
    for r in sorted(table.late_rows):
        _start_late(t._tbl.tr_lst[r])
    if template_cells:
        _template_cells(t._tbl)


def _set_widths(tbl, widths: tuple[float, ...]) -> None:
    twips = [round(w * _TWIPS_PER_CM) for w in widths]
    for col, w in zip(tbl.tblGrid.gridCol_lst, twips, strict=True):
        col.set(qn("w:w"), str(w))
    for tr in tbl.tr_lst:
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Cm(sum(widths[c:c + span]))
            c += span


def _start_late(tr) -> None:
    """Drop the row's first cell and say so with w:gridBefore, as Word writes such rows."""
    tr.remove(tr.tc_lst[0])
    tr_pr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.insert(0, before)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.6), Cm(2.6)
    props = document.core_properties
    props.author = props.last_modified_by = "Administrator"
    props.created = props.modified = _FIXED
    props.revision = 1


def _page_numbers(document, variants: frozenset[str]) -> None:
    """A centred page number in the footer: "- 3 -" (page_dash) or "第3页" (page_cn)."""
    before, after = ("- ", " -") if "page_dash" in variants else ("第", "页")
    p = document.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(before), "宋体", 10.5)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)
    number = p.add_run("1")
    _font(number, "宋体", 10.5)
    p._p.remove(number._r)
    field.append(number._r)
    _font(p.add_run(after), "宋体", 10.5)


def _fixed_zip(data: bytes) -> bytes:
    """The same bytes on every run: fixed timestamps in the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: Doc, case: Case) -> bytes:
    """The report as a .docx file's bytes."""
    document = Document()
    _page_setup(document)
    if case.variants & {"page_dash", "page_cn"}:
        _page_numbers(document, case.variants)
    if "page_furniture" in case.variants:
        _page_furniture(document, case.agency)
    for block in doc.blocks:
        if isinstance(block, Table):
            _add_table(document, block, "repeat_header" in case.variants, "template_cells" in case.variants)
            document.add_paragraph()
        else:
            _add_para(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())
