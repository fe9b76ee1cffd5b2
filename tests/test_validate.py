"""Validation: every rule's example from the spec, the seeds' findings checked by hand against
tests/data/NOTES.md, one report against many stacked, the findings JSON."""

from __future__ import annotations

import copy
import re

import pytest

from nianbao import read_report
from nianbao.model import Cell, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate import Finding, ValidationReport, validate, validate_many
from nianbao.validate.checks import KINDS
from nianbao.validate.examples import example

from .conftest import CASES
from .conftest import SEEDS as SEED_SOURCES

SPEC = load_spec()
RULE_IDS = [r.id for r in SPEC.rules]
SEEDS = [p.stem for p in SEED_SOURCES]


def _seed(name: str) -> Report:
    return read_report(CASES / f"{name}.txt")


def _where(result: ValidationReport) -> list[tuple]:
    return [(f.rule, f.severity, f.row, f.column, f.cell, f.expected, f.actual) for f in result.findings]


# --- every rule, from its example in the spec --------------------------------------------------

@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_an_example_with_expected_findings(rule_id: str) -> None:
    rule = SPEC.rule(rule_id)
    assert rule.kind in KINDS
    assert "example" in rule.params, f"{rule_id}: add an example to its [[rules]] entry"
    assert rule.params["example"].get("fail"), f"{rule_id}: the example needs a failing change"
    assert rule.params["example"].get("expect"), f"{rule_id}: the example needs expected findings"
    assert rule.params.get("message"), f"{rule_id}: the rule needs a message template"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_passes_on_its_example(rule_id: str) -> None:
    case = example(rule_id, failing=False)
    result = validate(case.report, case.previous)
    assert result.findings == ()
    assert result.valid


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fails_on_its_example_exactly_where_expected(rule_id: str) -> None:
    rule = SPEC.rule(rule_id)
    case = example(rule_id, failing=True)
    result = validate(case.report, case.previous)
    expected = [(rule_id, rule.severity, e.get("row"), e.get("column"), e.get("cell"),
                 e.get("expected"), e.get("actual")) for e in case.expect]
    assert _where(result) == expected  # that rule, at those cells, and no other rule
    assert all(f.message and not f.message.isascii() for f in result.findings)
    assert result.valid == (rule.severity == "warning")


# --- the seeds ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["002_zichuan_2020", "003_yangling_2019", "004_zibo_2021"])
def test_consistent_seeds_have_no_findings(name: str) -> None:
    result = validate(_seed(name))
    assert result.valid and result.findings == ()


def test_seed_000_parent_blank_while_its_channel_is_filled() -> None:
    # NOTES.md: 1.2 通过不同渠道… blank while 1.2.2 = 58; the section heading 一 is not an indicator.
    result = validate(_seed("000_zhoucun_2018"))
    assert _where(result) == [("legacy.parent_blank", "warning", "1.2", "value", "统计表!D6", None, None)]
    assert "“政府网站公开政府信息数”（1.2.2）58" in result.findings[0].message
    assert result.valid


def test_seed_001_gives_what_a_supervisor_expects() -> None:
    result = validate(_seed("001_xihaian_2018"))
    assert _where(result) == [
        # 3.3 申请答复数 14, children blank+3+2+blank+1+5+1+0 = 12 (row 29 of the 统计表 → D31)
        ("legacy.children_sum", "error", "3.3", "value", "统计表!D31", 12, 14),
        # 2.2 blank while 2.2.3 = 1, 2.2.4 = 1 (not a sum parent: no expected value)
        ("legacy.parent_blank", "warning", "2.2", "value", "统计表!D14", None, None),
        # 3.3.4 不同意公开答复数 blank while its 其中 3.3.4.b = 2 (a sum parent: expected 2);
        # only parent_blank, not children_sum too
        ("legacy.parent_blank", "warning", "3.3.4", "value", "统计表!D35", 2, None),
        # totals written on the headings 一 (41) and 二 (2) while 1.1 and 2.1 are blank
        ("legacy.heading_value", "warning", "1", "value", "统计表!D2", None, 41),
        ("legacy.heading_value", "warning", "2", "value", "统计表!D12", None, 2),
    ]
    sum_message = result.findings[0].message
    assert sum_message.startswith("“申请答复数”（3.3）应为12，实际为14")
    assert "空白按0计：“属于已主动公开范围数”（3.3.1）、“不同意公开答复数”（3.3.4）" in sum_message
    assert "“不同意公开答复数”（3.3.4）空白，但其子项合计为2" in sum_message
    assert "标题行“主动公开情况”（1）填有41" in result.findings[3].message
    assert "“主动公开政府信息数”（1.1）空白" in result.findings[3].message
    assert result.counts == {"errors": 1, "warnings": 4}
    assert not result.valid


def test_narrative_numbers_that_agree_give_no_finding() -> None:
    # 001 "依申请公开共计14件" = 3.1 收到申请数 14; 004 "依申请公开事项2件" = new_received.total 2
    report = _seed("004_zibo_2021")
    report.tables["requests"]["new_received"]["total"] = Cell(3)
    report.tables["requests"]["new_received"]["natural_person"] = Cell(3)
    findings = validate(report).by_rule("narrative.matches_table")
    assert [(f.row, f.column, f.expected, f.actual) for f in findings] == [("new_received", "total", 2, 3)]
    assert "依申请公开事项2件" in findings[0].message


def test_printed_total_that_breaks_three_rules_is_found_at_that_cell() -> None:
    # 004: 本年新收 2, 办理结果 1 + 1 = 2. A total of 3 printed in （七）总计 breaks the balance,
    # the outcome sum and the row total, all at J27.
    report = _seed("004_zibo_2021")
    report.tables["requests"]["total_processed"]["total"] = Cell(3)
    assert {(f.rule, f.cell, f.expected, f.actual) for f in validate(report).findings} == {
        ("requests.balance", "三、依申请公开!J27", 2, 3),
        ("requests.outcome_sum", "三、依申请公开!J27", 2, 3),
        ("requests.row_total", "三、依申请公开!J27", 2, 3),
    }


def test_a_published_report_where_one_plus_two_is_62_but_seven_plus_four_is_63() -> None:
    report = Report.blank(Meta(year=2022, edition="2021"))
    requests = report.tables["requests"]
    for row, value in {"new_received": 60, "carried_in": 2, "granted": 60, "total_processed": 60,
                       "carried_over": 3}.items():
        requests[row]["natural_person"] = Cell(value)
        requests[row]["total"] = Cell(value)
    result = validate(report)
    assert [(f.rule, f.row, f.column, f.expected, f.actual) for f in result.findings] == [
        ("requests.balance", "total_processed", "natural_person", 59, 60),
        ("requests.balance", "total_processed", "total", 59, 60),
    ]
    assert result.findings[0].message == (
        "第三项（七）总计（自然人）应为59，实际为60：第一项加第二项之和应等于第三项加第四项之和")


def test_blank_counts_as_zero_and_the_message_says_so() -> None:
    report = Report.blank(Meta(year=2021, edition="2021"))
    report.tables["appeals"]["count"]["review_upheld"] = Cell(2)
    (finding,) = validate(report).findings
    assert (finding.rule, finding.expected, finding.actual) == ("appeals.review_total", 2, None)
    assert finding.message.startswith("行政复议总计应为2，实际为空白")
    report.tables["appeals"]["count"]["review_total"] = Cell(0)
    assert validate(report).findings[0].actual == 0


def test_two_years_of_real_reports() -> None:
    # 002 (2020) carried 0 over in every column; 004 (2021) carried 0 in. 002 is edition 2019,
    # which has no 现行有效件数: year.in_force is not checked.
    assert validate(_seed("004_zibo_2021"), previous=_seed("002_zichuan_2020")).findings == ()
    last_year = _seed("002_zichuan_2020")
    last_year.tables["requests"]["carried_over"]["natural_person"] = Cell(1)
    last_year.tables["requests"]["carried_over"]["total"] = Cell(1)
    result = validate(_seed("004_zibo_2021"), previous=last_year)
    assert [(f.rule, f.cell, f.expected, f.actual) for f in result.findings] == [
        ("year.carried_in", "三、依申请公开!D5", 1, 0),
        ("year.carried_in", "三、依申请公开!J5", 1, 0),
    ]


def test_edition_that_does_not_fit_the_year() -> None:
    report = _seed("002_zichuan_2020")
    report.meta.year = 2018
    (finding,) = validate(report).findings
    assert finding.to_json() == {
        "rule": "report.edition_year", "severity": "warning", "table": "meta", "row": None,
        "column": None, "cell": None, "expected": "legacy", "actual": "2019",
        "message": "2018年度报告使用了2019年版（2019年修订条例）的表格，"
                   "应使用2018年及以前（政府信息公开情况统计表）",
        "id": finding.id,
    }
    assert finding.defined_name == "meta.edition"
    assert re.fullmatch(r"[0-9a-f]{10}", finding.id)


# --- one report, many stacked ------------------------------------------------------------------

def test_stacked_reports_give_the_same_findings_as_one_at_a_time() -> None:
    reports = [_seed(name) for name in SEEDS]
    broken = copy.deepcopy(reports[-1])
    broken.tables["requests"]["total_processed"]["total"] = Cell(3)
    batch = [*reports, broken, *reports]
    previous = [None] * len(batch)
    previous[-1] = _seed("002_zichuan_2020")
    stacked = validate_many(batch, previous)
    alone = [validate(r, p) for r, p in zip(batch, previous, strict=True)]
    assert [r.findings for r in stacked] == [r.findings for r in alone]
    assert [len(r.findings) for r in stacked] == [1, 5, 0, 0, 0, 3, 1, 5, 0, 0, 0]


def test_examples_of_every_rule_stacked_in_one_batch() -> None:
    cases = [example(rule_id, failing=failing) for rule_id in RULE_IDS for failing in (False, True)]
    stacked = validate_many([c.report for c in cases], [c.previous for c in cases])
    for case, result in zip(cases, stacked, strict=True):
        assert [(f.row, f.column, f.expected, f.actual) for f in result.findings] == [
            (e.get("row"), e.get("column"), e.get("expected"), e.get("actual")) for e in case.expect]


# --- findings as data --------------------------------------------------------------------------

def test_findings_json_has_exactly_the_fields_of_the_spec() -> None:
    data = validate(_seed("001_xihaian_2018")).to_json()
    assert list(data) == ["valid", "findings"]
    assert data["valid"] is False
    # SPEC.md's fields, then the finding's id (what `validate --accept` takes)
    assert list(data["findings"][0]) == [
        "rule", "severity", "table", "row", "column", "cell", "expected", "actual", "message", "id"]
    assert data["findings"][0]["table"] == "legacy"


def test_a_report_without_findings_is_valid() -> None:
    result = ValidationReport()
    assert result.valid and result.counts == {"errors": 0, "warnings": 0}
    assert result.to_json() == {"valid": True, "findings": []}
    warning = Finding("legacy.parent_blank", "warning", "legacy", "2.2", "value", "统计表!D14",
                      None, None, "…")
    assert ValidationReport((warning,)).valid


def test_findings_are_presented_once_as_rows_and_cell_marks() -> None:
    error = Finding("requests.balance", "error", "requests", "total_processed", "total",
                    "三、依申请公开!J27", 14, 13, "甲")
    warning = Finding("narrative.matches_table", "warning", "requests", "total_processed", "total",
                      "三、依申请公开!J27", 15, 13, "乙")
    elsewhere = Finding("report.edition_year", "warning", "meta", None, None, None, "2021", "2019", "丙")
    result = ValidationReport((error, warning, elsewhere))
    assert result.summary() == "共 1 个错误，2 个警告" and result.count_text() == "1 个错误，2 个警告"
    assert ValidationReport().summary() == "未发现问题"
    rows = result.rows()
    assert [r.cells()[:7] for r in rows] == [
        (1, "错误", None, "甲", "第一项加第二项之和，等于第三项加第四项之和", 14, 13),
        (2, "警告", None, "乙", "正文数字与表格不一致", 15, 13),
        (3, "警告", None, "丙", "表格版本与报告年度不符", "2021", "2019")]
    # 编号, and 核实说明 left blank for the clerk
    assert [r.cells()[7:] for r in rows] == [(f.id, None) for f in (error, warning, elsewhere)]
    assert rows[0].title == SPEC.rule("requests.balance").title and rows[0].place == "三、依申请公开!J27"
    assert rows[2].text() == f"警告  —  丙  （编号 {elsewhere.id}）"  # a warning says its id
    [mark] = result.marks(lambda f: f.cell)
    assert (mark.place, mark.severity) == ("三、依申请公开!J27", "error")
    assert mark.comment == "【错误】甲\n【警告】乙"
    assert mark.findings == (error, warning)
