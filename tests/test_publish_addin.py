"""The add-in's 生成Word button (``excel.publish_word``), run without Excel on xlwings' remote
engine as the other entry points are (tests/test_addin_excel.py): the open workbook's values,
unsaved edits included, become the Word report; a workbook with errors is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import read_report
from nianbao.consolidate import consolidate

from .test_addin_excel import alerts, excel, of, payload, run, standard_workbook

CASES = Path(__file__).parent / "data" / "cases"


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the report of a workbook handed over as JSON goes: it has no folder, like a
    workbook never saved, so the report goes to Documents."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("NIANBAO_LOG", str(tmp_path / "log" / "nianbao.log"))
    return home / "Documents"


def test_the_open_workbook_with_its_unsaved_edits_becomes_the_word_report(
        tmp_path: Path, documents: Path) -> None:
    path = standard_workbook(tmp_path)
    actions, _ = run(excel.publish_word, payload(path, {"meta.agency": "淄博市招商局"}))
    output = documents / "004_zibo_2021.docx"
    [message] = alerts(actions)
    assert message.startswith(f"已生成 Word 报告：{output}") and "校验：未发现问题" in message
    back = read_report(output)
    assert back.meta.agency == "淄博市招商局"  # the value on screen, not the file's
    assert back.to_json()["tables"] == read_report(path).to_json()["tables"]
    actions, _ = run(excel.publish_word, payload(path))  # again: the first report is kept
    assert "原文件已备份为 004_zibo_2021.bak.docx" in alerts(actions)[0]
    assert (documents / "004_zibo_2021.bak.docx").is_file()


def test_a_workbook_with_errors_is_refused_with_what_to_do(tmp_path: Path, documents: Path) -> None:
    path = standard_workbook(tmp_path)
    actions, _ = run(excel.publish_word, payload(path, {"requests.carried_in.natural_person": 99}))
    [message] = alerts(actions)
    assert "校验发现 2 个错误" in message and "未生成报告" in message
    assert "请先点“校验”查看并改正错误" in message and "--force" not in message
    assert of(actions, "alert")[0]["args"][3] == "critical"
    assert not list(documents.iterdir())


def test_a_consolidated_workbook_is_published_too(tmp_path: Path, documents: Path) -> None:
    folder = tmp_path / "各单位"
    standard_workbook(folder, "pdf_real_huaian_2024.pdf")
    standard_workbook(folder, "html_pingtan_2024.html")
    result = consolidate([folder], tmp_path / "汇总.xlsx")
    assert result.errors == 0
    actions, _ = run(excel.publish_word, payload(tmp_path / "汇总.xlsx"))
    assert alerts(actions)[0].startswith("已生成 Word 报告")
    back = read_report(documents / "汇总.docx")
    sums = {(t.table, t.row, t.column): t.value for t in result.totals}
    assert back.value("requests", "new_received", "total") == sums[("requests", "new_received", "total")]


def test_a_workbook_that_is_not_a_report(tmp_path: Path, documents: Path) -> None:
    from openpyxl import Workbook

    Workbook().save(tmp_path / "其他.xlsx")
    actions, _ = run(excel.publish_word, payload(tmp_path / "其他.xlsx"))
    assert alerts(actions) == ["当前工作簿不是标准年报工作簿或汇总工作簿，无法生成报告"
                               "（请先用“nianbao convert”转换为标准工作簿）"]
    assert not list(documents.iterdir())
