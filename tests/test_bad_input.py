"""The bad-input corpus (tests/badinput): every hostile or broken file gives its expected
one-line reason, in Chinese, and its exit status, from ``convert`` and from ``validate``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nianbao.cli import main

from .badinput import CASES, BadInput

# What a reason must never show: a traceback, or a bare Python exception's name.
PYTHON_TALK = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|\bBadZipFile\b|\bErrno\b")


def _params() -> list:
    return [pytest.param(case, id=case.name, marks=[pytest.mark.xfail(strict=True, reason=case.owner)]
                         if case.owner else []) for case in CASES]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _check(output: str, says: str, status: int, expected: int, case: BadInput) -> None:
    lines = [line for line in output.splitlines() if says in line]
    assert lines, f"{case.name}: {says!r} not in\n{output}"
    assert status == expected, f"{case.name}: exit status {status}, expected {expected}\n{output}"
    assert not PYTHON_TALK.search(output), output
    if expected == 2:  # the refusal names the file
        assert case.name in lines[0], lines[0]


@pytest.mark.parametrize("case", _params())
def test_convert_says_why(case: BadInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = case.make(tmp_path)
    status, output = _run(["convert", str(source), "-o", str(tmp_path / "out")], capsys)
    _check(output, case.convert_says, status, case.convert, case)
    written = list((tmp_path / "out").glob("*.xlsx")) if (tmp_path / "out").is_dir() else []
    assert bool(written) == (case.convert == 0), written  # nothing is written for a refused file


@pytest.mark.parametrize("case", _params())
def test_validate_says_why(case: BadInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = case.make(tmp_path)
    status, output = _run(["validate", str(source)], capsys)
    _check(output, case.validate_says, status, case.validate, case)


def test_the_corpus_covers_every_format_and_edit() -> None:
    names = {case.name for case in CASES}
    for kind in ("empty", "garbage", "fake_magic"):
        assert {f"{kind}.{ext}" for ext in ("txt", "html", "md", "docx", "xlsx", "pdf", "doc")} <= names
    assert {f"truncated.{ext}" for ext in ("txt", "html", "md", "docx", "xlsx", "pdf", "doc")} <= names
    assert {"scanned.pdf", "count_400_digits.txt", "sheet_deleted.xlsx", "renamed_by_script.xlsx",
            "sheet_part_missing.xlsx", "rows_inserted.xlsx", "formula_without_value.xlsx",
            "ref_error.xlsx", "date_in_value_cell.xlsx", "name_on_range.xlsx", "name_elsewhere.xlsx"} <= names
    assert len(names) == len(CASES)  # one file name per case


REFUSED_WORKBOOKS = [case for case in CASES
                     if case.name.endswith(".xlsx") and case.validate == 2 and not case.owner]


@pytest.mark.parametrize("case", REFUSED_WORKBOOKS, ids=[c.name for c in REFUSED_WORKBOOKS])
def test_a_refused_workbook_is_unreadable_in_json(case: BadInput, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = case.make(tmp_path)
    status = main(["validate", str(source), "--format", "json"])
    assert status == 2
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False and data["findings"] == [], data
    assert case.validate_says in data["unreadable"] or case.convert_says in data["unreadable"], data


def test_consolidation_leaves_out_a_workbook_with_a_table_gone(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A sheet part missing from the zip is not summed as a department with its cells blank."""
    folder = tmp_path / "各单位"
    folder.mkdir()
    broken = {c.name: c for c in CASES}["sheet_part_missing.xlsx"].make(folder)
    {c.name: c for c in CASES}["rows_inserted.xlsx"].make(folder)
    status, output = _run(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx")], capsys)
    assert status == 2
    assert f"✗ {broken}：工作簿的表格结构被改动" in output
    assert "汇总 1 个单位" in output


def test_consolidating_into_a_folder_that_cannot_be_written_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only folder (root may write anyway, so the refusal is simulated where it starts)."""
    import nianbao.consolidate as consolidate

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "只读" / "汇总.xlsx"))

    monkeypatch.setattr(consolidate, "consolidate", refuse)
    source = {c.name: c for c in CASES}["rows_inserted.xlsx"].make(tmp_path)
    status, output = _run(["consolidate", str(source), "-o", str(tmp_path / "只读" / "汇总.xlsx")], capsys)
    assert status == 2
    assert "无法写出汇总（没有权限" in output and "只读" in output
    assert not PYTHON_TALK.search(output), output


@pytest.mark.parametrize("name", ["count_400_digits.txt", "money_400_digits.txt", "count_400_digits.xlsx",
                                  "count_1e400.xlsx"])
def test_a_number_no_cell_holds_is_kept_as_text_not_infinity(name: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = {c.name: c for c in CASES}[name].make(tmp_path)
    assert main(["convert", str(source), "--to", "json", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    assert all(value is None or abs(value) < 10**15 for rows in data["tables"].values()
               for columns in rows.values() for value in columns.values())
