"""`nianbao validate`: JSON equal to the library's, exit codes, text by file, the annotated
workbook, the rules page, and `convert` staying free of pandas."""

from __future__ import annotations

import json
import subprocess
import sys

from openpyxl import load_workbook

from nianbao import read_report, save_workbook
from nianbao.cli import main
from nianbao.validate import RESULT_SHEET, validate, validate_path
from nianbao.validate.annotate import AUTHOR
from nianbao.validate.rulesdoc import check_rules_page, rules_markdown, rules_page_path

from .conftest import CASES

LEGACY = CASES / "001_xihaian_2018.txt"
CLEAN = CASES / "004_zibo_2021.txt"


def _values(path) -> dict:
    """Every cell value of every sheet but 校验结果."""
    wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets if ws.title != RESULT_SHEET
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_json_output_is_the_library_result(capsys) -> None:
    assert main(["validate", str(LEGACY), "--format", "json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed == validate(read_report(LEGACY)).to_json()
    assert main(["validate", str(CLEAN), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "findings": []}


def test_many_files_json_lines_name_their_source(capsys) -> None:
    assert main(["validate", str(CLEAN), str(LEGACY), "--format", "json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["source"], d["valid"], len(d["findings"])) for d in lines] == [
        ("004_zibo_2021.txt", True, 0), ("001_xihaian_2018.txt", False, 5)]


def test_text_output_groups_findings_by_file_in_chinese(capsys) -> None:
    assert main(["validate", str(CLEAN), str(LEGACY)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✓ 004_zibo_2021.txt：未发现问题"
    assert out[1] == "✗ 001_xihaian_2018.txt：1 个错误，4 个警告"
    assert out[2].startswith("  错误  统计表!D31  “申请答复数”（3.3）应为12，实际为14")
    assert [line.split()[0] for line in out[3:]] == ["警告"] * 4


def test_unreadable_input_exits_2_and_the_others_are_still_checked(tmp_path, capsys) -> None:
    missing = tmp_path / "不存在.txt"
    assert main(["validate", str(missing), str(CLEAN)]) == 2
    captured = capsys.readouterr()
    assert "不存在.txt" in captured.err
    assert "✓ 004_zibo_2021.txt：未发现问题" in captured.out
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["validate", str(broken)]) == 2


def test_previous_year(tmp_path, capsys) -> None:
    last_year = tmp_path / "2020.xlsx"
    report = read_report(CASES / "002_zichuan_2020.txt")
    report.tables["requests"]["carried_over"]["natural_person"].value = 1
    report.tables["requests"]["carried_over"]["total"].value = 1
    save_workbook(report, last_year)
    assert main(["validate", str(CLEAN), "--previous", str(last_year), "--format", "json"]) == 1
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert rules == ["year.carried_in", "year.carried_in"]
    assert main(["validate", str(CLEAN), str(LEGACY), "--previous", str(last_year)]) == 2


def test_a_standard_workbook_validates_like_its_source(tmp_path) -> None:
    path = tmp_path / "年报.xlsx"
    save_workbook(read_report(LEGACY), path)
    assert validate_path(path).findings == validate(read_report(LEGACY)).findings


def test_annotate_marks_cells_and_lists_findings_without_touching_values(tmp_path, capsys) -> None:
    path = tmp_path / "年报.xlsx"
    save_workbook(read_report(LEGACY), path)
    before = _values(path)
    assert main(["validate", str(path), "--annotate"]) == 1
    assert (tmp_path / "年报.bak.xlsx").is_file()
    assert _values(path) == before

    wb = load_workbook(path)
    assert wb.active.title == RESULT_SHEET
    sheet = wb[RESULT_SHEET]
    assert sheet["A1"].value == "校验结果：共 1 个错误，4 个警告"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("错误", "统计表!D31", "各子栏目数要等于总栏目数量"),
        ("警告", "统计表!D14", "父项空白而子项有数"),
        ("警告", "统计表!D35", "父项空白而子项有数"),
        ("警告", "统计表!D2", "数字填在了标题行"),
        ("警告", "统计表!D12", "数字填在了标题行"),
    ]
    assert sheet["C3"].hyperlink.location == "'统计表'!D31"
    legacy = wb["统计表"]
    assert legacy["D31"].fill.fgColor.rgb == "FFFFC7CE"  # red: error
    assert legacy["D14"].fill.fgColor.rgb == "FFFFEB9C"  # amber: warning
    assert legacy["D31"].comment.author == AUTHOR
    assert "应为12，实际为14" in legacy["D31"].comment.text
    assert legacy["D32"].comment is None and legacy["D32"].fill.fill_type is None
    assert "校验结果" in capsys.readouterr().err


def test_annotating_again_removes_the_previous_marks_first(tmp_path) -> None:
    path = tmp_path / "年报.xlsx"
    save_workbook(read_report(LEGACY), path)
    assert main(["validate", str(path), "--annotate"]) == 1
    # The clerk fixes 3.3.4 (blank → 2): 3.3 now adds up and 3.3.4 is no longer blank.
    wb = load_workbook(path)
    wb["统计表"]["D35"].value = 2
    wb.save(path)
    assert main(["validate", str(path), "--annotate"]) == 0
    wb = load_workbook(path)
    assert wb.sheetnames.count(RESULT_SHEET) == 1
    assert len(list(wb[RESULT_SHEET].iter_rows(min_row=3))) == 3
    legacy = wb["统计表"]
    for address in ("D31", "D35"):
        assert legacy[address].comment is None
        assert legacy[address].fill.fill_type is None
    assert legacy["D35"].value == 2
    assert legacy["D14"].comment.author == AUTHOR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.bak.xlsx", "年报.bak2.xlsx", "年报.xlsx"]


def test_annotate_a_text_source_is_refused_politely(capsys) -> None:
    assert main(["validate", str(CLEAN), "--annotate"]) == 0
    assert "只有标准工作簿" in capsys.readouterr().err


def test_rules_page_is_generated_from_the_spec(tmp_path) -> None:
    assert check_rules_page(), "docs/rules.md drifted from the spec: run `nianbao rules build`"
    page = rules_page_path().read_text(encoding="utf-8")
    assert "第三项（七）总计（自然人）应为14，实际为13：第一项加第二项之和应等于第三项加第四项之和" in page
    out = tmp_path / "rules.md"
    assert main(["rules", "build", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == rules_markdown()
    out.write_text("old", encoding="utf-8")
    assert main(["rules", "build", "--check", "-o", str(out)]) == 1


def test_convert_to_json_imports_neither_pandas_nor_pandera() -> None:
    code = (
        "import sys\n"
        "from nianbao.cli import main\n"
        f"assert main(['convert', {str(CLEAN)!r}, '--to', 'json', '-o', '-']) == 0\n"
        "loaded = sorted(m for m in ('pandas', 'pandera', 'numpy') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["meta"]["agency"] == "淄博市投资促进局"
