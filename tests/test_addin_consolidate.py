"""The 汇总 button's entry point on xlwings' remote engine: a folder of departments'
workbooks consolidated through ``nianbao.consolidate.consolidate`` and opened."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.api import save_workbook
from nianbao.cli import main
from nianbao.spec import load_spec

from .test_addin_excel import CASES, alerts, blank_book, excel, log_file, opened, run, vba_hex

__all__ = ["log_file", "opened"]  # fixtures used here


@pytest.fixture
def departments(tmp_path: Path) -> Path:
    folder = tmp_path / "各单位 2021"
    folder.mkdir()
    first = folder / "淄博.xlsx"
    save_workbook(read_report(CASES / "004_zibo_2021.txt"), first)
    second = folder / "另一单位.xlsx"
    shutil.copyfile(first, second)
    wb = load_workbook(second)
    sheet, address = next(iter(wb.defined_names["meta.agency"].destinations))
    wb[sheet][address.replace("$", "")] = "另一单位"
    wb.save(second)
    return folder


def test_consolidate_folder_writes_beside_the_folder_and_opens_it(
        departments: Path, opened: list[Path]) -> None:
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments))
    output = departments.parent / "各单位 2021汇总.xlsx"
    assert opened == [output] and output.is_file()
    assert len(list(departments.iterdir())) == 2  # nothing written into the folder itself
    [text] = alerts(actions)
    assert text.startswith("已汇总“各单位 2021”：2 个单位，0 个错误")
    assert f"结果：{output}" in text


def test_a_file_picked_on_a_mac_stands_for_its_folder(departments: Path, opened: list[Path]) -> None:
    run(excel.consolidate_folder, blank_book(), vba_hex(departments / "淄博.xlsx"))
    assert opened == [departments.parent / "各单位 2021汇总.xlsx"]


def test_an_empty_folder_is_a_message(tmp_path: Path, opened: list[Path]) -> None:
    (tmp_path / "空").mkdir()
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(tmp_path / "空"))
    assert opened == []
    assert alerts(actions) == [f"文件夹“{tmp_path / '空'}”里没有年报工作簿"]


def test_roster_and_last_years_folder_are_passed_as_the_cli_passes_them(
        departments: Path, tmp_path: Path, opened: list[Path]) -> None:
    zibo = read_report(departments / "淄博.xlsx")
    roster = tmp_path / "名册.csv"
    roster.write_text(f"填报单位\n{zibo.meta.agency}\n另一单位\n缺报局\n", encoding="utf-8")
    last_year = tmp_path / "各单位 2020"
    last_year.mkdir()
    zibo.meta.year = 2020
    save_workbook(zibo, last_year / "淄博2020.xlsx")

    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), vba_hex(roster),
                     vba_hex(last_year))
    output = departments.parent / "各单位 2021汇总.xlsx"
    assert opened == [output]
    [text] = alerts(actions)
    assert "缺报 1 个：缺报局" in text and f"上年：{last_year}" in text

    # the same workbook as `nianbao consolidate --roster --previous` writes (the 同比 and
    # 缺报与重复 sheets come only from those two)
    by_cli = tmp_path / "cli" / "汇总.xlsx"
    by_cli.parent.mkdir()
    main(["consolidate", str(departments), "-o", str(by_cli), "--roster", str(roster),
          "--previous", str(last_year)])
    sheets = load_spec().consolidated.sheets
    for name in (sheets["years"], sheets["roster"]):
        ours = [row for row in load_workbook(output)[name].iter_rows(values_only=True)]
        theirs = [row for row in load_workbook(by_cli)[name].iter_rows(values_only=True)]
        assert ours == theirs, name
    years = load_workbook(output)[sheets["years"]]
    assert any("淄博2020.xlsx" in row for row in years.iter_rows(values_only=True))


def test_roster_and_last_year_cancelled_consolidate_without_them(departments: Path,
                                                                 opened: list[Path]) -> None:
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), "", "")
    [text] = alerts(actions)
    assert "缺报" not in text and "上年" not in text
    assert opened == [departments.parent / "各单位 2021汇总.xlsx"]


def test_a_roster_that_cannot_be_read_is_a_message(departments: Path, tmp_path: Path,
                                                   opened: list[Path]) -> None:
    missing = vba_hex(tmp_path / "无.csv")
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), missing, "")
    assert opened == []
    [text] = alerts(actions)
    assert "无.csv" in text and "名单文件不存在" in text


@pytest.fixture
def parent(tmp_path: Path) -> Path:
    """淄博市人民政府's own report: 淄博's numbers (2 applications, both processed) under its name,
    against two departments with 2 each: four cells state 2 where the departments' sum is 4."""
    path = tmp_path / "本级年报.xlsx"
    report = read_report(CASES / "004_zibo_2021.txt")
    report.meta.agency = "淄博市人民政府"
    save_workbook(report, path)
    return path


def test_the_parent_report_is_passed_as_the_cli_passes_it(departments: Path, parent: Path, tmp_path: Path,
                                                          opened: list[Path]) -> None:
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), "", "", vba_hex(parent))
    output = departments.parent / "各单位 2021汇总.xlsx"
    assert opened == [output]
    [text] = alerts(actions)
    assert "4 个警告" in text and "与本级年报对比：4 处本级少于各单位合计（见“本级对比”表）" in text
    by_cli = tmp_path / "cli" / "汇总.xlsx"
    by_cli.parent.mkdir()
    main(["consolidate", str(departments), "-o", str(by_cli), "--parent", str(parent)])
    name = load_spec().consolidated.sheets["parent"]
    ours = [row for row in load_workbook(output)[name].iter_rows(values_only=True)]
    assert ours == [row for row in load_workbook(by_cli)[name].iter_rows(values_only=True)]
    fewer = [row[1] for row in ours if row[5] == "本级少于各单位合计"]
    assert fewer == ["一、本年新收政府信息公开申请数量（自然人）", "一、本年新收政府信息公开申请数量（总计）",
                     "第三项（七）总计（自然人）", "第三项（七）总计（总计）"]


def test_the_parent_cancelled_consolidates_without_it(departments: Path, opened: list[Path]) -> None:
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), "", "", "")
    [text] = alerts(actions)
    assert "本级" not in text
    assert load_spec().consolidated.sheets["parent"] not in load_workbook(opened[0]).sheetnames


def test_a_parent_that_cannot_be_read_is_a_message(departments: Path, tmp_path: Path,
                                                   opened: list[Path]) -> None:
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments), "", "",
                     vba_hex(tmp_path / "无.docx"))
    assert opened == [] and not (departments.parent / "各单位 2021汇总.xlsx").exists()
    [text] = alerts(actions)
    assert "无.docx" in text and "无法读取本级年报（文件不存在）" in text


def test_an_unreadable_agency_register_is_said_and_the_run_goes_on(
        departments: Path, opened: list[Path], agency_register: Path) -> None:
    agency_register.write_bytes(b"PK\x03\x04 a workbook saved under the register's name")
    actions, _ = run(excel.consolidate_folder, blank_book(), vba_hex(departments))
    assert opened == [departments.parent / "各单位 2021汇总.xlsx"]
    [text] = alerts(actions)
    assert text.startswith("已汇总“各单位 2021”：2 个单位")
    assert text.endswith(f"! 单位名录 {agency_register} 无法读取（这是 Excel 工作簿，不是 CSV 文件："
                         "请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”），本次没有使用它，也没有改动它")
    assert agency_register.read_bytes().startswith(b"PK\x03\x04 a workbook")
