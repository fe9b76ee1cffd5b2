"""A parent against its children: ``consolidate --parent 本级年报`` compares the supervisor's own
report with the sum of its departments' (rule ``parent.children_sum``, the 本级对比 sheet).

The real case: two real 2025 reports as published (沭阳县人民政府's text dump, 平潭综合实验区's
web page; tests/data/cases, provenance real) stand for a parent's departments, read by the
readers as any department's report is; the parent's own report (某市人民政府) is written by hand
from their numbers (their goldens, checked by hand), published as a Word file and read back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.api import read_report
from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.consolidate.parent import UnreadableParent
from nianbao.model import Cell, Meta, Report
from nianbao.publish import publish
from nianbao.spec import load_spec
from nianbao.validate.examples import consolidation_example, parent_example
from nianbao.workbook import write_workbook

SPEC = load_spec()
PARENT_RULES = [r.id for r in SPEC.all_rules if r.stage == "parent"]
CASES = Path(__file__).parent / "data" / "cases"
SHEET = SPEC.consolidated.sheets["parent"]
FEWER = SPEC.consolidated.headers["parent_checks"][1]


def _found(result) -> list[tuple]:
    assert result.parent is not None
    return [(f.rule, f.severity, f.table, f.row, f.column, f.cell, f.expected, f.actual)
            for f in result.parent.findings]


# --- the rule's example, from the spec ---------------------------------------------------------

@pytest.mark.parametrize("rule_id", PARENT_RULES)
def test_parent_rule_is_declared_with_an_example(rule_id: str) -> None:
    rule = SPEC.rule(rule_id)
    assert rule.title and rule.description and rule.params.get("message") and rule.params.get("cells")
    example = rule.params["example"]
    assert example.get("reports") and example.get("parent") and example["fail"].get("parent_cells")


@pytest.mark.parametrize("rule_id", PARENT_RULES)
def test_parent_rule_passes_on_its_example(rule_id: str, tmp_path: Path) -> None:
    consolidation_example(rule_id, False, tmp_path / "各单位")
    parent = parent_example(rule_id, False, tmp_path / "本级.xlsx")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx", parent=parent)
    assert _found(result) == []
    assert result.departments == len(SPEC.rule(rule_id).params["example"]["reports"])
    # 行政许可: the parent states 4 where its departments decided 10: listed, not judged
    [licensing] = [c for c in result.parent.cells if (c.table, c.row) == ("active", "licensing")]
    assert (licensing.parent, licensing.children, licensing.difference) == (4, 10, -6)
    assert not licensing.judged and licensing.finding is None


@pytest.mark.parametrize("rule_id", PARENT_RULES)
def test_parent_rule_fails_on_its_example_exactly_where_expected(rule_id: str, tmp_path: Path) -> None:
    rule = SPEC.rule(rule_id)
    expect = consolidation_example(rule_id, True, tmp_path / "各单位")
    parent = parent_example(rule_id, True, tmp_path / "本级.xlsx")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx", parent=parent)
    assert _found(result) == [
        (rule_id, rule.severity, e.get("table", rule.table), e.get("row"), e.get("column"), e.get("cell"),
         e.get("expected"), e.get("actual")) for e in expect]
    wb = load_workbook(result.output)
    listed = [r for r in wb[SPEC.consolidated.sheets["findings"]].iter_rows(min_row=2, values_only=True)
              if r[4] == rule_id]
    assert [r[:7] for r in listed] == [
        ("某区人民政府", 2021, "本级.xlsx", "警告", rule_id, rule.title, e["cell"]) for e in expect]
    # worked out by hand: 3 + 2 = 5 applications, the parent states 4; 甲局's one review, blank
    assert [r[9] for r in listed] == [
        "一、本年新收政府信息公开申请数量（自然人）：本级年报为4，少于各单位合计5（少1）",
        "一、本年新收政府信息公开申请数量（总计）：本级年报为4，少于各单位合计5（少1）",
        "行政复议总计：本级年报为空白，少于各单位合计1（少1）"]


# --- the sheet, the headline, the counts ---------------------------------------------------------

def test_the_comparison_sheet_lists_every_cell_and_marks_the_fewer(tmp_path: Path) -> None:
    consolidation_example(PARENT_RULES[0], True, tmp_path / "各单位")
    parent = parent_example(PARENT_RULES[0], True, tmp_path / "本级.xlsx")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx", parent=parent)
    wb = load_workbook(result.output)
    summary = wb[SPEC.consolidated.sheets["summary"]]["A2"].value
    assert "与本级年报对比：3 处本级少于各单位合计（见“本级对比”表）" in summary
    assert "警告 3 个" in summary and result.warnings == 3
    ws = wb[SHEET]
    assert [c.value for c in ws[5]] == list(SPEC.consolidated.headers["parent"])
    rows = list(ws.iter_rows(min_row=6, max_row=5 + len(result.parent.cells)))
    # every cell of the 2021 tables 二、三、四: 13 + 172 + 15 (the parent's edition has them all)
    assert len(rows) == len(result.totals) == 200 and result.parent.skipped == []
    marked = [[c.value for c in r] for r in rows if r[5].value == FEWER]
    assert marked == [
        ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量（自然人）", 4, 5, -1, FEWER],
        ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量（总计）", 4, 5, -1, FEWER],
        ["四、政府信息公开行政复议、行政诉讼情况", "行政复议总计", None, 1, -1, FEWER]]
    warning_fill = {r[5].fill.fgColor.rgb for r in rows if r[5].value == FEWER}
    assert warning_fill == {"00FFEB9C"}  # 有警告's colour on 明细
    assert all(r[5].fill.fgColor.rgb != "00FFEB9C" for r in rows if r[5].value != FEWER)


def test_the_parent_in_the_departments_folder_is_left_out_and_said(tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    consolidation_example(PARENT_RULES[0], True, folder)
    parent = parent_example(PARENT_RULES[0], True, folder / "本级.xlsx")
    copy = shutil.copy(parent, tmp_path / "本级年报另存.xlsx")  # the same report in another file
    result = consolidate([folder, copy], tmp_path / "汇总.xlsx", parent=parent)
    assert result.departments == 2 and sorted(d.agency for d in result.members) == ["乙局", "甲局"]
    assert [(p.name, why[:6]) for p, why in result.parent.left_out] == [
        ("本级.xlsx", "本级年报文件"), ("本级年报另存.xlsx", "与本级年报同")]
    assert len(result.parent.findings) == 3
    text = [r[0] for r in load_workbook(result.output)[SHEET].iter_rows(values_only=True) if r[0]]
    assert "视为本级年报、未计入各单位合计的文件（2 个）" in text


def test_another_year_or_edition_is_said_not_compared_in_silence(tmp_path: Path) -> None:
    consolidation_example(PARENT_RULES[0], True, tmp_path / "各单位")
    last_year = Report.blank(Meta(agency="某区人民政府", year=2020, edition="2019"))
    write_workbook(last_year, tmp_path / "上年本级.xlsx")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总.xlsx", parent=tmp_path / "上年本级.xlsx")
    assert result.parent.not_compared == "本级年报为2020年度，本次汇总为2021年度"
    assert result.parent.cells == [] and result.warnings == 0
    assert "与本级年报对比：未对比（本级年报为2020年度，本次汇总为2021年度）" in \
        load_workbook(result.output)[SPEC.consolidated.sheets["summary"]]["A2"].value

    # a 2021 report on the 2019 form: the cells only the 2021 form has are not compared, and listed
    old_form = Report.blank(Meta(agency="某区人民政府", year=2021, edition="2019"))
    old_form.tables["requests"]["new_received"]["total"] = Cell(4)
    write_workbook(old_form, tmp_path / "旧表本级.xlsx")
    result = consolidate([tmp_path / "各单位"], tmp_path / "汇总2.xlsx", parent=tmp_path / "旧表本级.xlsx")
    only_2021 = {(t, r, c) for t, r, c in ((t.table, t.row, t.column) for t in result.parent.skipped)}
    assert ("requests", "other_misc", "total") in only_2021
    assert ("active", "regulations", "issued") in only_2021
    assert not any(t == "requests" and r == "new_received" for t, r, _ in only_2021)
    # blank in the 2019 report: 空白 against 5, 1 (natural persons, review total); 4 against 5
    assert [(f.row, f.column, f.expected, f.actual) for f in result.parent.findings] == [
        ("new_received", "natural_person", 5, None), ("new_received", "total", 5, 4),
        ("count", "review_upheld", 1, None), ("count", "review_total", 1, None)]
    line = load_workbook(result.output)[SHEET]["A3"].value
    assert f"本级年报（2019年版）没有的 {len(result.parent.skipped)} 项未对比" in line


# --- a real case ---------------------------------------------------------------------------------

def _real_parent() -> Report:
    """某市人民政府's own 2025 report, written by hand from the two real reports' numbers (their
    goldens): 沭阳 + 平潭, plus its own office's applications; it forgets 平潭's 2 carried-over
    applications from companies, and states its own reviews upheld (45) instead of all (27 + 25)."""
    report = Report.blank(Meta(agency="某市人民政府", year=2025, edition="2021"))
    zeros = dict(research=0, social_welfare=0, other_org=0)
    rows = {  # natural_person, commercial, legal_service, total
        "new_received": (705 + 151 + 10, 3 + 3, 5, 713 + 154 + 10),      # 866, 6, 5, 877
        "carried_in": (36 + 0, 0, 0, 36),
        "total_processed": (710 + 147 + 10, 3 + 1, 5, 718 + 148 + 10),   # 867, 4, 5, 876
        "carried_over": (31 + 4, 0, 0, 35),                                # 平潭's 2 companies left out
        "granted": (300, 1, 3, 304),                                       # 290 + 33 = 323: listed only
    }
    for row, (person, company, legal, total) in rows.items():
        for column, value in dict(natural_person=person, commercial=company, legal_service=legal, total=total,
                                  **zeros).items():
            report.tables["requests"][row][column] = Cell(value)
    appeals = dict(review_upheld=45, review_corrected=10 + 3, review_other=9 + 8, review_pending=15 + 0,
                   review_total=90, suit_direct_upheld=3 + 3, suit_direct_corrected=0 + 3,
                   suit_direct_other=0, suit_direct_pending=0, suit_direct_total=3 + 6,
                   suit_after_review_upheld=8 + 3, suit_after_review_corrected=0,
                   suit_after_review_other=1, suit_after_review_pending=1,
                   suit_after_review_total=10 + 3)
    for column, value in appeals.items():
        report.tables["appeals"]["count"][column] = Cell(value)
    report.tables["active"]["licensing"]["decisions"] = Cell(1200)  # its own decisions only
    return report


def test_a_real_case_two_real_reports_and_their_parent_as_a_word_file(tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    folder.mkdir()
    for name in ("md_shuyang_2025.txt", "html_pingtan_2025.html"):
        shutil.copy(CASES / name, folder / name)
    parent = tmp_path / "某市人民政府2025年报.docx"
    publish(_real_parent(), parent)
    assert read_report(parent).tables["requests"]["carried_over"]["total"].value == 35  # read back as written
    result = consolidate([folder], tmp_path / "汇总.xlsx", parent=parent)
    assert sorted(d.agency for d in result.members) == ["平潭综合实验区", "沐阳县人民政府"]
    totals = {(t.table, t.row, t.column): t.value for t in result.totals}
    assert totals[("requests", "new_received", "total")] == 713 + 154
    assert [(f.table, f.row, f.column, f.expected, f.actual) for f in result.parent.findings] == [
        ("requests", "carried_over", "commercial", 0 + 2, 0),
        ("requests", "carried_over", "total", 31 + 6, 35),
        ("appeals", "count", "review_upheld", 27 + 25, 45),
        ("appeals", "count", "review_total", 61 + 36, 90)]
    cells = {(c.table, c.row, c.column): c for c in result.parent.cells}
    granted = cells[("requests", "granted", "total")]
    assert (granted.parent, granted.children, granted.difference) == (304, 294 + 33, -23)
    assert granted.finding is None
    own = cells[("requests", "new_received", "total")]
    assert (own.parent, own.children, own.difference, own.finding) == (877, 867, 10, None)
    assert result.parent.findings[0].cell == "三、依申请公开!E28"  # 结转下年度, 商业企业


# --- the command -------------------------------------------------------------------------------

def test_cli_parent_states_the_comparison_and_keeps_the_exit_status(tmp_path: Path, capsys) -> None:
    consolidation_example(PARENT_RULES[0], True, tmp_path / "各单位")
    parent = parent_example(PARENT_RULES[0], True, tmp_path / "本级.xlsx")
    # the departments have errors (new applications, no outcome): exit status 1, as without --parent
    assert main(["consolidate", str(tmp_path / "各单位"), "-o", str(tmp_path / "甲.xlsx")]) == 1
    capsys.readouterr()
    assert main(["consolidate", str(tmp_path / "各单位"), "-o", str(tmp_path / "汇总.xlsx"),
                 "--parent", str(parent)]) == 1
    err = capsys.readouterr().err
    assert "警告 3 个" in err
    assert "! 本级.xlsx：与本级年报对比：3 处本级少于各单位合计（见“本级对比”表）" in err
    assert "一、本年新收政府信息公开申请数量（总计）：本级年报为4，少于各单位合计5（少1）" in err
    passing = parent_example(PARENT_RULES[0], False, tmp_path / "本级好.xlsx")
    assert main(["consolidate", str(tmp_path / "各单位"), "-o", str(tmp_path / "汇总2.xlsx"),
                 "--parent", str(passing)]) == 1
    assert "与本级年报对比：对比 200 项，须不少于各单位合计的 43 项均不少于" in capsys.readouterr().err


def test_cli_the_parent_among_the_inputs_is_left_out_and_said(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "各单位"
    consolidation_example(PARENT_RULES[0], True, folder)
    parent = parent_example(PARENT_RULES[0], True, folder / "本级.xlsx")
    assert main(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--parent", str(parent)]) == 1
    err = capsys.readouterr().err
    assert "汇总 2 个单位" in err and f"  {parent}：本级年报文件本身，未计入各单位" in err
    assert "3 处本级少于各单位合计" in err
    # nothing but the parent: no department to compare with, said so
    alone = tmp_path / "只有本级"
    alone.mkdir()
    shutil.copy(parent, alone / "本级.xlsx")
    assert main(["consolidate", str(alone), "-o", str(tmp_path / "汇总2.xlsx"), "--parent", str(parent)]) == 0
    err = capsys.readouterr().err
    assert "与本级年报同一单位、同一年度的报告，视为本级年报，未计入各单位" in err
    assert "与本级年报对比：未对比（没有汇总任何单位的报告）" in err


@pytest.mark.parametrize("bad", ["不存在.docx", "坏.docx", "文件夹"])
def test_cli_a_parent_that_cannot_be_read_stops_before_anything_is_written(bad: str, tmp_path: Path,
                                                                            capsys) -> None:
    consolidation_example(PARENT_RULES[0], False, tmp_path / "各单位")
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04 not a Word file")
    (tmp_path / "文件夹").mkdir()
    output = tmp_path / "汇总.xlsx"
    status = main(["consolidate", str(tmp_path / "各单位"), "-o", str(output),
                   "--parent", str(tmp_path / bad)])
    err = capsys.readouterr().err
    assert status == 2 and not output.exists()
    [line] = [e for e in err.splitlines() if e.strip()]
    assert line.startswith(f"✗ {tmp_path / bad}：无法读取本级年报（") and line.endswith("），未作汇总")
    with pytest.raises(UnreadableParent):
        consolidate([tmp_path / "各单位"], output, parent=tmp_path / bad)
    assert not output.exists()


def test_the_parents_report_under_its_name_without_the_region_is_left_out(tmp_path: Path) -> None:
    """The parent names itself 淮安市洪泽区人民政府; the same report among the departments says
    洪泽区人民政府 (one agency, with and without its region): not summed as a department."""
    folder = tmp_path / "各单位"
    consolidation_example(PARENT_RULES[0], True, folder)  # 甲局 3 + 乙局 2 new applications
    parent = parent_example(PARENT_RULES[0], True, tmp_path / "本级.xlsx")
    report = read_report(parent)
    report.meta.agency = "淮安市洪泽区人民政府"
    write_workbook(report, parent)
    report.meta.agency = "洪泽区人民政府"
    write_workbook(report, folder / "区政府.xlsx")
    result = consolidate([folder], tmp_path / "汇总.xlsx", parent=parent)
    assert sorted(d.agency for d in result.members) == ["乙局", "甲局"]
    assert [(p.name, why) for p, why in result.parent.left_out] == [
        ("区政府.xlsx", "与本级年报同一单位、同一年度的报告，视为本级年报，未计入各单位")]
    assert len(result.parent.findings) == 3  # as without the copy: 4 < 3 + 2, and the review total
