"""nianbao report: the standard (or consolidated) workbook as the published report, Word and HTML.

Acceptance: what is published reads back with ``nianbao convert`` (``read_report``) to exactly the
workbook's numbers and narrative — for every real report of the corpus, and for random reports of
every edition (a bounded property test); a workbook with validation errors is refused unless
forced; a consolidated workbook is published with its sums.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao import read_report
from nianbao.api import save_workbook
from nianbao.assemble import RUN_TOGETHER as RUN_TOGETHER_REASON
from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.errors import UnreadableInput
from nianbao.model import Cell, LegacyRow, Meta, Report
from nianbao.publish import (
    NotPublishable,
    build_html,
    format_number,
    legacy_label,
    publish,
    publish_workbook,
    read_for_publishing,
)
from nianbao.spec import load_spec

from .conftest import CASES, case_sources
from .test_fuzz import bounded

SPEC = load_spec()
FORMATS = ("docx", "html")


def tables_and_text(report: Report) -> dict[str, Any]:
    data = report.to_json()
    return {"tables": data["tables"], "narrative": data["narrative"]}


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where two JSON values differ, each difference as path: expected != actual."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        absent = "<absent>"
        return [d for key in dict.fromkeys([*expected, *actual])
                for d in differences(expected.get(key, absent), actual.get(key, absent), f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True))
                for d in differences(e, a, f"{where}[{i}]")]
    return [] if expected == actual else [f"{where}: {expected!r} != {actual!r}"]


def round_trip(report: Report, folder: Path, name: str = "年报") -> dict[str, Report]:
    """The report published in both formats, each read back by the converter."""
    back = {}
    for ext in FORMATS:
        output = folder / f"{name}.{ext}"
        publish(report, output)
        back[ext] = read_report(output)
    return back


# --- the real reports of the corpus ----------------------------------------------------------------


REAL = case_sources("real")
# Text dumps whose table cells run together on one line: the converter refuses them (no workbook).
RUN_TOGETHER = {p.name for p in REAL if p.name.startswith("txt_pingtan_")}


@pytest.mark.parametrize("source", REAL, ids=lambda p: p.name)
def test_a_real_report_published_reads_back_as_its_workbook(source: Path, tmp_path: Path) -> None:
    if source.name in RUN_TOGETHER:
        with pytest.raises(UnreadableInput, match=RUN_TOGETHER_REASON[:12]):
            read_report(source)
        return
    save_workbook(read_report(source), tmp_path / "年报.xlsx")
    workbook = read_for_publishing(tmp_path / "年报.xlsx")
    expected = tables_and_text(workbook)
    assert expected["tables"], "a real report with tables"
    for ext, back in round_trip(workbook, tmp_path).items():
        assert not differences(expected, tables_and_text(back)), ext
        assert (back.meta.agency, back.meta.year, back.meta.edition) == (
            workbook.meta.agency, workbook.meta.year, workbook.meta.edition), ext


def test_the_real_corpus_is_covered() -> None:
    names = {p.name for p in REAL} - RUN_TOGETHER
    assert len(names) >= 20
    assert {"000_zhoucun_2018.txt", "002_zichuan_2020.txt", "pdf_real_huaian_2024.pdf"} <= names


# --- random reports of every edition -----------------------------------------------------------------

_AGENCIES = ["淮安市人民政府", "淄川区招商局", "杭州市西湖区人民政府办公室", "上海市科学技术委员会",
             "某县<审计>局&办"]
_WORDS = ["本机关", "认真贯彻落实", "《中华人民共和国政府信息公开条例》", "政务公开", "主动公开", "政府网站",
          "依申请公开", "答复", "规范性文件", "政策解读", "回应关切", "“三安全一稳定”", "平台建设",
          "监督保障", "培训", "<b>加粗</b>", "A&B", "年度考核", "'引号'", "\"双引号\""]
_HEADS = ["", "", "", "（一）主动公开情况。", "（二）依申请公开情况。", "1.", "一是"]
_UNITS = ["件", "条", "次", "个", "篇"]


@st.composite
def sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=2, max_size=6))
    if draw(st.booleans()):
        words.insert(draw(st.integers(0, len(words))),
                     f"共{draw(st.integers(0, 99999))}{draw(st.sampled_from(_UNITS))}")
    return "".join(words) + draw(st.sampled_from(["。", "；", "！"]))


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(_HEADS)) + "".join(draw(st.lists(sentence(), min_size=1, max_size=3)))


def _value(draw: st.DrawFn, kind: str) -> int | float | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    if kind == "money":
        return draw(st.integers(0, 10**9)) / 100
    if kind == "signed":
        return draw(st.integers(-(10**5), 10**5))
    return draw(st.integers(0, 10**7))


_LEGACY_LABELS = sorted({row["label"] for path in CASES.glob("*.json")
                         for row in json.loads(path.read_text("utf-8")).get("tables", {}).get("legacy") or []
                         if row["label"]})


@st.composite
def legacy_rows(draw: st.DrawFn) -> list[LegacyRow]:
    """A 统计表: sections, items, points and 其中 lines, with the corpus's real labels; its first
    indicator is the national form's (主动公开政府信息数 …), by which a 统计表 is recognised."""
    units = SPEC.edition("legacy").table("legacy").units
    first = draw(st.sampled_from(["主动公开政府信息数", "收到申请数", "申请答复数",
                                  "从事政府信息公开工作人员数"]))
    rows = []
    cumulative = draw(st.booleans())
    def among(parent: str) -> list[str]:  # its 其中 lines, right under it
        return [parent, *(f"{parent}.{letter}" for letter in "abc"[:draw(st.integers(0, 2))])]

    for section in range(1, draw(st.integers(1, 4)) + 1):
        codes = among(str(section))
        for item in range(1, draw(st.integers(0, 3)) + 1):
            codes += among(f"{section}.{item}")
            for point in range(1, draw(st.integers(0, 2)) + 1):
                codes += among(f"{section}.{item}.{point}")
        for code in codes:
            unit = draw(st.sampled_from([None, *units[:6], "万元"]))
            kind = "money" if unit == "万元" else "count"
            label = first if not rows else draw(st.sampled_from(_LEGACY_LABELS))
            row = LegacyRow(code, label, unit, _value(draw, kind))
            if cumulative:
                row.cumulative = _value(draw, kind)
                row.cumulative_where = "x"
            rows.append(row)
    return rows


@st.composite
def reports(draw: st.DrawFn) -> Report:
    edition = draw(st.sampled_from(sorted(SPEC.editions)))
    spec_edition = SPEC.edition(edition)
    year = draw(st.integers(spec_edition.first_year, min(spec_edition.last_year, 2030)))
    report = Report.blank(Meta(agency=draw(st.sampled_from(_AGENCIES)), year=year, edition=edition), SPEC)
    for key, table in spec_edition.tables.items():
        if key not in report.tables:
            continue
        for off in table.off_form:
            if draw(st.booleans()):
                report.add_off_form_row(key, off.key, SPEC)
        for columns in report.tables[key].values():
            for column in columns:
                columns[column] = Cell(_value(draw, table.column(column).kind))
    if report.legacy is not None:
        report.legacy = draw(legacy_rows())
    report.narrative = {key: "\n".join(draw(st.lists(paragraph(), min_size=1, max_size=3)))
                        for key in ("overview", "problems", "other") if draw(st.integers(0, 3))}
    return report


@bounded(24)
@given(reports())
def test_a_random_workbook_published_reads_back_exactly(report: Report) -> None:
    with tempfile.TemporaryDirectory() as folder:
        save_workbook(report, Path(folder) / "年报.xlsx")
        workbook = read_for_publishing(Path(folder) / "年报.xlsx")
        expected = tables_and_text(workbook)
        assert expected["narrative"] == report.narrative  # the workbook holds what was drawn
        for ext, back in round_trip(workbook, Path(folder)).items():
            assert not differences(expected, tables_and_text(back)), ext
            assert (back.meta.agency, back.meta.year) == (report.meta.agency, report.meta.year), ext


# --- pieces --------------------------------------------------------------------------------------------


def test_numbers_are_printed_without_exponent_or_stray_decimals() -> None:
    assert [format_number(v) for v in (None, 0, 14, -8, 26.8, 26.0, 1e-05, 12345678.9)] == [
        "", "0", "14", "-8", "26.8", "26", "0.00001", "12345678.9"]


def test_a_legacy_rows_numbering_comes_from_its_code() -> None:
    words = SPEC.numbering
    printed = [legacy_label(LegacyRow(code, "收到申请数", "件", 1), words)
               for code in ("3", "12", "3.1", "3.10", "3.1.2", "3.3.4.a", "0.a")]
    assert printed == ["三、收到申请数", "十二、收到申请数", "（一）收到申请数", "（十）收到申请数",
                       "2.收到申请数", "其中：收到申请数", "其中：收到申请数"]


# --- refusal, --force, backups ------------------------------------------------------------------------


@pytest.fixture
def broken_workbook(tmp_path: Path) -> Path:
    """004_zibo_2021 with requests.balance broken in the 自然人 column (新收 2 → 4)."""
    report = read_report(CASES / "004_zibo_2021.txt")
    assert report.value("requests", "new_received", "natural_person") == 2
    report.tables["requests"]["new_received"]["natural_person"].value = 4
    path = tmp_path / "年报.xlsx"
    save_workbook(report, path)
    return path


def test_a_workbook_with_errors_is_refused_and_nothing_written(broken_workbook: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    output = broken_workbook.with_name("年报.docx")
    with pytest.raises(NotPublishable) as refused:
        publish_workbook(broken_workbook, output)
    assert refused.value.validation is not None and not refused.value.validation.valid
    assert "年报.xlsx：校验发现" in str(refused.value) and "--force" in str(refused.value)
    assert "三、依申请公开!D" in str(refused.value)
    assert main(["report", str(broken_workbook), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert "未生成报告" in err and "错误" in err
    assert not output.exists()


def test_force_publishes_as_it_is_and_keeps_the_previous_file(broken_workbook: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    output = broken_workbook.with_name("年报.docx")
    output.write_bytes(b"the clerk's own file")
    assert main(["report", str(broken_workbook), "-o", str(output), "--force"]) == 0
    assert "按 --force 照原样生成" in capsys.readouterr().err
    assert broken_workbook.with_name("年报.bak.docx").read_bytes() == b"the clerk's own file"
    assert read_report(output).value("requests", "new_received", "natural_person") == 4


def test_the_default_output_is_a_docx_beside_the_workbook(tmp_path: Path) -> None:
    save_workbook(read_report(CASES / "002_zichuan_2020.txt"), tmp_path / "淄川.xlsx")
    assert main(["report", str(tmp_path / "淄川.xlsx")]) == 0
    assert read_report(tmp_path / "淄川.docx").meta.agency == "淄川区招商局"


@pytest.mark.parametrize(("args", "message"), [
    (["{case}", "-o", "{tmp}/x.docx"], "不是标准年报工作簿或汇总工作簿"),
    (["{wb}", "-o", "{tmp}/x.pdf"], "不支持的报告格式“.pdf”"),
    (["{wb}", "-o", "{tmp}/x.html", "--template", "{case}"], "只能用于生成 .docx"),
    (["{wb}", "-o", "{tmp}/x.docx", "--template", "{case}"], "004_zibo_2021.txt"),
    (["{tmp}/没有这个文件.xlsx", "-o", "{tmp}/x.docx"], "没有这个文件.xlsx"),
])
def test_what_cannot_be_published_is_named_with_exit_status_2(
        args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_workbook(read_report(CASES / "004_zibo_2021.txt"), tmp_path / "wb.xlsx")
    values = {"case": str(CASES / "004_zibo_2021.txt"), "wb": str(tmp_path / "wb.xlsx"), "tmp": str(tmp_path)}
    assert main([a.format(**values) for a in ["report", *args]]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*"))


# --- the consolidated workbook -------------------------------------------------------------------------


def test_a_consolidated_workbook_is_published_with_its_sums(tmp_path: Path) -> None:
    folder = tmp_path / "各单位"
    sources = ["pdf_real_huaian_2024.pdf", "md_shanghai_kewei_2024.md", "html_pingtan_2024.html"]
    for name in sources:
        save_workbook(read_report(CASES / name), folder / f"{Path(name).stem}.xlsx")
    result = consolidate([folder], tmp_path / "汇总.xlsx")
    assert result.edition == "2021" and result.departments == 3
    report = read_for_publishing(tmp_path / "汇总.xlsx")
    assert (report.meta.edition, report.meta.year, report.meta.agency) == ("2021", result.year, None)
    sums = {(t.table, t.row, t.column): t.value for t in result.totals}
    published = {(table, row, column): cell.value for table, row, column, cell in report.cells()}
    assert published == {key: sums.get(key) for key in published}
    # 三、一、新收 总计 of the three reports: 淮安 + 上海科委 + 平潭
    reports = [read_report(CASES / name) for name in sources]
    assert published[("requests", "new_received", "total")] == sum(
        r.value("requests", "new_received", "total") or 0 for r in reports)
    for ext in FORMATS:
        done = publish_workbook(tmp_path / "汇总.xlsx", tmp_path / f"汇总.{ext}", force=True)
        assert tables_and_text(read_report(done.output))["tables"] == report.to_json()["tables"], ext


def test_a_workbook_that_is_neither_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    Workbook().save(tmp_path / "空.xlsx")
    with pytest.raises(UnreadableInput, match="不是标准年报工作簿或汇总工作簿"):
        read_for_publishing(tmp_path / "空.xlsx")


# --- the web page -----------------------------------------------------------------------------------------


def test_the_web_page_is_clean_markup_with_every_text_escaped() -> None:
    report = read_report(CASES / "004_zibo_2021.txt")
    report.meta.agency = '<script>alert("x")</script>某局'
    report.narrative["other"] = "收费<img src=x onerror=alert(1)>情况 & 说明"
    page = build_html(report, SPEC)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;某局" in page
    assert "收费&lt;img src=x onerror=alert(1)&gt;情况 &amp; 说明" in page
    tree = lxml.html.document_fromstring(page)
    assert {e.tag for e in tree.iter()} <= {"html", "head", "meta", "title", "body", "h1", "h2", "p", "table",
                                            "tr", "th", "td", "span"}
    # nothing fetched (no src, href, url(…)), no script hooks (on…), no classes to style from outside
    assert {a for e in tree.iter() for a in e.attrib} <= {"lang", "charset", "style", "rowspan", "colspan"}
    assert not any("url(" in e.get("style", "") for e in tree.iter())
    assert 'rowspan="3" colspan="3"' in page  # the 勾稽关系 corner over 三's three header rows
    assert 'colspan="7"' in page  # 申请人情况
    assert 'colspan="10"' in page  # 行政诉讼
