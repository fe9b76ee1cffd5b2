"""Nothing read is not valid (SPEC "Real-world exceptions"): a source from which no table cell
could be read is unreadable; text in a count cell is a finding at its cell; a value under a
merged header cell is never dropped. Every input here is hand-made (the web pages are one table
三 with seven header markups) and every expected value is typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report, save_workbook
from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.errors import NOTHING_READ, UnreadableInput
from nianbao.model import Cell, LegacyRow, Meta, Report
from nianbao.validate import validate, validate_many, validate_path
from nianbao.workbook import build_template, read_workbook, write_workbook

from .conftest import CASES

UNREADABLE = [CASES / "html_unreadable_header_rows_only_2022.html",
              CASES / "txttab_unreadable_tables_as_images_2022.txt"]
TEXT_IN_CELLS = CASES / "html_text_in_cells_2022.html"
BLANK_FORM = CASES / "docx_real_official_template.docx"
CLEAN = CASES / "004_zibo_2021.txt"


# --- nothing read ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", UNREADABLE, ids=lambda p: p.name)
def test_a_source_without_a_single_table_cell_is_unreadable(path: Path) -> None:
    with pytest.raises(UnreadableInput) as caught:
        read_report(path)
    assert caught.value.reason == NOTHING_READ
    assert path.name in str(caught.value)
    with pytest.raises(UnreadableInput):
        validate_path(path)


@pytest.mark.parametrize("path", UNREADABLE, ids=lambda p: p.name)
def test_validate_cli_exits_2_with_the_reason_never_valid(path: Path, capsys) -> None:
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"{path.name}：没有读到任何表格数值" in captured.err
    assert "未发现问题" not in captured.out
    assert main(["validate", str(path), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data == {"valid": False, "unreadable": NOTHING_READ, "findings": []}


def test_validate_cli_json_lines_name_the_unreadable_source(capsys) -> None:
    assert main(["validate", str(UNREADABLE[0]), str(CLEAN), "--format", "json"]) == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["source"], d["valid"]) for d in lines] == [(UNREADABLE[0].name, False), (CLEAN.name, True)]


@pytest.mark.parametrize("path", UNREADABLE, ids=lambda p: p.name)
def test_convert_exits_2_and_writes_no_empty_workbook(path: Path, tmp_path: Path, capsys) -> None:
    assert main(["convert", str(path), "-o", str(tmp_path)]) == 2
    assert "没有读到任何表格数值" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_a_report_without_any_table() -> None:
    empty = Report(Meta(agency="示例单位", year=2022, edition="2021", source="空.txt"))
    with pytest.raises(UnreadableInput) as caught:
        validate(empty)
    assert str(caught.value) == f"空.txt：{NOTHING_READ}"
    with pytest.raises(UnreadableInput):
        validate_many([read_report(CLEAN), empty])


def test_a_workbook_listing_every_table_as_missing_is_unreadable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "空.xlsx"
    write_workbook(Report(Meta(agency="示例单位", year=2022, edition="2021")), path)
    for read in (read_report, lambda p: read_workbook(p, provenance=False)):
        with pytest.raises(UnreadableInput, match="没有读到任何表格数值"):
            read(path)
    assert main(["validate", str(path)]) == 2
    assert "空.xlsx：没有读到任何表格数值" in capsys.readouterr().err


def test_consolidation_lists_a_source_without_tables_as_unreadable(tmp_path: Path) -> None:
    result = consolidate([UNREADABLE[0], CLEAN], tmp_path / "汇总.xlsx")
    assert [(p.name, reason) for p, reason in result.unreadable] == [(UNREADABLE[0].name, NOTHING_READ)]
    assert result.departments == 1


def test_a_blank_form_is_read_tables_found_cells_blank(tmp_path: Path, capsys) -> None:
    # The official template: every table is there (its labels matched), every cell blank.
    report = read_report(BLANK_FORM)
    assert list(report.tables) == ["active", "requests", "appeals"]
    assert all(cell.value is None and cell.where for _, _, _, cell in report.cells())
    assert validate(report).valid
    assert main(["validate", str(BLANK_FORM)]) == 0
    assert main(["convert", str(BLANK_FORM), "-o", str(tmp_path)]) == 0
    assert (tmp_path / f"{BLANK_FORM.stem}.xlsx").is_file()
    # A blank 统计表 workbook (新建空白年报, legacy edition) is a form too, not nothing.
    legacy = tmp_path / "统计表.xlsx"
    build_template("legacy").save(legacy)
    assert main(["validate", str(legacy)]) == 0
    assert "未发现问题" in capsys.readouterr().out


# --- text in a count cell ----------------------------------------------------------------------

# (table, row, column, cell, text) typed by hand from html_text_in_cells_2022.html
TEXT_FINDINGS = [
    ("requests", "new_received", "commercial", "三、依申请公开!E4", "待核实"),
    ("requests", "carried_in", "natural_person", "三、依申请公开!D5", "1 2"),
    ("appeals", "count", "review_pending", "四、复议诉讼!D4", "待核实"),
]


def _not_a_number(result) -> list[tuple]:
    return [(f.table, f.row, f.column, f.cell, f.actual) for f in result.by_rule("report.not_a_number")]


def test_text_in_a_count_cell_stays_at_its_cell_blank_with_its_text() -> None:
    report = read_report(TEXT_IN_CELLS)
    requests = report.tables["requests"]
    assert [c.value for c in requests["new_received"].values()] == [5, None, 3, 4, 2, 7, 22]
    assert [c.value for c in requests["carried_in"].values()] == [None, 0, 0, 0, 0, 1, 2]  # "1 2" is not 12
    assert [c.value for c in requests["granted"].values()] == [6, 1, None, 4, 2, 8, 24]
    assert requests["new_received"]["commercial"].raw == "待核实"
    assert requests["new_received"]["commercial"].where == "表格2第4行第5列"
    assert requests["carried_in"]["natural_person"].raw == "1 2"
    assert requests["granted"]["research"].raw == "—"
    assert report.tables["appeals"]["count"]["review_pending"] == Cell(None, "待核实", "表格3第4行第4列")
    assert report.unmapped == []


def test_text_in_a_count_cell_is_an_error_finding_at_its_cell(capsys) -> None:
    result = validate(read_report(TEXT_IN_CELLS))
    assert _not_a_number(result) == TEXT_FINDINGS  # and none for the blank marker "—"
    assert not result.valid
    first = result.by_rule("report.not_a_number")[0]
    assert first.severity == "error"
    assert first.message.startswith("一、本年新收政府信息公开申请数量（商业企业）填的是“待核实”，不是数字")
    assert main(["validate", str(TEXT_IN_CELLS), "--format", "json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert [f["actual"] for f in printed["findings"] if f["rule"] == "report.not_a_number"] == [
        "待核实", "1 2", "待核实"]


def test_text_in_a_count_cell_of_a_table_without_header_line() -> None:
    # Table 二 printed without its header line (no column map): "规章 | 0 | 待核实 | 0" keeps its
    # three values in order, and a note after 行政规范性文件's numbers is not a fourth value.
    report = read_report(CASES / "html_text_in_cells_no_header_2022.html")
    active = report.tables["active"]
    assert list(active["regulations"].values()) == [
        Cell(0, "0", "表格1第1行第2列"), Cell(None, "待核实", "表格1第1行第3列"),
        Cell(0, "0", "表格1第1行第4列")]
    assert [c.value for c in active["normative_documents"].values()] == [3, 1, 12]
    assert _not_a_number(validate(report)) == [
        ("active", "regulations", "repealed", "二、主动公开!C3", "待核实"), *TEXT_FINDINGS]


def test_text_in_a_count_cell_survives_the_standard_workbook(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    save_workbook(read_report(TEXT_IN_CELLS), path)
    wb = load_workbook(path)
    assert wb["三、依申请公开"]["E4"].value == "待核实"  # the clerk sees what was printed
    assert wb["三、依申请公开"]["D5"].value == "1 2"
    assert wb["三、依申请公开"]["F6"].value is None  # "—" is blank
    back = read_report(path)
    assert back.tables["requests"]["new_received"]["commercial"] == Cell(None, "待核实", "表格2第4行第5列")
    assert _not_a_number(validate_path(path)) == TEXT_FINDINGS
    assert _not_a_number(validate(read_workbook(path, provenance=False))) == TEXT_FINDINGS  # as consolidated


def test_text_typed_into_a_blank_workbook_is_a_finding(tmp_path: Path) -> None:
    wb = build_template("2021")
    wb["三、依申请公开"]["J4"] = "约5"
    wb["三、依申请公开"]["D4"] = "—"
    path = tmp_path / "手填.xlsx"
    wb.save(path)
    result = validate_path(path)
    assert _not_a_number(result) == [("requests", "new_received", "total", "三、依申请公开!J4", "约5")]


def test_text_in_a_legacy_value_is_a_finding() -> None:
    report = Report(Meta(agency="示例单位", year=2018, edition="legacy", source="统计表.txt"), legacy=[
        LegacyRow("1", "主动公开情况", None, None),
        LegacyRow("1.1", "主动公开政府信息数", "条", None, "待核实", "第5行"),
        LegacyRow("1.2", "政府网站公开政府信息数", "条", None, "/", "第6行"),
    ])
    assert [(f.row, f.cell, f.actual) for f in validate(report).by_rule("report.not_a_number")] == [
        ("1.1", "统计表!D3", "待核实")]


# --- values under merged header cells ----------------------------------------------------------

# Table 三 of every page, typed by hand: the same numbers whatever the header's markup.
REQUESTS = {
    "new_received": [5, 1, 3, 4, 2, 7, 22],
    "carried_in": [1, 0, 0, 0, 0, 1, 2],
    "granted": [6, 1, 3, 4, 2, 8, 24],
    "total_processed": [6, 1, 3, 4, 2, 8, 24],
    "carried_over": [0, 0, 0, 0, 0, 0, 0],
}
APPEALS = [1, 0, 0, 0, 1] + [0] * 10
# What each page cannot place, with where it was (the extra number of the first row).
PAGES = {
    "standard": [],
    "org_colspan_short": [],  # 法人或其他组织 colspan=4 over five labels: 其他 lands under 申请人情况 only
    "org_colspan_wide": [],  # colspan=6: an empty column under 法人或其他组织, 总计 pushed right
    "sub_label_missing": [],  # four labels under a colspan=5 法人或其他组织
    "natural_no_rowspan": [],  # 自然人 without rowspan: the labels under it shift one column left
    "extra_value_column": [("表格2第4行第11列", "99")],  # an eighth number under no header
    "value_under_org": [("表格2第4行第10列", "1")],  # a number under 法人或其他组织 but no label
}


@pytest.mark.parametrize("name", PAGES)
def test_no_value_under_a_merged_header_vanishes(name: str) -> None:
    report = read_report(CASES / f"html_merged_headers_{name}_2022.html")
    requests = report.tables["requests"]
    assert {row: [requests[row][c].value for c in requests[row]] for row in REQUESTS} == REQUESTS
    assert list(report.tables["appeals"]["count"].values()) == [
        Cell(v, str(v), report.tables["appeals"]["count"][k].where)
        for k, v in zip(report.tables["appeals"]["count"], APPEALS, strict=True)]
    lost = [(u.where, u.text.rpartition("：")[2]) for u in report.unmapped]
    assert lost == PAGES[name]
    for u in report.unmapped:
        assert u.text.startswith("“一、本年新收政府信息公开申请数量”一行中表头未对应到栏目的数值：")
