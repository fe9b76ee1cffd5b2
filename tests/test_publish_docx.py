"""The Word report against the official template (国办's 2021 政府信息公开工作年度报告格式模板,
tests/data/cases/docx_real_official_template.docx): the same tables — columns, rows, merged
cells (gridSpan, vMerge) and labels — in the XML and as LibreOffice draws them, and the
template's page, fonts and sizes read from its XML.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from nianbao import read_report
from nianbao.model import Meta, Report
from nianbao.publish import build_docx, publish
from nianbao.publish.look import OFFICIAL
from nianbao.spec import load_spec

from .conftest import CASES

SPEC = load_spec()
OFFICIAL_TEMPLATE = CASES / "docx_real_official_template.docx"


def _text(element: Any) -> str:
    """A cell's text as compared: NFKC (the template prints 1. where the spec has 1．), no spaces."""
    text = "".join(t.text or "" for t in element.iter(qn("w:t")))
    return "".join(unicodedata.normalize("NFKC", text).split())


def table_structure(tbl: Any) -> tuple[int, list[list[tuple[int, str, str]]]]:
    """A table's grid: its number of columns, and per row each cell's (gridSpan, vMerge, label)."""
    columns = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    rows = []
    for tr in tbl.iterchildren(qn("w:tr")):
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span = pr.find(qn("w:gridSpan")) if pr is not None else None
            merge = pr.find(qn("w:vMerge")) if pr is not None else None
            cells.append((int(span.get(qn("w:val"))) if span is not None else 1,
                          "" if merge is None else merge.get(qn("w:val")) or "continue",
                          _text(tc)))
        rows.append(cells)
    return columns, rows


def tables(document: Any) -> list[tuple[int, list[list[tuple[int, str, str]]]]]:
    return [table_structure(t._tbl) for t in document.tables]


def test_the_tables_are_the_official_templates_cell_for_cell() -> None:
    blank = Report.blank(Meta(agency="某区人民政府", year=2022, edition="2021"), SPEC)
    official = tables(Document(str(OFFICIAL_TEMPLATE)))
    generated = tables(build_docx(blank, SPEC))
    assert [(cols, len(rows)) for cols, rows in official] == [(4, 14), (10, 28), (15, 4)]  # counted by hand
    assert generated == official


def test_filled_values_stand_in_the_official_value_cells() -> None:
    report = read_report(CASES / "pdf_real_huaian_2024.pdf")
    official = tables(Document(str(OFFICIAL_TEMPLATE)))
    generated = tables(build_docx(report, SPEC))
    for (cols, rows), (our_cols, our_rows) in zip(official, generated, strict=True):
        assert cols == our_cols
        for row, ours in zip(rows, our_rows, strict=True):
            assert [(span, merge) for span, merge, _ in row] == [(span, merge) for span, merge, _ in ours]
            for (_, _, label), (_, _, text) in zip(row, ours, strict=True):
                assert text == label or (not label and text.replace(".", "").lstrip("-").isdigit()), text
    # 三、（七）总计 of 淮安's report in its row and column (checked in the PDF: 3050)
    *_, total_row, _carried_over = generated[1][1]
    assert total_row[1][2] == "(七)总计" and total_row[-1][2] == "3050"


def test_a_2019_report_has_its_editions_tables() -> None:
    report = read_report(CASES / "002_zichuan_2020.txt")
    [active, requests, appeals] = tables(build_docx(report, SPEC))
    assert active[0] == 4 and len(active[1]) == 5 * 2 + 8  # five groups of two header lines; eight rows
    assert requests[0] == 10 and len(requests[1]) == 3 + 23  # 2019: （六）其他处理 one row
    assert appeals == (15, appeals[1]) and len(appeals[1]) == 4


def test_a_legacy_report_has_the_statistics_table() -> None:
    report = read_report(CASES / "000_zhoucun_2018.txt")
    [legacy] = tables(build_docx(report, SPEC))
    columns, rows = legacy
    assert columns == 3 and [c[2] for c in rows[0]] == ["统计指标", "单位", "统计数"]
    assert len(rows) == 1 + len(report.legacy or [])


# --- the official look, read from the template's XML -----------------------------------------------------


def _run_properties(doc: Any, paragraph: Any, run: Any) -> dict[str, Any]:
    """Font (East Asian), size and bold of a run: its own properties, else its character style's,
    else its paragraph style's (and the styles they are based on)."""
    found: dict[str, Any] = {}

    def take(rpr: Any) -> None:
        if rpr is None:
            return
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            found.setdefault("font", fonts.get(qn("w:eastAsia")))
        size = rpr.find(qn("w:sz"))
        if size is not None:
            found.setdefault("size", int(size.get(qn("w:val"))) / 2)
        bold = rpr.find(qn("w:b"))
        if bold is not None:
            found.setdefault("bold", bold.get(qn("w:val")) not in ("0", "false"))

    take(run._r.rPr)
    if run.style is not None and run.style.type == WD_STYLE_TYPE.CHARACTER and run._r.rPr is not None \
            and run._r.rPr.rStyle is not None:
        take(run.style.element.rPr)
    style = paragraph.style
    while style is not None:
        take(style.element.rPr)
        style = style.base_style
    found.setdefault("bold", False)
    return found


def _runs(doc: Any) -> dict[str, dict[str, Any]]:
    """The look of the first run of each text that matters, in the body and the tables."""
    looks: dict[str, dict[str, Any]] = {}
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for row in t.rows for c in row.cells
                                         for p in c.paragraphs]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            text = run.text.strip()
            if text and text not in looks:
                looks[text] = _run_properties(doc, paragraph, run)
    return looks


def test_the_official_look_is_the_templates() -> None:
    template = _runs(Document(str(OFFICIAL_TEMPLATE)))
    title, heading = OFFICIAL.title, OFFICIAL.heading
    official_title = template["政府信息公开工作年度报告格式模板"]
    assert official_title == {"font": title.font, "size": title.size, "bold": True}
    assert template["一、总体情况"] == {"font": heading.font, "size": heading.size, "bold": True}
    assert template["（文字描述）"] == {"font": OFFICIAL.body.font, "size": OFFICIAL.body.size, "bold": False}
    assert template["自然人"] == {"font": OFFICIAL.table.font, "size": OFFICIAL.table.size, "bold": False}
    corner = template["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert corner == {"font": OFFICIAL.note.font, "size": OFFICIAL.note.size, "bold": False}
    assert template["（区分处理的，只计这一情形，不计其他情形）"] == corner


def test_the_report_looks_like_the_template(tmp_path: Path) -> None:
    report = read_report(CASES / "pdf_real_huaian_2024.pdf")
    publish(report, tmp_path / "年报.docx")
    doc = Document(str(tmp_path / "年报.docx"))
    ours = _runs(doc)
    template = _runs(Document(str(OFFICIAL_TEMPLATE)))
    title = f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"
    assert ours[title] == template["政府信息公开工作年度报告格式模板"]
    assert ours["一、总体情况"] == template["一、总体情况"]
    assert ours[report.narrative["overview"].split("\n")[0]] == template["（文字描述）"]
    for label in ("自然人", "申请人情况", "（七）总计", "结果维持", "第二十条第（一）项", "3050"):
        assert ours[label] == template["自然人"], label
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert ours[corner] == template[corner]  # the 勾稽关系 note, 楷体
    assert ours["（区分处理的，只计这一情形，不计其他情形）"] == template[corner]
    assert ours["（二）部分公开"] == template["自然人"]
    section = doc.sections[0]
    official = Document(str(OFFICIAL_TEMPLATE)).sections[0]
    for attr in ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin"):
        assert getattr(section, attr) == getattr(official, attr), attr
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))  # A4


# --- an agency's own template ------------------------------------------------------------------------------


def test_an_agencys_template_keeps_its_page_header_and_styles(tmp_path: Path) -> None:
    template = Document()
    section = template.sections[0]
    section.left_margin = section.right_margin = Twips(1587)  # GB/T 9704: 28 mm
    section.header.paragraphs[0].text = "某某区人民政府办公室"
    template.add_paragraph("模板里的示例文字，生成时去掉")
    body = template.styles.add_style("年报正文", WD_STYLE_TYPE.PARAGRAPH)
    body.font.size = Pt(16)
    body.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    buffer = io.BytesIO()
    template.save(buffer)
    (tmp_path / "本单位模板.docx").write_bytes(buffer.getvalue())

    report = read_report(CASES / "004_zibo_2021.txt")
    publish(report, tmp_path / "年报.docx", template=tmp_path / "本单位模板.docx")
    doc = Document(str(tmp_path / "年报.docx"))
    assert doc.sections[0].left_margin == Twips(1587)
    assert doc.sections[0].header.paragraphs[0].text == "某某区人民政府办公室"
    assert all("模板里的示例文字" not in p.text for p in doc.paragraphs)
    looks = _runs(doc)
    first_line = report.narrative["overview"].split("\n")[0]
    assert looks[first_line] == {"font": "仿宋_GB2312", "size": 16, "bold": False}
    assert looks["自然人"] == {"font": "宋体", "size": 10, "bold": False}  # not in the template: official
    back = read_report(tmp_path / "年报.docx")
    assert back.to_json()["tables"] == report.to_json()["tables"]


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04 cut short"])
def test_a_template_that_is_not_a_word_document_is_refused(content: bytes, tmp_path: Path) -> None:
    from nianbao.errors import UnreadableInput

    (tmp_path / "模板.docx").write_bytes(content)
    report = read_report(CASES / "004_zibo_2021.txt")
    with pytest.raises(UnreadableInput, match=r"模板\.docx"):
        publish(report, tmp_path / "年报.docx", template=tmp_path / "模板.docx")
    assert not (tmp_path / "年报.docx").exists()


# --- rendered by LibreOffice --------------------------------------------------------------------------


def _tall(docx: bytes) -> bytes:
    """The document with its page made tall enough that no table breaks across pages (both
    documents the same way), so that each table renders whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb'(<w:pgSz\b[^>]*?w:h=")\d+', rb"\g<1>50000", data)
            target.writestr(item, data)
    return out.getvalue()


def _rendered_grid(table: Any) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """A table as drawn on the page (pdfplumber, from its ruling lines): columns, rows, and each
    cell's first and last row and column between the lines (a merged cell spans several)."""
    def edges(values: list[float]) -> list[float]:
        found: list[float] = []
        for value in sorted(values):
            if not found or value - found[-1] > 2:
                found.append(value)
        return found

    xs = edges([c[0] for c in table.cells] + [c[2] for c in table.cells])
    ys = edges([c[1] for c in table.cells] + [c[3] for c in table.cells])

    def at(value: float, lines: list[float]) -> int:
        return min(range(len(lines)), key=lambda i: abs(lines[i] - value))

    cells = sorted((at(c[1], ys), at(c[3], ys), at(c[0], xs), at(c[2], xs)) for c in table.cells)
    return len(xs) - 1, len(ys) - 1, cells


def test_rendered_by_libreoffice_the_tables_have_the_official_rows_columns_and_merges(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
    buffer = io.BytesIO()
    build_docx(Report.blank(Meta(agency="某区人民政府", year=2022, edition="2021"), SPEC), SPEC).save(buffer)
    (tmp_path / "official.docx").write_bytes(_tall(OFFICIAL_TEMPLATE.read_bytes()))
    (tmp_path / "generated.docx").write_bytes(_tall(buffer.getvalue()))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "official.docx"), str(tmp_path / "generated.docx")],
                   check=True, capture_output=True, timeout=300)
    rendered = {}
    for name in ("official", "generated"):
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            rendered[name] = [_rendered_grid(t) for page in pdf.pages for t in page.find_tables()]
    official = rendered["official"]
    # counted by hand: 二 4 group lines, 10 header cells, 16 in its six rows; 三 10 header cells,
    # 30 labels, 25 rows of 7 numbers; 四 19 header cells and 15 numbers
    assert [(cols, rows, len(cells)) for cols, rows, cells in official] == [
        (4, 14, 30), (10, 28, 215), (15, 4, 34)]
    assert rendered["generated"] == official
