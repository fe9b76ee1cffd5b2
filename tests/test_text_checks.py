"""The checks of a report's text: numbers stated against the tables, the six sections, the fee
statement, typos, and text copied from last year's report — on the seeds and other real
reports (values checked by reading the sources)."""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import pytest

from nianbao import read_report
from nianbao.cli import main
from nianbao.model import Report
from nianbao.spec import load_spec
from nianbao.validate import Finding, validate
from nianbao.validate import text as text_checks

from .conftest import CASES, SEEDS, case_sources

SPEC = load_spec()
TEXT_RULES = ("narrative.matches_table", "structure.sections", "structure.fee_statement",
              "structure.text", "text.repeated_from_previous")


@functools.cache
def _read(name: str) -> Report:
    source = next(p for p in CASES.glob(f"{name}.*") if p.suffix != ".json")
    return read_report(source)


def _case(name: str) -> Report:
    return copy.deepcopy(_read(name))


def _text_findings(report: Report, previous: Report | None = None) -> list[Finding]:
    return [f for f in validate(report, previous).findings if f.rule in TEXT_RULES]


def _where(findings: list[Finding]) -> list[tuple]:
    return [(f.rule, f.row, f.column, f.cell, f.expected, f.actual) for f in findings]


# --- numbers in words ---------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "value"), [
    ("14", 14), ("１４", 14), ("十四", 14), ("十", 10), ("两", 2), ("一百零二", 102), ("二十", 20),
    ("三千五百", 3500), ("一万二千", 12000), ("\u3007", 0)])
def test_chinese_numbers(written: str, value: int) -> None:
    assert text_checks.chinese_number(written) == value


# --- the text against the tables ----------------------------------------------------------------

@pytest.mark.parametrize("seed", [p.stem for p in SEEDS])
def test_seeds_as_published_get_no_text_finding(seed: str) -> None:
    assert _text_findings(_case(seed)) == []


def test_fourteen_in_words_where_the_table_says_two() -> None:
    report = _case("004_zibo_2021")  # 一、本年新收 总计 2 (J4); 四 all 0
    report.narrative["overview"] += "\n本年度共收到政府信息公开申请十四件。"
    findings = _text_findings(report)
    assert _where(findings) == [
        ("narrative.matches_table", "new_received", "total", "三、依申请公开!J4", 14, 2)]
    assert "一、总体情况中写明“本年度共收到政府信息公开申请十四件。”" in findings[0].message


def test_suits_stated_against_an_all_zero_table_four() -> None:
    report = _case("004_zibo_2021")
    report.narrative["overview"] += "\n因政府信息公开被提起行政诉讼案件3件。"
    assert _where(_text_findings(report)) == [
        ("narrative.matches_table", "count", "suit_direct_total", "四、复议诉讼!J4", 3, 0)]


def test_all_requests_closed_while_some_are_carried_over() -> None:
    # 平潭 2025: 结转下年度 总计 6 (the text says 结转至2026年6件, which agrees)
    report = _case("html_pingtan_2025")
    assert _text_findings(report) == []
    report.narrative["overview"] += "\n所有申请均已按期办结。"
    findings = _text_findings(report)
    assert _where(findings) == [
        ("narrative.matches_table", "carried_over", "total", "三、依申请公开!J28", 0, 6)]


def test_received_may_count_last_years_requests_too() -> None:
    # 沭阳 2025: "受理政府信息公开申请749件" = 新收 713 + 上年结转 36; 上海 2019: "受理…859件" = 新收 859
    for name, stated in (("md_shuyang_2025", "受理政府信息公开申请749件"),
                         ("html_shanghai_bgt_2019", "受理政府信息公开申请859件")):
        report = _case(name)
        found = [s for s in text_checks.statements(report, SPEC) if s.phrase == stated]
        assert len(found) == 1
        assert _text_findings(report) == []
    report = _case("md_shuyang_2025")
    report.narrative["overview"] = re.sub(r"749\s*件", "750件", report.narrative["overview"])
    assert _where(_text_findings(report)) == [
        ("narrative.matches_table", "new_received", "total", "三、依申请公开!J4", 750, 713)]


def test_outcome_counts_are_not_read_as_the_total() -> None:
    # 上海市科委 2024: "所有办结的信息公开申请中同意公开答复9件，部分公开答复0件…" are outcomes, not 办结
    statements = {s.phrase for s in text_checks.statements(_case("md_shanghai_kewei_2024"), SPEC)}
    assert not any("同意公开答复" in s or "部分公开答复" in s for s in statements)
    assert "转下一年度办理答复的有1件" in statements


def test_documents_issued_stated_in_the_text() -> None:
    # 平潭 2023: "动态更新本年度制发的规范性文件77件" = 行政规范性文件 本年制发件数 77 (B4)
    report = _case("html_pingtan_2023")
    assert _text_findings(report) == []
    report.tables["active"]["normative_documents"]["issued"].value = 70
    assert _where(_text_findings(report)) == [
        ("narrative.matches_table", "normative_documents", "issued", "二、主动公开!B4", 77, 70)]


def _claims(sentence: str) -> list[tuple[str, float]]:
    report = _case("004_zibo_2021")
    report.narrative = {"overview": sentence}
    return [(s.phrase, s.stated) for s in text_checks.statements(report, SPEC)]


def test_claims_of_no_appeals_and_what_is_not_one() -> None:
    assert _claims("本年度未发生政府信息公开行政复议、行政诉讼案件。") == [
        ("未发生政府信息公开行政复议、行政诉讼案件", 0), ("未发生政府信息公开行政复议、行政诉讼案件", 0)]
    # 上海 2025: a claim about 纠错 and 败诉, not about the number of cases
    assert _claims("全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。") == []
    assert _claims("未发生因答复不及时引发的行政复议或行政诉讼。") == []


def test_counts_of_one_kind_of_applicant_are_not_the_total() -> None:
    assert _claims("共收到自然人申请741件、法人申请8件。") == []
    assert _claims("受理申请30件，回复网民留言120件。") == [("受理申请30件", 30)]
    assert _claims("收到政府信息公开申请较上年增加5件。") == []


# --- the structure ------------------------------------------------------------------------------

def test_a_report_without_its_section_five() -> None:
    report = _case("004_zibo_2021")
    assert report.headings is not None
    report.headings = [h for h in report.headings if h.section != "problems"]
    del report.narrative["problems"]
    findings = _text_findings(report)
    assert _where(findings) == [("structure.sections", "problems", None, "文字内容!B2",
                                 "五、存在的主要问题及改进情况", None)]
    assert findings[0].message == "五、存在的主要问题及改进情况：报告中没有这一部分的标题"


def test_section_five_saying_only_none() -> None:
    report = _case("004_zibo_2021")
    report.narrative["problems"] = "无。"
    findings = _text_findings(report)
    assert findings[0].message == ("五、存在的主要问题及改进情况：这一部分只写了“无。”，"
                                   "应写明存在的主要问题及改进情况")
    assert _where(findings) == [
        ("structure.sections", "problems", None, "文字内容!B2", "五、存在的主要问题及改进情况",
         "五、存在的主要问题及改进情况")]


def test_misnumbered_sections_of_a_real_report() -> None:
    # 上海市科委 2024 as given (Markdown from the PDF): 一、总体情况, 一、主动公开…, 二、收到和处理…,
    # 三、…复议诉讼, no heading 五, 五、其他需要报告的事项 (lines 13, 73, 91, 180, 205)
    report = _case("md_shanghai_kewei_2024")
    findings = [f for f in _text_findings(report) if f.rule == "structure.sections"]
    assert [(f.row, f.actual) for f in findings] == [
        ("active", "一、主动公开政府信息情况"), ("requests", "二、收到和处理政府信息公开申请情况"),
        ("appeals", "三、政府信息公开行政复议、行政诉讼情况"), ("problems", None),
        ("other", "五、其他需要报告的事项")]
    assert "（第205行），应编号为“六、”" in findings[-1].message


def test_the_fee_statement() -> None:
    report = _case("004_zibo_2021")  # 六: "我局2021年度未收取信息处理费"
    assert _text_findings(report) == []
    report.narrative["other"] = report.narrative["other"].replace(
        "1、信息处理费收费情况：依据《政府信息公开信息处理费管理办法》相关规定，"
        "我局2021年度未收取信息处理费。", "")
    assert _where(_text_findings(report)) == [
        ("structure.fee_statement", "other", None, "文字内容!B3", None, None)]
    older = _case("002_zichuan_2020")  # 2019 edition: its 六 "无" is not asked for the fee
    assert _text_findings(older) == []


def test_typos_in_real_reports() -> None:
    # 上海市科委 2024, line 34: "2023 年上海市科技计划资金资金"; 平潭 2018: "、《《福建省人民政府办公厅…",
    # and "…领导小组办公室联系（联系地址：…电子邮箱：pzxxgkb(at)163.com。" never closed
    kewei = [f for f in _text_findings(_case("md_shanghai_kewei_2024")) if f.rule == "structure.text"]
    assert [(f.row, f.actual) for f in kewei] == [("overview", "资金资金")]
    pingtan = _text_findings(_case("html_pingtan_2018"))
    assert [(f.rule, f.row, f.actual) for f in pingtan] == [
        ("structure.text", "overview", "《"), ("structure.text", "overview", "（")]
    assert "《《福建省人民政府办公厅" in pingtan[0].message
    assert "联系（联系地址" in pingtan[1].message


def test_list_numbering_is_not_an_open_bracket() -> None:
    report = _case("004_zibo_2021")
    report.narrative["problems"] = "1）公开渠道单一。\n2）解读形式单一（图解较少）。\n一)加强培训。"
    assert _text_findings(report) == []


# --- copy-paste from last year ------------------------------------------------------------------

def test_pingtan_rewrites_its_text_every_year() -> None:
    # 平潭 2024 → 2025 share only boilerplate: the 条例 and the form's notice, 本报告…, the form's
    # subheadings （四）信息公开平台建设方面; nothing else is repeated sentence for sentence.
    rows = text_checks.repeated(_case("html_pingtan_2025"), _case("html_pingtan_2024"), SPEC)
    assert [(r["section"], r["share"], r["passages"]) for r in rows] == [
        ("overview", 0.0, ()), ("problems", 0.0, ())]
    assert _text_findings(_case("html_pingtan_2025"), _case("html_pingtan_2024")) == []


def test_section_five_copied_from_last_year_lists_the_passages() -> None:
    before, report = _case("html_pingtan_2024"), _case("html_pingtan_2025")
    report.narrative["problems"] = before.narrative["problems"]
    findings = _text_findings(report, before)
    assert _where(findings) == [("text.repeated_from_previous", "problems", None, "文字内容!B2", 0.5, 1)]
    # 2024's 五 in sentences of 12 characters or more: 2024年，…调整和完善； 智能化、数字化…等。
    # 2025年，将重点…规范化水平。 二是…“看得懂、用得上”。 三是…效率和质量。 (政策解读形式仍需创新； is short)
    message = findings[0].message
    assert "（5句）" in message
    for opening in ("“2024年，实验区政府信息公开工作取得了新进展新成果",
                    "“智能化、数字化手段运用还不够充分等。”",
                    "“2025年，将重点从以下方面做好改进", "“二是增强政策解读效果", "“三是加快数字化转型"):
        assert opening in message
    assert "“政策解读形式仍需创新；”" not in message


def test_repeated_sentences_with_only_the_year_changed_count_as_repeated() -> None:
    before, report = _case("html_pingtan_2024"), _case("html_pingtan_2025")
    report.narrative["problems"] = before.narrative["problems"].replace("2025年", "2026年").replace(
        "2024年", "2025年")
    rows = text_checks.repeated(report, before, SPEC)
    shares = [(r["section"], r["share"], len(r["passages"])) for r in rows]
    assert [s for s in shares if s[0] == "problems"] == [("problems", 1.0, 5)]


# A real pair: 平潭综合实验区财政金融局 2024 → 2025, the government site's pages as archived
# (tests/data/pairs/*.json). Read by hand: 2025's 五 is 2024's word for word with the years moved
# on; in 一 six sentences are 2024's, the rest was rewritten. Lengths are the rule's: characters
# after folding (quotes “” dropped) with each year (2025年) counted as one mark plus 年, end
# punctuation dropped; boilerplate left out per the rule's params (the opening paragraph:
# 本报告…, 《中华人民共和国政府信息公开条例》…, 联系地址/邮编, 电话:…;, 传真:…).
# 一 repeated: 一是…决算 123, 二是…减税降费 65, 三是…政府采购 151, 四是…解读回应 59,
# 根据区管委会工作部署要求… 48, 2025年我局共收到…1件 47 = 493; rewritten: 2025年，我局坚持… 224,
# （一）主动公开…数量和质量 76, （三）政府信息公开平台建设情况印发… 81, 二是重点围绕…53条 88
# → 493 / 962. 五: 12 sentences (the two headings (一)存在问题 (二)改进措施 are too short)
# 39+33+33+47+87+62+109+74+110+56+36+41 = 727, all repeated.
PAIRS = Path(__file__).parent / "data" / "pairs"


@functools.cache
def _pair(name: str) -> Report:
    return read_report(PAIRS / f"{name}.html")


def test_real_pair_czj_2025_repeats_last_years_text() -> None:
    before, report = _pair("czj_pingtan_2024"), _pair("czj_pingtan_2025")
    rows = {r["section"]: r for r in text_checks.repeated(report, before, SPEC)}
    assert [(k, rows[k]["counted"], len(rows[k]["passages"])) for k in ("overview", "problems")] == [
        ("overview", 962, 6), ("problems", 727, 12)]
    assert rows["overview"]["share"] == pytest.approx(493 / 962)
    assert rows["problems"]["share"] == 1.0
    # the office's phone and fax, cut into sentences of their own by ";", are the form's opening
    # paragraph, not copied text
    assert not any(p.startswith(("电话", "传真")) for p in rows["overview"]["passages"])
    findings = [f for f in _text_findings(copy.deepcopy(report), before)
                if f.rule == "text.repeated_from_previous"]
    assert _where(findings) == [
        ("text.repeated_from_previous", "overview", None, "文字内容!B1", 0.5, 0.51),
        ("text.repeated_from_previous", "problems", None, "文字内容!B2", 0.5, 1)]
    overview, problems = (f.message for f in findings)
    assert overview.startswith("一、总体情况有51%的文字与上年报告逐句相同（6句）")
    for opening in ("“一是主动公开财政预算、决算，在中国平潭政府门户网站预决算公开统一平台公开了202…”",
                    "“二是及时在“减税降费”专栏公开各项减税降费政策", "“三是严格执行政府采购信息发布制度",
                    "“四是始终将政策解读作为推进政务信息公开的有力抓手",
                    "“根据区管委会工作部署要求，我局及时开展失效文件清理工作", "等，另有1句"):
        assert opening in overview
    assert "电话" not in overview and "传真" not in overview
    assert problems.startswith("五、存在的主要问题及改进情况有100%的文字与上年报告逐句相同（12句）")
    for opening in ("“2025年，我局政府信息公开工作立足财政金融实际", "“一是处室主动公开意识有待加强",
                    "“二是公开方式灵活性不够", "“三是政策解读形式不够丰富",
                    "“四是对局各处室政府信息公开工作的监管和指导还不够到位", "等，另有7句"):
        assert opening in problems


def test_validate_previous_on_the_real_pair_shows_the_passages(capsys) -> None:
    code = main(["validate", str(PAIRS / "czj_pingtan_2025.html"),
                 "--previous", str(PAIRS / "czj_pingtan_2024.html")])
    out = capsys.readouterr().out
    assert code == 0  # warnings only
    assert "czj_pingtan_2025.html：0 个错误，3 个警告" in out  # the third: 精神精神 in 一
    assert ("一、总体情况有51%的文字与上年报告逐句相同（6句），请核对是否照抄上年而未更新："
            "“一是主动公开财政预算") in out
    assert ("五、存在的主要问题及改进情况有100%的文字与上年报告逐句相同（12句），请核对是否照抄上年而未更新："
            "“2025年，我局政府信息公开工作立足财政金融实际") in out
    assert "“真正把群众关心" not in out  # the 12th sentence: past the five listed


def test_text_findings_mark_the_text_cell_of_the_workbook() -> None:
    finding = Finding("structure.sections", "warning", "narrative", "problems", None, "文字内容!B2",
                      None, None, "…")
    assert finding.defined_name == "narrative.problems"


# --- every real report --------------------------------------------------------------------------

# The text findings of every real report whose tables can be read (the txt_pingtan dumps run
# their table cells together), each read against its source: 平潭 2018 leaves “《《福建省…” and
# “联系（联系地址：…” open; the Markdown of 上海 2025 has no heading 五; 上海市科委 2024's Markdown
# numbers 二…六 as 一…五 with no 五 and prints 资金资金. No other report gets a text finding.
REAL_TEXT_FINDINGS = {
    "html_pingtan_2018": [("structure.text", "overview", "《"), ("structure.text", "overview", "（")],
    "md_shanghai_bgt_2025": [("structure.sections", "problems", None)],
    "md_shanghai_kewei_2024": [
        ("structure.sections", "active", "一、主动公开政府信息情况"),
        ("structure.sections", "requests", "二、收到和处理政府信息公开申请情况"),
        ("structure.sections", "appeals", "三、政府信息公开行政复议、行政诉讼情况"),
        ("structure.sections", "problems", None),
        ("structure.sections", "other", "五、其他需要报告的事项"),
        ("structure.text", "overview", "资金资金")],
}
# consecutive years of one agency, checked with last year's report
PREVIOUS = {"html_pingtan_2019": "html_pingtan_2018", "html_pingtan_2024": "html_pingtan_2023",
            "html_pingtan_2025": "html_pingtan_2024"}


def _real_readable() -> list[str]:
    names = [p.stem for p in case_sources("real") if not p.stem.startswith("txt_pingtan")]
    assert len(names) >= 20
    return names


@pytest.mark.parametrize("name", _real_readable())
def test_text_findings_of_every_real_report(name: str) -> None:
    previous = _case(PREVIOUS[name]) if name in PREVIOUS else None
    found = [(f.rule, f.row, f.actual) for f in _text_findings(_case(name), previous)]
    assert found == REAL_TEXT_FINDINGS.get(name, [])
