"""The standard workbook: layout, names, text safety, reading back after a clerk's edits."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from nianbao import UnreadableInput, read_report
from nianbao.model import Meta, Report
from nianbao.spec import load_spec
from nianbao.workbook import NOT_STANDARD, build_template, write_workbook
from nianbao.workbook.layout import table_layout

from .conftest import CASES
from .test_injection import assert_nothing_gets_in


def test_cell_addresses_follow_the_official_form() -> None:
    spec = load_spec()
    requests21 = table_layout(spec.edition("2021").table("requests"))
    assert requests21.reference("total_processed", "natural_person") == "三、依申请公开!D27"
    assert requests21.address("new_received", "total") == "J4"
    requests19 = table_layout(spec.edition("2019").table("requests"))
    assert requests19.address("total_processed", "natural_person") == "D25"
    appeals = table_layout(spec.edition("2021").table("appeals"))
    assert appeals.address("count", "review_upheld") == "A4"
    assert appeals.address("count", "suit_after_review_total") == "O4"
    active = table_layout(spec.edition("2021").table("active"))
    assert active.address("regulations", "issued") == "B3"
    assert active.address("licensing", "decisions") == "B7"
    assert active.value_spans[("licensing", "decisions")] == 4


def test_template_sheets_and_merges() -> None:
    wb = build_template("2021")
    assert wb.sheetnames == ["基本信息", "二、主动公开", "三、依申请公开", "四、复议诉讼", "文字内容", "来源",
                             "勾稽公式"]
    ws = wb["三、依申请公开"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C3", "D1:J1", "D2:D3", "E2:I2", "J2:J3", "A4:C4", "A6:A27", "A28:C28", "B8:B15"} <= merged
    assert ws["A6"].value == "三、本年度办理结果"
    assert ws["C8"].value == "1．属于国家秘密"
    assert ws.freeze_panes == "D4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert wb["来源"].sheet_state == "hidden" and wb["勾稽公式"].sheet_state == "hidden"
    # 25 rows of the form, and the off-form row under it (（六）其他处理 printed as one row)
    assert len([n for n in wb.defined_names if n.startswith("requests.")]) == 26 * 7
    assert {"A30:C30", "A31:J31"} <= merged
    assert ws["A30"].value == "（六）其他处理（未分项）" and ws["A29"].value is None
    assert wb.defined_names["requests.other.total"].attr_text == "'三、依申请公开'!$J$30"


def test_text_never_becomes_a_formula(tmp_path) -> None:
    report = Report.blank(Meta(agency="=1+1", year=2021, edition="2021", source="@x.txt"))
    report.narrative = {"overview": "=HYPERLINK(\"http://x\",\"y\")", "other": "-3 项"}
    path = tmp_path / "safe.xlsx"
    write_workbook(report, path)
    assert_nothing_gets_in(path, set())  # the live rules' formulas, and no other
    back = read_report(path)
    assert back.meta.agency == "=1+1" and back.narrative["overview"].startswith("=HYPERLINK")
    assert load_workbook(path)["基本信息"]["B1"].quotePrefix


def test_reading_survives_an_inserted_row(tmp_path) -> None:
    original = read_report(CASES / "004_zibo_2021.txt")
    path = tmp_path / "edited.xlsx"
    write_workbook(original, path)
    wb = load_workbook(path)
    ws = wb["三、依申请公开"]
    ws.insert_rows(10)  # openpyxl moves the cells; Excel would also move the names:
    for name, dn in list(wb.defined_names.items()):
        sheet, address = next(iter(dn.destinations))
        col, row = re.match(r"\$([A-Z]+)\$(\d+)", address).groups()
        if sheet == ws.title and int(row) >= 10:
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${int(row) + 1}")
    wb.save(path)
    assert load_workbook(path)["三、依申请公开"]["J28"].value == 2  # total moved down a row
    assert read_report(path).tables == original.tables


def test_a_clerks_edit_is_read_with_the_workbook_as_its_source(tmp_path) -> None:
    path = tmp_path / "edited.xlsx"
    write_workbook(read_report(CASES / "004_zibo_2021.txt"), path)
    wb = load_workbook(path)
    wb["三、依申请公开"]["D4"] = 5
    wb.save(path)
    cell = read_report(path).tables["requests"]["new_received"]["natural_person"]
    assert (cell.value, cell.raw, cell.where) == (5, "5", "三、依申请公开!D4")


def test_not_a_standard_workbook(tmp_path) -> None:
    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(UnreadableInput) as info:
        read_report(path)
    assert NOT_STANDARD in str(info.value)
