"""Tables that come as text lines, and the row labels they print: fields of a line, misprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import read_report
from nianbao.readers.text import split_fields
from nianbao.validate import validate
from nianbao.workbook import read_workbook, write_workbook

from .conftest import CASES

HANGZHOU = CASES / "html_real_hangzhou_2025.html"  # 2.其他法律行政法规禁止公开: 30 0 0 0 0 0 30


@pytest.mark.parametrize(("line", "fields"), [
    # pdftotext -layout: runs of spaces, columns kept
    ("   2.其他法律行政法规禁止公开     30   1", [(3, "2.其他法律行政法规禁止公开"), (22, "30"), (27, "1")]),
    # copy from a PDF viewer: single spaces, the numbers peeled off the label
    ("行政许可 447228", [(0, "行政许可"), (5, "447228")]),
    ("行政许可 — — 5", [(0, "行政许可"), (5, "—"), (7, "—"), (9, "5")]),
    # pasted from a web page: tabs, an empty first cell (a merged label) and an empty value
    ("\t2.重复申请\t30\t\t1", [(0, ""), (1, "2.重复申请"), (8, "30"), (11, ""), (12, "1")]),
    # Excel quotes a cell holding a line break
    ('信息内容\t"本年新\n制作数量"\t5', [(0, "信息内容"), (5, "本年新\n制作数量"), (16, "5")]),
    ("| 规章 | 1 | | 3 |", [(2, "规章"), (7, "1"), (11, ""), (13, "3")]),
    # running text stays one field; a page number line is one piece, not three fields
    ("2024年，市政府办公室坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻  落实",
     [(0, "2024年，市政府办公室坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻  落实")]),
    ("— 5 —", [(0, "— 5 —")]),
])
def test_split_fields(line: str, fields: list[tuple[int, str]]) -> None:
    assert split_fields(line) == fields


def _misprinted(tmp_path: Path, suffix: str, text: str) -> Path:
    path = tmp_path / f"misprint{suffix}"
    path.write_text(text, "utf-8")
    return path


def _page_with(label: str, tmp_path: Path) -> Path:
    page = HANGZHOU.read_text("utf-8")
    assert page.count("2.其他法律行政法规禁止公开") == 1
    return _misprinted(tmp_path, ".html", page.replace("2.其他法律行政法规禁止公开", label))


def test_a_misprinted_label_is_read_as_the_row_at_its_place_with_a_warning(tmp_path: Path) -> None:
    report = read_report(_page_with("2.其他法律行政止公开", tmp_path))
    row = report.tables["requests"]["denied_prohibited"]
    assert (row["natural_person"].value, row["total"].value) == (30, 30)
    assert row["natural_person"].label == "2.其他法律行政止公开"
    findings = [f for f in validate(report).findings if f.rule == "report.label_misprint"]
    assert [(f.severity, f.row, f.column, f.cell, f.actual) for f in findings] == [
        ("warning", "denied_prohibited", "natural_person", "三、依申请公开!D9", "2.其他法律行政止公开")]
    # the standard workbook keeps the printed label: validating it says the same
    workbook = write_workbook(report, tmp_path / "misprint.xlsx") and tmp_path / "misprint.xlsx"
    again = [f for f in validate(read_workbook(workbook)).findings if f.rule == "report.label_misprint"]
    assert [(f.row, f.actual) for f in again] == [("denied_prohibited", "2.其他法律行政止公开")]


def test_a_label_not_close_to_the_form_is_not_guessed(tmp_path: Path) -> None:
    report = read_report(_page_with("2.其他事项", tmp_path))
    row = report.tables["requests"]["denied_prohibited"]
    assert row["natural_person"].value is None
    assert any("2.其他事项" in u.text and "30" in u.text for u in report.unmapped)
    assert not [f for f in validate(report).findings if f.rule == "report.label_misprint"]


@pytest.mark.parametrize("layout", ["pasted", "cell per line"])
def test_a_misprint_in_pasted_text_and_in_a_cell_per_line_dump(tmp_path: Path, layout: str) -> None:
    rows = "\n".join([
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t4\t0\t0\t0\t0\t0\t4",
        "（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
        "\t2.其他法律行政止公开\t3\t0\t0\t0\t0\t0\t3",
        "\t3.危及“三安全一稳定”\t1\t0\t0\t0\t0\t0\t1",
        "（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0",
        "\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0",
    ])
    if layout == "cell per line":
        rows = "\n".join(cell for line in rows.split("\n") for cell in line.split("\t") if cell)
    report = read_report(_misprinted(tmp_path, ".txt", rows))
    assert report.tables["requests"]["denied_prohibited"]["total"].value == 3
    assert report.tables["requests"]["denied_prohibited"]["total"].label == "2.其他法律行政止公开"
    assert report.tables["requests"]["denied_three_safety"]["total"].value == 1


@pytest.mark.parametrize("layout", ["a cell per line", "a row per line"])
def test_text_in_a_count_cell_of_a_text_dump_is_named_at_its_cell(tmp_path: Path, layout: str) -> None:
    rows = [["规章", "待核实", "0", "3"], ["行政规范性文件", "2", "1", "4"]]
    head = ["二、主动公开政府信息情况", "第二十条第（一）项"]
    if layout == "a cell per line":
        header = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
        lines = [*head, *header, *(c for r in rows for c in r)]
    else:
        lines = [*head, "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", *("\t".join(r) for r in rows)]
    report = read_report(_misprinted(tmp_path, ".txt", "\n".join(lines)))
    regulations = report.tables["active"]["regulations"]
    assert [(c.value, c.raw) for c in regulations.values()] == [(None, "待核实"), (0, "0"), (3, "3")]
    findings = [(f.rule, f.cell, f.actual) for f in validate(report).findings if f.severity == "error"]
    assert findings == [("report.not_a_number", "二、主动公开!B3", "待核实")]


def test_a_dump_that_ran_the_cells_together_says_so() -> None:
    """The Pingtan crawler wrote each page as one line: "行政规范性文件6233440" (62 | 33 | 440)."""
    from nianbao import UnreadableInput
    from nianbao.assemble import RUN_TOGETHER

    with pytest.raises(UnreadableInput) as caught:
        read_report(Path(__file__).parent / "data" / "cases" / "txt_pingtan_2024.txt")
    assert caught.value.reason == RUN_TOGETHER
