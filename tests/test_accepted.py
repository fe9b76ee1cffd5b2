"""Warnings a clerk has checked (已核实): kept in the workbook with the reason, not raised again
while the rule, the cell and the values are the same; an error can never be accepted.

Seed 001 (青岛西海岸新区商务局 2018) as printed: one error (3.3 申请答复数 14 against children
adding to 12) and four warnings, among them 2.2 通过不同渠道和方式回应解读的情况 left blank while
its children hold 1 and 1 (统计表!D14), and the heading 一、主动公开情况 carrying 41 (统计表!D2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.spec import load_spec
from nianbao.validate import annotate_workbook, validate
from nianbao.validate.accepted import accept
from nianbao.workbook import read_workbook, write_workbook

from .conftest import CASES

SPEC = load_spec()
REASON = "2.2 是渠道情况的标题，原表按规定不填合计"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "商务局.xlsx"
    write_workbook(read_report(CASES / "001_xihaian_2018.txt"), path)
    return path


def _warning(path: Path, cell: str) -> str:
    (finding,) = (f for f in validate(read_workbook(path)).findings if f.cell == cell)
    assert finding.severity == "warning"
    return finding.id


def test_an_accepted_warning_is_kept_in_the_workbook_and_not_raised_again(workbook: Path) -> None:
    before = validate(read_workbook(workbook))
    assert (before.counts, before.accepted) == ({"errors": 1, "warnings": 4}, ())
    ident = _warning(workbook, "统计表!D14")
    annotate_workbook(workbook, accept(before, [ident], REASON), marks=False)
    wb = load_workbook(workbook)
    rows = list(wb[SPEC.sheets["accepted"]].values)
    assert rows[0] == SPEC.findings.accepted_columns
    assert rows[1][:6] == (ident, "父项空白而子项有数", "统计表!D14", None, None, REASON)
    after = validate(read_workbook(workbook))
    assert after.counts == {"errors": 1, "warnings": 3}
    assert [(f.cell, reason) for f, reason in after.accepted] == [("统计表!D14", REASON)]
    assert after.summary() == "共 1 个错误，3 个警告（另有 1 个警告已核实）"
    assert after.to_json()["accepted"][0]["reason"] == REASON


def test_a_changed_number_raises_the_warning_again(workbook: Path) -> None:
    """The heading's 41 accepted; typed over with 42, the warning is a new one (its id changes)."""
    ident = _warning(workbook, "统计表!D2")
    annotate_workbook(workbook, accept(validate(read_workbook(workbook)), [ident], "标题行即主动公开总数"),
                      marks=False)
    assert "统计表!D2" not in {f.cell for f in validate(read_workbook(workbook)).findings}
    wb = load_workbook(workbook)
    wb[SPEC.sheets["legacy"]]["D2"] = 42
    wb.save(workbook)
    again = validate(read_workbook(workbook))
    (finding,) = (f for f in again.findings if f.cell == "统计表!D2")
    assert finding.actual == 42 and finding.id != ident and again.accepted == ()


def test_a_reason_typed_in_the_results_sheet_is_honoured_and_moved(workbook: Path) -> None:
    annotate_workbook(workbook, validate(read_workbook(workbook)))
    wb = load_workbook(workbook)
    results = wb[SPEC.findings.sheet]
    header = [c.value for c in results[2]]
    assert header == list(SPEC.findings.columns)
    ident = _warning(workbook, "统计表!D14")
    (row,) = (r for r in results.iter_rows(min_row=3) if r[header.index("编号")].value == ident)
    row[header.index("核实说明")].value = REASON
    wb.save(workbook)
    typed = validate(read_workbook(workbook))  # honoured before the next 校验 moves it
    assert [f.id for f, _ in typed.accepted] == [ident]
    annotate_workbook(workbook, typed)
    wb = load_workbook(workbook)
    assert [r[0] for r in wb[SPEC.sheets["accepted"]].iter_rows(min_row=2, values_only=True)] == [ident]
    listed = [r[header.index("编号")] for r in wb[SPEC.findings.sheet].iter_rows(min_row=3, values_only=True)]
    assert ident not in listed and len(listed) == 4


def test_an_error_or_an_unknown_id_cannot_be_accepted(workbook: Path) -> None:
    result = validate(read_workbook(workbook))
    error = result.errors[0]
    with pytest.raises(NianbaoError, match="是错误，不能标为已核实"):
        accept(result, [error.id], REASON)
    with pytest.raises(NianbaoError, match="没有编号为 0123456789 的警告"):
        accept(result, ["0123456789"], REASON)
    with pytest.raises(NianbaoError, match="须说明原因"):
        accept(result, [result.warnings[0].id], " ")
    # an error's id typed into 核实说明's row is not honoured either
    report = read_workbook(workbook)
    report.accepted = {error.id: REASON}
    assert validate(report).errors == (error,)


def test_the_command_line_accepts_by_id(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(workbook), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    warning = next(f for f in data["findings"] if f["cell"] == "统计表!D14")
    assert main(["validate", str(workbook), "--accept", warning["id"], "--reason", REASON]) == 1
    out, err = capsys.readouterr()
    assert "1 个错误，3 个警告（另有 1 个警告已核实）" in out and "已核实" in err
    assert workbook.with_name("商务局.bak.xlsx").is_file()  # the clerk's file was backed up first
    assert main(["validate", str(workbook), "--accept", warning["id"]]) == 2  # no reason
    error = next(f for f in data["findings"] if f["severity"] == "error")
    assert main(["validate", str(workbook), "--accept", error["id"], "--reason", "x"]) == 2
    assert "不能标为已核实" in capsys.readouterr().err
    text = workbook.with_name("r.txt")
    shutil.copy(CASES / "001_xihaian_2018.txt", text)
    assert main(["validate", str(text), "--accept", warning["id"], "--reason", REASON]) == 2
