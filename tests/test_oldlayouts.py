"""Old layouts inside new forms (SPEC.md "Real-world exceptions"): a 2021-edition report that
prints （六）其他处理 as one row, the 2019 way.

The sources (tests/data/cases/*_other_single_row_2022.*, provenance hand-made) were written by
hand (the .txt with table cells on tab-led lines, the same text as one cell per paragraph and as a
row per line with fields apart by runs of spaces, the web page with the form's merged cells; the
.docx is the web page saved as Word by LibreOffice); their numbers (checked by hand):
本年新收 自然人 6, 商业企业 2, 总计 8; 上年结转 1 (自然人); 予以公开 3 + 1 = 4; 部分公开 1;
本机关不掌握 1; （六）其他处理 as one row: 自然人 1, 商业企业 1, 总计 2; （七）总计 6 + 2 = 8;
结转下年度 1. 4 + 1 + 1 + 2 = 8, so the table adds up only when （六） is counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.consolidate import consolidate, long_frame
from nianbao.consolidate.sheets import summary_name
from nianbao.document import Paragraph
from nianbao.labels import Target, label_index
from nianbao.legacy import legacy_rows
from nianbao.matching import rows_from_text
from nianbao.model import Cell, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate import validate
from nianbao.workbook import read_workbook, write_workbook

from .conftest import CASES

SPEC = load_spec()
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
           "total")
OTHER = dict(zip(COLUMNS, (1, 1, 0, 0, 0, 0, 2), strict=True))
SUB_ROWS = ("other_no_correction", "other_no_fee", "other_misc")


@pytest.fixture(params=["txttab_other_single_row_2022.txt", "txtpara_other_single_row_2022.txt",
                        "txtspace_other_single_row_2022.txt", "html_other_single_row_2022.html",
                        "docx_other_single_row_2022.docx"])
def source(request) -> Path:
    return CASES / request.param


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
    data = read_report(CASES / "004_zibo_2021.txt").to_json()
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
    candidates, unmapped = rows_from_text(table, tokens, label_index(table))
    assert [(c.row, [v.text for v in c.values]) for c in candidates] == [
        ("rejected_confirmation", list("0000000")), ("other_no_correction", list("1000001"))]
    assert unmapped == []


def test_group_label_beside_a_sub_row_on_one_line_is_not_a_row() -> None:
    """A row per line: （六）其他处理 printed on the line of its first sub-row stays a group label."""
    table = SPEC.edition("2021").table("requests")
    first = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    lines = [["（五）不予处理", "5．要求行政机关确认或重新出具已获取信息", *"0000000"],
             ["（六）其他处理", first, *"1000001"],
             ["（七）总计", *"1000001"]]
    tokens = [Paragraph(text, f"第{n}行", True, n, 4 * i) for n, fields in enumerate(lines, start=1)
              for i, text in enumerate(fields)]
    candidates, _ = rows_from_text(table, tokens, label_index(table))
    assert [(c.row, "".join(v.text for v in c.values)) for c in candidates] == [
        ("rejected_confirmation", "0000000"), ("other_no_correction", "1000001"),
        ("total_processed", "1000001")]


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
    write_workbook(read_report(CASES / "004_zibo_2021.txt"), tmp_path / "年报.xlsx")
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


# --- regional 统计表 variants: 福建's 指标名称 / 计量单位 / 2015年度 / 历年累计 -----------------------

# The hand-made 统计表 of tests/data/cases/*_fujian_2015.*: code, label, unit, 2015年度, 历年累计
# (codes from the printed numbering; 行政诉讼 历年累计 printed "—", blank; money in 万元 as floats).
FUJIAN = [
    ("1", "主动公开情况", None, None, None),
    ("1.1", "主动公开政府信息数", "条", 326, 2841),
    ("1.1.a", "主动公开文件数", "件", 41, 385),
    ("1.2", "通过不同渠道和方式公开政府信息的情况", None, None, None),
    ("1.2.1", "政府网站公开政府信息数", "条", 310, 2702),
    ("1.2.2", "政府公报公开政府信息数", "条", 16, 139),
    ("2", "依申请公开情况", None, None, None),
    ("2.1", "受理依申请公开信息总数", "件", 12, 97),
    ("2.2", "申请答复数", "件", 12, 97),
    ("2.2.1", "同意公开答复数", "件", 10, 80),
    ("2.2.2", "同意部分公开答复数", "件", 1, 9),
    ("2.2.3", "不同意公开答复数", "件", 1, 8),
    ("3", "行政复议数量", "件", 0, 2),
    ("4", "行政诉讼数量", "件", 0, None),
    ("5", "依申请公开信息收取的费用", "万元", 0.0, 0.15),
]
KEYS = ("code", "label", "unit", "value", "cumulative")


@pytest.fixture(params=["txttab_fujian_2015.txt", "html_fujian_2015.html"])
def fujian(request) -> Path:
    return CASES / request.param


def test_fujian_statistics_table_keeps_its_second_value_column(fujian: Path) -> None:
    data = read_report(fujian).to_json()
    assert data["meta"] == {"agency": "福建省示例县人民政府办公室", "year": 2015, "edition": "legacy",
                            "source": fujian.name}
    assert data["tables"] == {"legacy": [dict(zip(KEYS, row, strict=True)) for row in FUJIAN]}
    assert isinstance(data["tables"]["legacy"][-1]["value"], float)
    assert data["unmapped"] == []
    assert set(data["narrative"]) == {"overview", "problems"}


def test_a_statistics_table_without_a_second_column_has_no_cumulative() -> None:
    rows = read_report(CASES / "001_xihaian_2018.txt").to_json()["tables"]["legacy"]
    assert rows and all("cumulative" not in row for row in rows)


def test_fujian_validates_like_any_statistics_table(fujian: Path) -> None:
    result = validate(read_report(fujian))
    # 1.2 (a heading of channels, not a sum) left blank while its channels hold numbers
    assert [(f.rule, f.row) for f in result.findings] == [("legacy.parent_blank", "1.2")]


def test_fujian_workbook_has_a_cumulative_column_and_reads_back(fujian: Path, tmp_path: Path) -> None:
    report = read_report(fujian)
    write_workbook(report, tmp_path / "年报.xlsx")
    wb = load_workbook(tmp_path / "年报.xlsx")
    ws = wb["统计表"]
    assert [ws.cell(1, c).value for c in range(1, 6)] == ["编码", "统计指标", "单位", "统计数", "历年累计"]
    assert [ws.cell(3, c).value for c in range(1, 6)] == ["1.1", "主动公开政府信息数", "条", 326, 2841]
    assert wb.defined_names["legacy.1.1.cumulative"].attr_text == "'统计表'!$E$3"
    back = read_workbook(tmp_path / "年报.xlsx")
    assert back.to_json()["tables"] == report.to_json()["tables"]
    assert back.legacy[1].cumulative_where == report.legacy[1].cumulative_where != ""
    ws["E3"] = 2842  # a clerk's correction: the workbook is then its source
    wb.save(tmp_path / "改.xlsx")
    changed = read_workbook(tmp_path / "改.xlsx").legacy[1]
    assert (changed.cumulative, changed.cumulative_where) == (2842, "统计表!E3")


def test_a_workbook_without_the_column_reads_no_cumulative(tmp_path: Path) -> None:
    write_workbook(read_report(CASES / "001_xihaian_2018.txt"), tmp_path / "年报.xlsx")
    assert load_workbook(tmp_path / "年报.xlsx")["统计表"]["E1"].value is None
    assert not read_workbook(tmp_path / "年报.xlsx").has_cumulative


def test_consolidation_sums_the_cumulative_column(tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    folder.mkdir()
    for name in ("甲", "乙"):
        report = read_report(CASES / "txttab_fujian_2015.txt")
        report.meta.agency = f"{name}县人民政府办公室"
        write_workbook(report, folder / f"{name}.xlsx")
    write_workbook(read_report(CASES / "001_xihaian_2018.txt"), folder / "丙.xlsx")  # no such column
    result = consolidate([folder], tmp_path / "汇总.xlsx")
    totals = {t.label: (t.value, t.cumulative, t.departments) for t in result.legacy}
    assert totals["主动公开政府信息数"] == (2 * 326, 2 * 2841, 2)
    assert totals["依申请公开信息收取的费用"] == (0.0, 0.3, 2)
    assert totals["行政诉讼数量"] == (0, None, 2)
    ws = load_workbook(tmp_path / "汇总.xlsx")["统计表汇总"]
    assert [c.value for c in ws[1]] == ["编码", "统计指标", "单位", "合计", "填报单位数", "历年累计合计"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "受理依申请公开信息总数")
    assert row == ("2.1", "受理依申请公开信息总数", "件", 24, 2, 194)
    frame = long_frame(result)
    second = frame[(frame["table"] == "legacy") & (frame["column"] == "cumulative")]
    assert len(second) == 2 * len(FUJIAN) and second["value"].sum() == pytest.approx(2 * 6360.15)


@pytest.mark.parametrize("header", [
    ("指标名称", "计量单位", "2014年度", "历年累计"),
    ("统计指标", "单位", "本年度", "累计"),
    ("指标名称", "计量单位", "2016年", "累计数"),
])
def test_header_words_of_a_second_value_column_come_from_the_spec(header: tuple[str, ...]) -> None:
    table = SPEC.edition("legacy").table("legacy")
    cells = [*header, "一、主动公开政府信息数", "条", "5", "40", "二、受理依申请公开信息总数", "件", "", "3"]
    rows, unmapped = legacy_rows(table, [Paragraph(t, f"第{i}格", True) for i, t in enumerate(cells)])
    assert [(r.code, r.label, r.unit, r.value, r.cumulative) for r in rows] == [
        ("1", "主动公开政府信息数", "条", 5, 40), ("2", "受理依申请公开信息总数", "件", None, 3)]
    assert unmapped == []


def test_without_a_second_value_header_a_second_number_is_not_a_cumulative() -> None:
    table = SPEC.edition("legacy").table("legacy")
    cells = ["统计指标", "单位", "统计数", "一、主动公开政府信息数", "条", "5", "40"]
    rows, unmapped = legacy_rows(table, [Paragraph(t, f"第{i}格", True) for i, t in enumerate(cells)])
    assert [(r.code, r.value, r.cumulative, r.cumulative_where) for r in rows] == [("1", 5, None, "")]
    assert [u.text for u in unmapped] == ["多出的数值：40"]
