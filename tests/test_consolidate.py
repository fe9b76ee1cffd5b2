"""汇总 of dozens of departments built from known numbers: every sum, status and listing.

The set (report year 2021):

- 甲局01 … 甲局20, 2021 edition, department n = 1 … 20 (``_department``);
- 甲局05 sent twice: the later file (n = 50) replaces the earlier one (n = 5);
- 乙局 (n = 30) with （一）予以公开 one short: two requests.outcome_sum errors;
- 丙局 on the 2019 form (one report.edition_year warning), with （六）其他处理 and 政府集中采购;
- 丁局 (n = 40), not on the roster; 戊局, a 2020 report (not summed);
- a damaged workbook and a workbook that is not a report;
- the roster lists 甲局01 … 甲局20, 乙局, 丙局, and 己局, 庚局 who sent nothing.
"""

from __future__ import annotations

import csv
import os
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from nianbao.cli import main
from nianbao.consolidate import consolidate, export_long, long_frame
from nianbao.consolidate.consolidation import unreadable_findings
from nianbao.consolidate.inputs import read_roster
from nianbao.consolidate.sheets import summary_name
from nianbao.errors import NianbaoError
from nianbao.model import Cell, LegacyRow, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate.examples import consolidation_example
from nianbao.workbook import NOT_STANDARD, write_workbook

YEAR = 2021
ROSTER = [f"甲局{i:02d}" for i in range(1, 21)] + ["乙局", "丙局", "己局", "庚局"]


def _set(report: Report, table: str, row: str, **values: float | None) -> None:
    for column, value in values.items():
        report.tables[table][row][column] = Cell(value)


def _department(agency: str, n: int, year: int = YEAR) -> Report:
    """A 2021-edition report: n applications from people and one from a company, all granted;
    rows not named here are left blank."""
    report = Report.blank(Meta(agency=agency, year=year, edition="2021", source=f"{agency}.txt"))
    zeros = dict(research=0, social_welfare=0, legal_service=0, other_org=0)
    for row in ("new_received", "granted", "total_processed"):
        _set(report, "requests", row, natural_person=n, commercial=1, total=n + 1, **zeros)
    for row in ("carried_in", "carried_over"):
        _set(report, "requests", row, natural_person=0, commercial=0, total=0, **zeros)
    _set(report, "active", "regulations", issued=1, repealed=0, in_force=10)
    _set(report, "active", "licensing", decisions=10 * n)
    _set(report, "active", "penalty", decisions=0)
    _set(report, "active", "fees", fee_amount=0.5)
    _set(report, "appeals", "count", review_upheld=1, review_total=1)
    return report


def _edition_2019(agency: str) -> Report:
    report = Report.blank(Meta(agency=agency, year=YEAR, edition="2019", source=f"{agency}.txt"))
    _set(report, "requests", "new_received", natural_person=5, total=5)
    _set(report, "requests", "granted", natural_person=4, total=4)
    _set(report, "requests", "other", natural_person=1, total=1)
    _set(report, "requests", "total_processed", natural_person=5, total=5)
    _set(report, "active", "licensing", previous=3, change=1, decisions=7)
    _set(report, "active", "procurement", items=2, amount=10.5)
    _set(report, "appeals", "count", review_upheld=1, review_total=1)
    return report


def _write(report: Report, path: Path, modified: float = 1_700_000_000) -> Path:
    write_workbook(report, path)
    os.utime(path, (modified, modified))
    return path


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("consolidate")
    reports = root / "各单位"
    reports.mkdir()
    for i in range(1, 21):
        _write(_department(f"甲局{i:02d}", i), reports / f"甲局{i:02d}.xlsx")
    _write(_department("甲局05", 50), reports / "甲局05-更正.xlsx", modified=1_700_000_100)
    broken = _department("乙局", 30)
    _set(broken, "requests", "granted", natural_person=29, total=30)
    _write(broken, reports / "乙局.xlsx")
    _write(_edition_2019("丙局"), reports / "丙局.xlsx")
    _write(_department("丁局", 40), reports / "丁局.xlsx")
    last_year = Report.blank(Meta(agency="戊局", year=2020, edition="2019"))
    _write(last_year, reports / "戊局.xlsx")
    (reports / "损坏.xlsx").write_bytes(b"PK\x03\x04 damaged in transit")
    other = Workbook()
    other.active["A1"] = "通讯录"
    other.save(reports / "通讯录.xlsx")
    roster = root / "名单.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "单位名称"])
    for i, name in enumerate(ROSTER, start=1):
        wb.active.append([i, name])
    wb.save(roster)
    with (root / "名单.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["填报单位"], *[[name] for name in ROSTER]])
    return {"root": root, "reports": reports, "roster": roster, "roster_csv": root / "名单.csv",
            "output": root / "输出" / "汇总.xlsx"}


@pytest.fixture(scope="module")
def result(case):
    return consolidate([case["reports"]], case["output"], roster=case["roster"])


def test_who_is_summed_missing_duplicated_or_unreadable(case, result) -> None:
    assert result.output == case["output"] and result.output.is_file()
    assert result.year == 2021 and result.edition == "2021"
    assert result.departments == 23  # 甲局01–20, 乙局, 丙局, 丁局
    assert [d.agency for d in result.members] == [*ROSTER[:22], "丁局"]  # roster order first
    assert result.errors == 2 + 2  # 乙局's two findings, two unreadable files
    assert result.warnings == 1  # 丙局 on the 2019 form
    assert result.missing == ["己局", "庚局"]
    assert result.not_on_roster == ["丁局"]
    assert [d.agency for d in result.other_year] == ["戊局"]
    unreadable = dict((p.name, reason) for p, reason in result.unreadable)
    assert sorted(unreadable) == ["损坏.xlsx", "通讯录.xlsx"]
    assert unreadable["损坏.xlsx"].startswith("扩展名是 .xlsx，但文件内容是ZIP 压缩包")  # as convert says
    assert unreadable["通讯录.xlsx"] == NOT_STANDARD
    [dup] = result.duplicates
    assert (dup.agency, dup.year, dup.kept.path.name) == ("甲局05", 2021, "甲局05-更正.xlsx")
    assert [d.path.name for d in dup.dropped] == ["甲局05.xlsx"]
    statuses = {d.agency: (d.status, d.validation.counts["errors"], d.validation.counts["warnings"])
                for d in result.members}
    assert statuses["乙局"] == ("有错误", 2, 0)
    assert statuses["丙局"] == ("有警告", 0, 1)
    assert statuses["甲局05"] == ("通过", 0, 0)
    broken = next(d for d in result.members if d.agency == "乙局")
    assert [(f.rule, f.column, f.cell, f.expected, f.actual) for f in broken.findings] == [
        ("requests.outcome_sum", "natural_person", "三、依申请公开!D27", 29, 30),
        ("requests.outcome_sum", "total", "三、依申请公开!J27", 30, 31)]


# Sums by hand. 甲局 n over 1…20 with 5 replaced by 50: Σn = 210 - 5 + 50 = 255, Σ(n+1) = 275.
EXPECTED = {
    ("requests", "new_received", "natural_person"): 255 + 30 + 5 + 40,  # 甲, 乙, 丙 (2019), 丁
    ("requests", "new_received", "commercial"): 20 + 1 + 1,  # 丙 left it blank
    ("requests", "new_received", "research"): 0,
    ("requests", "new_received", "total"): 275 + 31 + 5 + 41,
    ("requests", "granted", "natural_person"): 255 + 29 + 4 + 40,
    ("requests", "granted", "total"): 275 + 30 + 4 + 41,
    ("requests", "total_processed", "natural_person"): 255 + 30 + 5 + 40,
    ("requests", "total_processed", "total"): 275 + 31 + 5 + 41,
    ("requests", "carried_in", "total"): 0,
    ("requests", "denied_state_secret", "natural_person"): None,  # blank everywhere stays blank
    ("requests", "other_misc", "total"): None,  # 2021 only
    ("active", "regulations", "in_force"): 10 * 22,  # 22 reports on the 2021 form
    ("active", "normative_documents", "issued"): None,
    ("active", "licensing", "decisions"): 10 * 255 + 10 * 30 + 7 + 10 * 40,  # 丙's 处理决定数量 too
    ("active", "penalty", "decisions"): 0,
    ("active", "fees", "fee_amount"): 0.5 * 22,
    ("appeals", "count", "review_upheld"): 23,
    ("appeals", "count", "review_total"): 23,
    ("appeals", "count", "suit_direct_total"): None,
}


def test_sums_cell_by_cell(result) -> None:
    totals = {(t.table, t.row, t.column): t for t in result.totals}
    assert len(totals) == 10 + 25 * 7 + 15  # every cell of the 2021 form
    for key, expected in EXPECTED.items():
        assert totals[key].value == expected, key
    assert isinstance(totals["active", "fees", "fee_amount"].value, float)
    assert totals["requests", "new_received", "total"].departments == 23
    assert totals["requests", "other_misc", "total"].editions == ("2021",)
    assert totals["requests", "other_misc", "total"].departments == 22
    assert totals["active", "licensing", "decisions"].editions == ("2019", "2021")
    assert result.summary_matches and result.mismatches == []


def test_cells_only_the_2019_form_has_are_summed_apart(result) -> None:
    apart = {(t.table, t.row, t.column): (t.value, t.departments) for t in result.apart}
    # 2019-only cells: 二 19 (规章/规范性文件 3+3, 许可 2, 其他对外管理服务事项 3, 处罚/强制 2+2,
    # 收费 2, 采购 2) and 三 （六）其他处理 x 7 columns
    assert len(apart) == 19 + 7
    assert apart["requests", "other", "natural_person"] == (1, 1)
    assert apart["requests", "other", "total"] == (1, 1)
    assert apart["active", "procurement", "amount"] == (10.5, 1)
    assert apart["active", "licensing", "previous"] == (3, 1)
    assert apart["active", "other_services", "decisions"] == (None, 1)


def test_the_sum_checked_with_the_same_rules(result) -> None:
    # The 2019 report's （六）其他处理 is not in the 2021 form and 乙局 is one short: the 汇总's
    # （七）总计 is 330 while its outcomes add up to 328 (natural persons), 352 against 350 (total).
    assert [(f.rule, f.column, f.expected, f.actual) for f in result.summary.findings] == [
        ("requests.outcome_sum", "natural_person", 328, 330),
        ("requests.outcome_sum", "total", 350, 352)]


def _names(wb) -> dict[str, object]:
    values = {}
    for name, dn in wb.defined_names.items():
        sheet, address = next(iter(dn.destinations))
        values[name] = wb[sheet][address.replace("$", "")].value
    return values


def test_the_workbook_summary_equals_the_sum_of_the_detail_rows(result) -> None:
    wb = load_workbook(result.output)
    assert wb.sheetnames == ["汇总", "明细", "校验", "缺报与重复", "图表"]
    names = _names(wb)
    for key, expected in EXPECTED.items():
        assert names[summary_name(*key)] == expected, key
    detail = wb["明细"]
    rows = list(detail.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 23
    cells = result.detail_cells()
    for j, (table, row, column) in enumerate(cells[:len(result.totals)]):
        values = [r[7 + j] for r in rows if r[7 + j] is not None]
        expected = names[summary_name(table, row, column)]
        assert (sum(values) if values else None) == expected, (table, row, column)
    assert detail.freeze_panes == "B4" and detail.auto_filter.ref.startswith("A3:")
    assert [c.value for c in detail[3][:7]] == [
        "填报单位", "报告年度", "表格版本", "校验状态", "错误", "警告", "文件"]
    broken = next(r for r in rows if r[0] == "乙局")
    assert broken[1:6] == (2021, "2021年版", "有错误", 2, 0)
    j = cells.index(("requests", "granted", "natural_person"))
    assert broken[7 + j] == 29
    groups = [c.value for c in detail[1] if c.value]
    assert groups == ["单位及校验情况", "二、主动公开", "三、依申请公开", "四、复议诉讼",
                      "2019年版特有项目（未计入汇总）"]
    j_other = cells.index(("requests", "other", "natural_person"))
    c2019 = next(r for r in rows if r[0] == "丙局")
    assert c2019[7 + j_other] == 1 and c2019[7 + j] == 4
    link = next(c for c in detail["G"] if c.value == "乙局.xlsx").hyperlink.target
    assert link == "../各单位/乙局.xlsx"


def test_the_findings_sheet(result) -> None:
    ws = load_workbook(result.output)["校验"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        (None, "错误", "consolidate.unreadable"), (None, "错误", "consolidate.unreadable"),
        ("（汇总）", "错误", "requests.outcome_sum"), ("（汇总）", "错误", "requests.outcome_sum"),
        ("乙局", "错误", "requests.outcome_sum"), ("乙局", "错误", "requests.outcome_sum"),
        ("丙局", "警告", "report.edition_year")]
    assert {r[2] for r in rows[:2]} == {"损坏.xlsx", "通讯录.xlsx"}
    assert rows[4][6:9] == ["三、依申请公开!D27", 29, 30]
    link = ws.cell(6, 3).hyperlink.target
    assert link == "../各单位/乙局.xlsx#'三、依申请公开'!D27"
    assert ws.auto_filter.ref == "A1:J8" and ws.freeze_panes == "A2"


def test_missing_and_duplicates_sheet(result) -> None:
    ws = load_workbook(result.output)["缺报与重复"]
    text = [[c.value for c in r] for r in ws.iter_rows()]
    flat = [v for r in text for v in r if v is not None]
    assert "缺报单位：名单中有、未收到报告（2 个）" in flat
    assert ["己局"] == next(r[:1] for r in text if r[0] == "己局")
    assert any(r[0] == "庚局" for r in text)
    dup_rows = [r for r in text if r[0] == "甲局05"]
    assert [(r[2], r[4]) for r in dup_rows] == [("甲局05-更正.xlsx", "采用"), ("甲局05.xlsx", "未采用")]
    assert any("以修改时间最新的文件为准" in str(v) for v in flat)
    assert any(r[0] == "丁局" for r in text)  # not on the roster
    assert any(r[:2] == ["戊局", 2020] for r in text)  # another year, not summed


def test_summary_sheet_says_how_editions_were_summed(result) -> None:
    ws = load_workbook(result.output)["汇总"]
    text = "\n".join(str(c.value) for r in ws.iter_rows() for c in r if c.value is not None)
    assert "2021年度政府信息公开工作年度报告汇总表" in text
    assert "汇总单位 23 个；其中2021年版 22 个、2019年版 1 个；本表按2021年版汇总" in text
    assert "缺报 2 个" in text and "重复报送 1 个" in text
    assert "合计不含使用2019年版的 1 个单位" in text
    assert "未计入上表" in text
    assert ws["A1"].font.b


def test_charts(result) -> None:
    with zipfile.ZipFile(result.output) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = " ".join(z.read(n).decode("utf-8") for n in charts)
    assert "barChart" in xml and "pieChart" in xml
    ws = load_workbook(result.output)["图表"]
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == ["甲局05", "丁局", "乙局"]  # 50, 40, 30 applications
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == [51, 41, 31]
    outcomes = {ws.cell(r, 4).value: ws.cell(r, 5).value for r in range(3, 9)}
    assert outcomes["（一）予以公开"] == 350
    assert outcomes["（二）部分公开"] == 0  # blank in every report counts as 0 in the chart


def test_reading_in_several_processes_gives_the_same_result(case, result, tmp_path) -> None:
    seen = []
    again = consolidate([case["reports"]], tmp_path / "汇总.xlsx", roster=case["roster_csv"],
                        progress=lambda done, total: seen.append((done, total)), workers=2)
    assert [d.path for d in again.members] == [d.path for d in result.members]
    assert again.totals == result.totals and again.apart == result.apart
    assert again.missing == result.missing and len(again.unreadable) == 2
    assert seen[-1] == (27, 27) and all(total == 27 for _, total in seen)


def test_an_existing_output_is_kept_as_backup(case, tmp_path) -> None:
    output = tmp_path / "汇总.xlsx"
    output.write_bytes(b"previous version")
    first = consolidate([case["reports"] / "甲局01.xlsx", case["reports"] / "甲局02.xlsx"], output)
    assert first.backup == tmp_path / "汇总.bak.xlsx" and first.backup.read_bytes() == b"previous version"
    assert first.departments == 2 and first.missing == [] and first.roster is None
    totals = {(t.table, t.row, t.column): t.value for t in first.totals}
    assert totals["requests", "new_received", "total"] == 2 + 3


def test_long_format(result, tmp_path) -> None:
    frame = long_frame(result)
    assert list(frame.columns) == ["agency", "year", "edition", "table", "row", "column", "value", "blank",
                                   "source"]
    assert len(frame) == 200 * 22 + 198  # cells of the 2021 form x 22, of the 2019 form x 1
    row = frame[(frame.agency == "乙局") & (frame.row == "granted") & (frame.column == "natural_person")]
    assert row[["value", "blank", "edition", "year"]].values.tolist() == [[29.0, False, "2021", 2021]]
    blank = frame[(frame.agency == "丙局") & (frame.row == "new_received") & (frame.column == "commercial")]
    assert blank["blank"].tolist() == [True] and blank["value"].isna().all()
    assert frame.loc[frame.agency == "丙局", "table"].value_counts().to_dict() == {
        "requests": 161, "active": 22, "appeals": 15}
    csv_path = export_long(result, tmp_path / "长表.csv")
    parquet_path = export_long(result, tmp_path / "长表.parquet")
    from_csv = pd.read_csv(csv_path, encoding="utf-8-sig", dtype={"edition": str})
    from_parquet = pd.read_parquet(parquet_path)
    assert len(from_csv) == len(from_parquet) == len(frame)
    assert from_parquet["value"].sum() == pytest.approx(frame["value"].sum())
    assert from_csv["value"].sum() == pytest.approx(frame["value"].sum())
    assert from_csv["blank"].sum() == from_parquet["blank"].sum() == frame["blank"].sum()


def test_parquet_without_pyarrow_says_what_to_install(result, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(NianbaoError, match=r"pip install \"nianbao\[parquet\]\""):
        export_long(result, tmp_path / "长表.parquet")
    assert not (tmp_path / "长表.parquet").exists()


def test_rosters_from_excel_and_csv(case) -> None:
    assert read_roster(case["roster"]) == ROSTER
    assert read_roster(case["roster_csv"]) == ROSTER


def test_legacy_reports_are_summed_by_label(tmp_path) -> None:
    rows1 = [LegacyRow("1", "主动公开情况", None, None), LegacyRow("1.1", "主动公开政府信息数", "条", 41),
             LegacyRow("3.1", "收到申请数", "件", 3)]
    rows2 = [LegacyRow("1.1", "主动公开 政府信息数", "条", 9), LegacyRow("3.1", "收到申请数", "件", 2),
             LegacyRow("9", "依申请公开信息收取的费用", "万元", 0.5)]
    for agency, rows in (("一局", rows1), ("二局", rows2)):
        report = Report.blank(Meta(agency=agency, year=2018, edition="legacy"))
        report.legacy = rows
        write_workbook(report, tmp_path / f"{agency}.xlsx")
    out = consolidate([tmp_path], tmp_path / "out" / "汇总.xlsx")
    assert out.departments == 2 and out.edition is None and out.totals == []
    assert [(t.code, t.label, t.unit, t.value, t.departments) for t in out.legacy] == [
        ("1", "主动公开情况", None, None, 1), ("1.1", "主动公开政府信息数", "条", 41 + 9, 2),
        ("3.1", "收到申请数", "件", 3 + 2, 2), ("9", "依申请公开信息收取的费用", "万元", 0.5, 1)]
    wb = load_workbook(out.output)
    assert "统计表汇总" in wb.sheetnames
    assert [c.value for c in wb["统计表汇总"][3]] == ["1.1", "主动公开政府信息数", "条", 50, 2]
    assert "统计表汇总" in str(wb["汇总"]["A4"].value)
    assert len(long_frame(out)) == 6


def test_year_over_year(tmp_path) -> None:
    last, now = tmp_path / "2021", tmp_path / "2022"
    last.mkdir()
    now.mkdir()
    for agency, n, carried_over in (("甲局", 3, 1), ("乙局", 4, 0)):
        report = _department(agency, n, year=2021)
        _set(report, "requests", "carried_over", natural_person=carried_over, total=carried_over)
        for row in ("total_processed", "granted"):
            _set(report, "requests", row, natural_person=n - carried_over, total=n + 1 - carried_over)
        write_workbook(report, last / f"{agency}.xlsx")
    a = _department("甲局", 5, year=2022)  # carried_in 0, but last year carried 1 over: an error
    _set(a, "active", "regulations", issued=1, repealed=0, in_force=11)  # 10 + 1 - 0
    b = _department("乙局", 10, year=2022)
    _set(b, "active", "regulations", issued=2, repealed=1, in_force=12)  # 10 + 2 - 1 = 11: a warning
    c = _department("丙局", 1, year=2022)  # no report last year
    for report in (a, b, c):
        write_workbook(report, now / f"{report.meta.agency}.xlsx")
    out = consolidate([now], tmp_path / "汇总.xlsx", previous=last)
    found = {d.agency: [(f.rule, f.column, f.expected, f.actual) for f in d.findings] for d in out.members}
    assert found["甲局"] == [("year.carried_in", "natural_person", 1, 0), ("year.carried_in", "total", 1, 0)]
    assert found["乙局"] == [("year.in_force", "in_force", 11, 12)]
    assert found["丙局"] == []
    ws = load_workbook(out.output)["同比"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, max_row=6, values_only=True)}
    assert rows["甲局"][1] == "甲局.xlsx" and rows["丙局"][1] == "上年未报送"
    assert rows["甲局"][2:5] == (4, 6, 2)  # 本年新收申请（总计）: last year 3 + 1, now 5 + 1
    assert rows["乙局"][-2:] == ("一致", "1 处不一致")
    assert rows["甲局"][-2:] == ("2 处不一致", "一致")
    assert rows["丙局"][-2:] == ("上年未报送", "上年未报送")
    # largest changes: 乙局's 行政许可 10 x (10 - 4) = 60 first, then 甲局's 10 x (5 - 3) = 20
    assert [(c.agency, c.row, c.previous, c.current, c.difference) for c in out.changes[:2]] == [
        ("乙局", "licensing", 40, 100, 60), ("甲局", "licensing", 30, 50, 20)]


def test_cli_consolidate(case, tmp_path, capsys) -> None:
    output = tmp_path / "汇总.xlsx"
    code = main(["consolidate", str(case["reports"]), "-o", str(output), "--roster", str(case["roster_csv"]),
                 "--to", "csv"])
    assert code == 2  # two files could not be read
    err = capsys.readouterr().err
    assert "汇总 23 个单位，错误 4 个，警告 1 个" in err
    assert "缺报 2 个：己局、庚局" in err
    assert "重复报送：甲局05（2 份，采用 甲局05-更正.xlsx）" in err
    assert output.is_file() and (tmp_path / "汇总.csv").is_file()
    assert len(pd.read_csv(tmp_path / "汇总.csv", encoding="utf-8-sig")) == 200 * 22 + 198
    fine = tmp_path / "好.xlsx"
    assert main(["consolidate", str(case["reports"] / "甲局01.xlsx"), "-o", str(fine)]) == 0


def test_consolidated_templates_are_built_from_the_spec(tmp_path) -> None:
    import tomllib
    from importlib import resources

    from nianbao.spec import parse_spec
    from nianbao.templates import build_templates, check_templates
    from nianbao.workbook import template_dir

    committed = sorted(p.name for p in (template_dir() / "consolidated").glob("*.xlsx"))
    assert committed == ["2019.xlsx", "2021.xlsx", "legacy.xlsx"]
    build_templates(tmp_path)
    assert check_templates(tmp_path) == []
    wb = load_workbook(tmp_path / "consolidated" / "2021.xlsx")
    assert wb.sheetnames == ["汇总", "明细", "校验", "缺报与重复", "图表"]
    # 二 in rows 4-18, 三's title in row 20, its header rows 21-23, （七）总计 the 24th row
    assert wb.defined_names["sum.requests.total_processed.total"].attr_text == "'汇总'!$J$47"
    text = resources.files("nianbao.spec").joinpath("spec.toml").read_text("utf-8")
    changed = parse_spec(tomllib.loads(text.replace('"2．重复申请"', '"2．重复提出申请"')))
    drift = check_templates(tmp_path, changed)
    assert "consolidated/2021.xlsx：工作表“汇总”与规范不一致" in drift
    assert "consolidated/2021.xlsx：工作表“明细”与规范不一致" in drift


# --- the consolidation's own rules, from their examples in the spec ------------------------------

SPEC = load_spec()
OWN_RULES = [r.id for r in SPEC.all_rules if r.stage == "consolidate"]


def _own_findings(result, rule_id: str) -> list[tuple]:
    found = [*unreadable_findings(result).findings, *result.mismatches,
             *(f for d in result.members for f in d.findings)]
    return [(f.rule, f.severity, f.table, f.row, f.column, f.cell, f.expected, f.actual)
            for f in found if f.rule == rule_id]


@pytest.mark.parametrize("rule_id", OWN_RULES)
def test_consolidation_rule_is_declared_with_an_example(rule_id: str) -> None:
    rule = SPEC.rule(rule_id)
    assert rule.id.startswith("consolidate.") and rule.id not in {r.id for r in SPEC.rules}
    assert rule.title and rule.description and rule.params.get("message")
    assert rule.params["example"].get("reports"), f"{rule_id}: the example needs departments' reports"


@pytest.mark.parametrize("rule_id", OWN_RULES)
def test_consolidation_rule_passes_on_its_example(rule_id: str, tmp_path: Path) -> None:
    consolidation_example(rule_id, False, tmp_path / "各单位")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx")
    assert _own_findings(result, rule_id) == []
    assert result.departments == len(SPEC.rule(rule_id).params["example"]["reports"])


@pytest.mark.parametrize("rule_id", [r for r in OWN_RULES if "fail" in SPEC.rule(r).params["example"]])
def test_consolidation_rule_fails_on_its_example_exactly_where_expected(rule_id: str, tmp_path: Path) -> None:
    rule = SPEC.rule(rule_id)
    expect = consolidation_example(rule_id, True, tmp_path / "各单位")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx")
    assert _own_findings(result, rule_id) == [
        (rule_id, rule.severity, e.get("table", rule.table), e.get("row"), e.get("column"), e.get("cell"),
         e.get("expected"), e.get("actual")) for e in expect]
    sheet = load_workbook(result.output)[SPEC.consolidated.sheets["findings"]]
    listed = [r[3:6] for r in sheet.iter_rows(min_row=2, values_only=True) if r[4] == rule_id]
    assert listed == [(SPEC.severity_label(rule.severity), rule_id, rule.title)] * len(expect)
