"""Old layouts inside new forms (SPEC.md "Real-world exceptions"): a 2021-edition report that
prints （六）其他处理 as one row, the 2019 way.

The sources in tests/data/oldlayouts/ were written by hand; their numbers (checked by hand):
本年新收 自然人 6, 商业企业 2, 总计 8; 上年结转 1 (自然人); 予以公开 3 + 1 = 4; 部分公开 1;
本机关不掌握 1; （六）其他处理 as one row: 自然人 1, 商业企业 1, 总计 2; （七）总计 6 + 2 = 8;
结转下年度 1. 4 + 1 + 1 + 2 = 8, so the table adds up only when （六） is counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.consolidate import consolidate
from nianbao.consolidate.sheets import summary_name
from nianbao.document import Paragraph
from nianbao.labels import Target, label_index
from nianbao.matching import rows_from_tokens
from nianbao.model import Cell, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate import validate
from nianbao.workbook import read_workbook, write_workbook

from .conftest import DATA, SOURCES

OLD = DATA / "oldlayouts"
SPEC = load_spec()
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
           "total")
OTHER = dict(zip(COLUMNS, (1, 1, 0, 0, 0, 0, 2), strict=True))
SUB_ROWS = ("other_no_correction", "other_no_fee", "other_misc")


@pytest.fixture(params=["2021_other_single_row.txt", "2021_other_single_row.html"])
def source(request) -> Path:
    return OLD / request.param


def test_one_row_lands_in_other_and_the_sub_rows_stay_blank(source: Path) -> None:
    data = read_report(source).to_json()
    assert data["meta"]["edition"] == "2021" and data["meta"]["year"] == 2022
    requests = data["tables"]["requests"]
    assert requests["other"] == OTHER
    for row in SUB_ROWS:
        assert requests[row] == dict.fromkeys(COLUMNS)
    assert requests["total_processed"] == dict(zip(COLUMNS, (6, 2, 0, 0, 0, 0, 8), strict=True))
    assert requests["granted"]["total"] == 4 and requests["rejected_confirmation"]["total"] == 0
    assert data["tables"]["appeals"]["count"]["review_total"] == 1
    assert data["unmapped"] == []


def test_a_normal_2021_report_has_no_row_other() -> None:
    data = read_report(SOURCES / "004_zibo_2021.txt").to_json()
    assert "other" not in data["tables"]["requests"]
    assert data["tables"]["requests"]["other_misc"]["total"] == 0


def test_the_warning_and_outcome_sum_counting_other(source: Path) -> None:
    report = read_report(source)
    result = validate(report)
    assert [(f.rule, f.severity, f.row, f.column, f.cell, f.actual) for f in result.findings] == [
        ("requests.other_single_row", "warning", "other", "total", "三、依申请公开!J30", 2)]
    assert "三个子项" in result.findings[0].message and result.valid
    # one less in （六）: （七）总计 no longer adds up, and the expected sum counts （六） as printed
    report.tables["requests"]["other"]["natural_person"] = Cell(0)
    found = validate(report).by_rule("requests.outcome_sum")
    assert [(f.row, f.column, f.expected, f.actual) for f in found] == [
        ("total_processed", "natural_person", 5, 6)]


def test_label_index_names_the_off_form_row_only_through_the_group() -> None:
    index = label_index(SPEC.edition("2021").table("requests"))
    assert index.lookup("（六）其他处理") == Target("group", "（六）其他处理", "other")
    assert index.lookup("3.其他") == Target("row", "other_misc")
    index_2019 = label_index(SPEC.edition("2019").table("requests"))
    assert index_2019.lookup("（六）其他处理") == Target("row", "other")


def test_group_label_before_its_sub_rows_is_not_a_row() -> None:
    """The 2021 layout in a text dump: the group label, then its first sub-row's label and numbers."""
    table = SPEC.edition("2021").table("requests")
    texts = ["5．要求行政机关确认或重新出具已获取信息", *"0000000", "（六）其他处理",
             "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", *"1000001"]
    tokens = [Paragraph(t, f"第{i}行", True) for i, t in enumerate(texts)]
    candidates, unmapped = rows_from_tokens(table, tokens, label_index(table))
    assert [(c.row, [v.text for v in c.values]) for c in candidates] == [
        ("rejected_confirmation", list("0000000")), ("other_no_correction", list("1000001"))]
    assert unmapped == []


def test_workbook_round_trip_keeps_other(source: Path, tmp_path: Path) -> None:
    report = read_report(source)
    write_workbook(report, tmp_path / "年报.xlsx")
    ws = load_workbook(tmp_path / "年报.xlsx")["三、依申请公开"]
    assert ws["A30"].value == "（六）其他处理（未分项）"
    assert [ws.cell(30, c).value for c in range(4, 11)] == [1, 1, 0, 0, 0, 0, 2]
    back = read_workbook(tmp_path / "年报.xlsx")
    assert back.to_json()["tables"] == report.to_json()["tables"]
    where = report.tables["requests"]["other"]["total"].where
    assert where and back.tables["requests"]["other"]["total"].where == where


def test_a_blank_2021_workbook_reads_back_without_other(tmp_path: Path) -> None:
    write_workbook(read_report(SOURCES / "004_zibo_2021.txt"), tmp_path / "年报.xlsx")
    assert "other" not in read_workbook(tmp_path / "年报.xlsx").tables["requests"]


def _department(agency: str, single_row: bool) -> Report:
    """5 applications from people: granted 3, and 2 under （六）其他处理, as one row or as 3．其他."""
    report = Report.blank(Meta(agency=agency, year=2022, edition="2021", source=f"{agency}.txt"))
    rows = report.tables["requests"]
    for row, n in (("new_received", 5), ("granted", 3), ("total_processed", 5)):
        rows[row]["natural_person"], rows[row]["total"] = Cell(n), Cell(n)
    cells = report.add_off_form_row("requests", "other") if single_row else rows["other_misc"]
    cells["natural_person"], cells["total"] = Cell(2), Cell(2)
    return report


def test_consolidation_sums_other_apart(tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    folder.mkdir()
    write_workbook(_department("甲局", single_row=True), folder / "甲局.xlsx")
    write_workbook(_department("乙局", single_row=False), folder / "乙局.xlsx")
    write_workbook(_department("丙局", single_row=True), folder / "丙局.xlsx")
    result = consolidate([folder], tmp_path / "汇总.xlsx")
    totals = {(t.row, t.column): t.value for t in result.totals if t.table == "requests"}
    assert totals[("granted", "total")] == 9 and totals[("total_processed", "total")] == 15
    assert totals[("other_misc", "total")] == 2  # only 乙局 split （六）
    assert ("other", "total") not in totals
    apart = {(t.row, t.column): (t.value, t.departments, t.editions) for t in result.apart}
    assert apart[("other", "total")] == (4, 2, ("2021",))  # 甲局 and 丙局, summed apart
    assert apart[("other", "commercial")] == (None, 2, ("2021",))
    wb = load_workbook(tmp_path / "汇总.xlsx")
    assert summary_name("requests", "other", "total") not in wb.defined_names
    texts = [c.value for row in wb["汇总"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("只填一行的（六）其他处理" in t for t in texts)
    assert "第三项（六）其他处理（总计）" in texts
    assert "2021年版表外项目（未计入汇总）" in [c.value for c in wb["明细"][1]]
    # the 汇总 itself is checked like a report: without the rows kept apart （七） does not add up
    assert [f.rule for f in result.summary.findings] == ["requests.outcome_sum", "requests.outcome_sum"]
    assert all(d.status == "有警告" for d in result.members if d.agency in ("甲局", "丙局"))
