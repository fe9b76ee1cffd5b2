"""The 汇总 button's entry point on xlwings' remote engine: a folder of departments'
workbooks consolidated through ``nianbao.consolidate.consolidate`` and opened."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.api import save_workbook

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
