"""Consolidation says what it left out: reports of other years are counted on the terminal and in
汇总's headline, and both count findings and departments in the same words."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.model import Meta, Report

from .test_consolidate import _department, _set, _write


def test_reports_of_other_years_are_counted_on_screen_and_in_the_headline(tmp_path: Path, capsys) -> None:
    folder, output = tmp_path / "各单位", tmp_path / "汇总.xlsx"
    folder.mkdir()
    for i in range(1, 4):
        _write(_department(f"甲局{i}", i), folder / f"甲局{i}.xlsx")
    broken = _department("乙局", 30)
    _set(broken, "requests", "granted", natural_person=29, total=30)  # two errors, one department
    _write(broken, folder / "乙局.xlsx")
    for name, year in (("丙局", 2020), ("丁局", 2020), ("戊局", 2019)):
        _write(_department(name, 1, year=year), folder / f"{name}.xlsx")
    _write(Report.blank(Meta(agency="己局", year=2020, edition="2019")), folder / "己局.xlsx")

    assert main(["consolidate", str(folder), "-o", str(output)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"! {output}：汇总 4 个单位，错误 2 个，警告 0 个",
                   "! 另有其他年度的报告 4 份（2020年度 3 份、2019年度 1 份），未计入 2021 年度汇总"
                   "（见“缺报与重复”表）"]
    headline = load_workbook(output)["汇总"]["A2"].value
    assert "；错误 2 个，警告 0 个（有错误的单位 1 个，有警告的单位 0 个）；" in headline
    assert ("；另有其他年度的报告 4 份（2020年度 3 份、2019年度 1 份），未计入汇总（见“缺报与重复”表）；"
            in headline)
