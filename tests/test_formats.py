"""Readers of every published form: Word, web pages, PDF, old Word/WPS/RTF, and bad input."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.table import _Cell

from nianbao import UnreadableInput, read_report
from nianbao.cli import main
from nianbao.document import Grid
from nianbao.readers import read_document, sniff

from .conftest import CASES

TEMPLATE = CASES / "docx_real_official_template.docx"


def _fill_template(path: Path, values: dict[tuple[int, int, int], str]) -> None:
    """The official Word template with some cells typed in: (table, row, column) → text."""
    doc = new_docx(str(TEMPLATE))
    for (t, r, c), text in values.items():
        doc.tables[t].rows[r].cells[c].text = text
    doc.save(str(path))


def test_blank_official_template_is_the_2021_edition_with_every_cell_blank() -> None:
    report = read_report(TEMPLATE)
    assert report.meta.edition == "2021"
    cells = [cell for *_, cell in report.cells()]
    assert len(cells) == 10 + 25 * 7 + 15  # table 二: 3+3+1+1+1+1; 三: 25 rows x 7; 四: 15
    assert all(cell.value is None for cell in cells)
    assert all(cell.where for cell in cells)  # every blank cell was found in the form
    assert report.missing_tables() == []


def test_filled_template_cells_land_on_their_keys(tmp_path) -> None:
    path = tmp_path / "filled.docx"
    # table 三: row 3 is 一、本年新收 (after three header rows); columns 3..9 are the values
    # (python-docx's row.cells repeats a merged cell once per grid column it spans).
    _fill_template(path, {
        (0, 2, 1): "3", (0, 3, 3): "4185", (0, 6, 1): "11398889", (0, 13, 1): "26.8万元",
        (1, 3, 3): "13", (1, 3, 9): "14", (1, 27, 5): "—",
        (2, 3, 0): "376", (2, 3, 14): "156",
    })
    report = read_report(path)
    assert report.value("active", "regulations", "issued") == 3
    assert report.value("active", "normative_documents", "in_force") == 4185
    assert report.value("active", "licensing", "decisions") == 11398889
    assert report.value("active", "fees", "fee_amount") == 26.8
    assert report.value("requests", "new_received", "natural_person") == 13
    assert report.value("requests", "new_received", "total") == 14
    cell = report.tables["requests"]["carried_over"]["research"]
    assert cell.value is None and cell.raw == "—"
    assert report.value("appeals", "count", "review_upheld") == 376
    assert report.value("appeals", "count", "suit_after_review_total") == 156


def test_docx_text_box_is_kept_as_skipped_content(tmp_path) -> None:
    path = tmp_path / "box.docx"
    _fill_template(path, {})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    box = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>文本框里的说明</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r><w:r><w:t>正文段落</w:t></w:r></w:p>"
    )
    xml = parts["word/document.xml"].decode("utf-8").replace("<w:body>", "<w:body>" + box, 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    document = read_document(path)
    assert document.skipped == (("第1段（文本框）", "文本框里的说明"),)
    assert document.blocks[0].text == "正文段落"
    report = read_report(path)
    assert any(u.text == "文本框里的说明" for u in report.unmapped)


def test_docx_row_starting_late_keeps_its_columns(tmp_path) -> None:
    """A row with w:gridBefore (it starts one column late) is not shifted left."""
    doc = new_docx()
    table = doc.add_table(rows=2, cols=3)
    for c, text in enumerate(["a", "b", "c"]):
        table.rows[0].cells[c].text = text
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])
    tr_pr = row.get_or_add_trPr()
    before = tr_pr.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridBefore",
                               {"{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val": "1"})
    tr_pr.append(before)
    _Cell(row.tc_lst[0], table).text = "B"
    _Cell(row.tc_lst[1], table).text = "C"
    path = tmp_path / "late.docx"
    doc.save(str(path))
    grid = next(b for b in read_document(path).blocks if isinstance(b, Grid))
    assert [c.text for c in grid.rows[1]] == ["", "B", "C"]
    assert grid.rows[1][1].origin == (1, 1)


def test_html_rowspan_colspan_and_declared_gbk_charset(tmp_path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>某区2022年政府信息公开工作年度报告</title></head><body>"
        '<div class="breadcrumb">首页 &gt; 政府信息公开 &gt; 年报</div>'
        "<p>二、主动公开政府信息情况</p><table>"
        '<tr><td colspan="4">第二十条第（一）项</td></tr>'
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>1</td><td>&nbsp;</td><td>1,234</td></tr>"
        '<tr><td>行政规范性文件</td><td rowspan="1">２</td><td><p><span>3</span></p></td><td>4</td></tr>'
        "</table><div class='footer'>网站标识码 1234</div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gbk"))
    report = read_report(path)
    assert (report.meta.agency, report.meta.year, report.meta.edition) == ("某区", 2022, "2021")
    assert report.tables["active"]["regulations"] == {
        "issued": report.tables["active"]["regulations"]["issued"],
        "repealed": report.tables["active"]["regulations"]["repealed"],
        "in_force": report.tables["active"]["regulations"]["in_force"],
    }
    assert [report.value("active", "regulations", k) for k in ("issued", "repealed", "in_force")] == [
        1, None, 1234]
    assert [report.value("active", "normative_documents", k)
            for k in ("issued", "repealed", "in_force")] == [2, 3, 4]
    assert not any("网站标识码" in u.text or "首页" in u.text for u in report.unmapped)
    assert "网站标识码" not in " ".join(report.narrative.values())
    assert report.missing_tables() == ["requests", "appeals"]


@pytest.mark.parametrize(
    ("data", "suffix", "expected"),
    [
        (b"%PDF-1.4\n", ".pdf", "pdf"), (b"PK\x03\x04", ".docx", "zip"), (b"\xd0\xcf\x11\xe0", ".doc", "ole"),
        (b"{\\rtf1", ".rtf", "rtf"), (b"\x89PNG\r\n", ".docx", "png"), (b"<html><body>", ".doc", "html"),
        ("\t规章\n".encode(), ".pdf", "text"),
    ],
)
def test_sniff_by_content_not_extension(data: bytes, suffix: str, expected: str) -> None:
    assert sniff(data, suffix) == expected


def _scanned_pdf(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(path))


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(TEMPLATE.read_bytes()[:3000])
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    scanned = tmp_path / "scanned.pdf"
    _scanned_pdf(scanned)
    no_tables = tmp_path / "no_tables.html"
    no_tables.write_text("<html><body><p>这是一篇新闻，没有表格。</p></body></html>", "utf-8")
    picture = tmp_path / "picture.docx"
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())
    return {
        "corrupt": (corrupt, "损坏"),
        "empty": (empty, "文件是空的"),
        "scanned": (scanned, "扫描版 PDF（没有文字层），需要先做 OCR"),
        "no_tables": (no_tables, "没有找到年报表格"),
        "wrong_extension": (picture, "扩展名是 .docx，但文件内容是PNG 图片"),
    }


@pytest.mark.parametrize("case", ["corrupt", "empty", "scanned", "no_tables", "wrong_extension"])
def test_bad_input_gives_a_one_line_reason(tmp_path, case: str) -> None:
    path, reason = _bad_inputs(tmp_path)[case]
    with pytest.raises(UnreadableInput) as info:
        read_report(path)
    message = str(info.value)
    assert reason in message and str(path) in message and "\n" not in message


def test_bad_inputs_do_not_stop_a_batch(tmp_path, capsys) -> None:
    bad = [str(p) for p, _ in _bad_inputs(tmp_path).values()]
    out = tmp_path / "out"
    args = ["convert", *bad, str(CASES / "002_zichuan_2020.txt"), str(TEMPLATE), "-o", str(out)]
    assert main(args) == 2
    # the blank template names no agency: its file's name is kept
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "docx_real_official_template.xlsx", "淄川区招商局_2020.xlsx"]
    err = capsys.readouterr().err
    assert err.count("✗") == 5 and "成功 2，失败 5" in err


def _fake_soffice(tmp_path: Path, produce: Path | None) -> str:
    """A stand-in for LibreOffice that writes ``produce`` as the converted file."""
    script = tmp_path / "fake-soffice"
    copy = f'cp "{produce}" "$outdir/input.docx"' if produce else "true"
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in -env:UserInstallation=*) echo "$a" >> "$0.log";; esac; done\n'
        'while [ "$#" -gt 0 ]; do if [ "$1" = "--outdir" ]; then outdir="$2"; fi; shift; done\n'
        f"{copy}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_doc_is_converted_through_libreoffice_with_its_own_profile(tmp_path, monkeypatch) -> None:
    soffice = _fake_soffice(tmp_path, TEMPLATE)
    monkeypatch.setenv("NIANBAO_SOFFICE", soffice)
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert read_report(old).meta.edition == "2021"
    assert read_report(old).meta.source == "old.doc"
    profiles = Path(soffice + ".log").read_text().split()
    assert len(profiles) == 2 and profiles[0] != profiles[1]  # one profile per conversion


def test_doc_that_libreoffice_cannot_convert(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_SOFFICE", _fake_soffice(tmp_path, None))
    old = tmp_path / "old.wps"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UnreadableInput, match="LibreOffice 未能转换此文件"):
        read_report(old)


def test_doc_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NIANBAO_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UnreadableInput, match=r"需要 LibreOffice.*另存为” \.docx"):
        read_report(old)
    assert os.environ["PATH"] == str(tmp_path)


def test_the_pages_widgets_are_not_the_reports_text() -> None:
    """平潭's pages print 全真版 / 文字版 / 文件下载 / 相关链接： above the report's text and 附件下载 /
    扫一扫在手机上查看当前页面 / 文字解读 / 图片解读 / H5解读 below it (read in the page source): they
    are listed as unmapped, with their place, and the text begins and ends where the report does."""
    cases = Path(__file__).parent / "data" / "cases"
    report = read_report(cases / "html_pingtan_2025.html")
    widgets = ["全真版", "文字版", "文件下载", "相关链接：", "附件下载", "扫一扫在手机上查看当前页面",
               "文字解读", "图片解读", "H5解读"]
    assert [u.text for u in report.unmapped if u.text in widgets] == widgets
    assert all(u.where for u in report.unmapped if u.text in widgets)
    text = "\n".join(report.narrative.values())
    assert not any(line in widgets for line in text.splitlines())
    assert report.narrative["overview"].startswith("本报告根据《中华人民共和国政府信息公开条例》")
