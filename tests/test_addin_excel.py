"""The add-in's entry points, run without Excel on xlwings' remote engine.

Each test hands an entry point a workbook as the JSON payload an xlwings client sends (book
name, sheets with their values, defined names, notes), built from a real standard workbook,
and checks the actions that the entry point sends back: the 校验结果 sheet's values, the fills
at exactly the failing cells, the notes, the selection, the message box.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

# xlwings' remote engine is part of xlwings PRO (PolyForm Noncommercial: government
# institutions may use it). xlwings reads the key once, when it is imported.
_saved_key = os.environ.get("XLWINGS_LICENSE_KEY")
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
import xlwings as xw  # noqa: E402

if _saved_key is None:
    del os.environ["XLWINGS_LICENSE_KEY"]
else:
    os.environ["XLWINGS_LICENSE_KEY"] = _saved_key

from nianbao import __version__, read_report  # noqa: E402
from nianbao.addin import excel  # noqa: E402
from nianbao.api import save_workbook  # noqa: E402
from nianbao.spec import load_spec  # noqa: E402
from nianbao.validate import RESULT_SHEET, validate  # noqa: E402
from nianbao.validate.annotate import HEADER, SEVERITY  # noqa: E402

CASES = Path(__file__).parent / "data" / "cases"
SPEC = load_spec()
RED, AMBER = "#FFC7CE", "#FFEB9C"


def test_remote_engine_is_available() -> None:
    assert xw.__pro__, "xlwings was imported before XLWINGS_LICENSE_KEY was set"


# --- payloads and actions ----------------------------------------------------------------------


def payload(path: Path, edits: dict[str, Any] | None = None, notes: dict[str, list[str]] | None = None,
            ) -> dict[str, Any]:
    """The workbook at ``path`` as an xlwings client sends it; ``edits`` are unsaved changes
    (defined name → value), ``notes`` the cells that already carry a note (sheet → addresses)."""
    wb = load_workbook(path)
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []
    cells = {}
    for name, dn in wb.defined_names.items():
        for sheet, address in dn.destinations:
            address = address.replace("$", "")
            names.append({"name": name, "sheet_index": index[sheet], "address": address,
                          "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None})
            cells[name] = (sheet, address)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if v is None else v for v in row]
                  for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        sheets.append({"name": ws.title, "values": values or [[]], "pictures": [], "tables": [],
                       "shapes": [], "charts": [], "pivot_tables": [], "print_area": None,
                       "show_gridlines": True,
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
                       "notes": [{"address": a} for a in (notes or {}).get(ws.title, [])]})
    for name, value in (edits or {}).items():
        sheet, address = cells[name]
        col, row, _, _ = range_boundaries(address)
        grid = sheets[index[sheet]]["values"]
        grid[row - 1][col - 1] = value
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def standard_workbook(tmp_path: Path, source: str = "004_zibo_2021.txt") -> Path:
    path = tmp_path / f"{Path(source).stem}.xlsx"
    save_workbook(read_report(CASES / source), path)
    return path


def run(entry, data: dict[str, Any], *args: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Run an entry point on a payload; its actions, and the sheet names as they end up."""
    book = xw.Book(json=json.loads(json.dumps(data, default=str)))
    entry(*args, book=book)
    return book.json()["actions"], [s.name for s in book.sheets]


def where(action: dict[str, Any], sheets: list[str]) -> str:
    """An action's target as sheet!A1 (the sheet positions are those of the payload)."""
    cell = f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"
    return f"{sheets[action['sheet_position']]}!{cell}"


def of(actions: list[dict[str, Any]], func: str) -> list[dict[str, Any]]:
    return [a for a in actions if a["func"] == func]


def alerts(actions: list[dict[str, Any]]) -> list[str]:
    return [a["args"][0] for a in of(actions, "alert")]


def apply(data: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What Excel would send next time, after carrying out ``actions``: the sheets added and
    deleted, the values written (a HYPERLINK formula shows its text), the notes added."""
    data = json.loads(json.dumps(data, default=str))
    sheets = data["sheets"]
    for action in actions:
        if action["func"] == "addSheet":
            position, name = action["args"]
            sheets.insert(position, {"name": name, "values": [[]], "pictures": [], "tables": [],
                                     "shapes": [], "charts": [], "notes": [], "print_area": None,
                                     "pivot_tables": [], "show_gridlines": True, "visibility": "Visible"})
        elif action["func"] == "sheetDelete":
            del sheets[action["sheet_position"]]
        elif action["func"] == "setValues":
            values = [[re.sub(r'^=HYPERLINK\("[^"]*","([^"]*)"\)$', r"\1", v) if isinstance(v, str) else v
                       for v in row] for row in action["values"]]
            sheets[action["sheet_position"]]["values"] = values
        elif action["func"] == "addNote":
            sheets[action["sheet_position"]]["notes"].append({"address": action["args"][0]})
    return data


# --- 校验 --------------------------------------------------------------------------------------


def test_validate_marks_exactly_the_cells_that_break_requests_balance(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path)
    # unsaved edits in the open workbook: one more carried in, for 自然人 and 总计
    report = read_report(path)
    carried_in = report.tables["requests"]["carried_in"]
    edits = {f"requests.carried_in.{c}": (carried_in[c].value or 0) + 1 for c in ("natural_person", "total")}
    for column in ("natural_person", "total"):
        carried_in[column].value = edits[f"requests.carried_in.{column}"]
    expected = validate(report).findings
    assert {f.rule for f in expected} == {"requests.balance"}
    failing = [f.cell for f in expected]
    assert failing == ["三、依申请公开!D27", "三、依申请公开!J27"]

    data = payload(path, edits)
    actions, sheets = run(excel.validate, data)

    assert sheets[-1] == RESULT_SHEET
    fills = [(where(a, sheets), a["args"][0]) for a in of(actions, "setRangeColor")
             if sheets[a["sheet_position"]] != RESULT_SHEET]
    assert fills == [(cell, RED) for cell in failing]
    notes = {where(a, sheets): a["args"][1] for a in of(actions, "addNote")}
    assert notes == {f.cell: f"【错误】{f.message}" for f in expected}
    written = [a for a in of(actions, "setValues") if sheets[a["sheet_position"]] == RESULT_SHEET]
    assert len(written) == 1
    rows = written[0]["values"]
    assert rows[0][0] == "校验结果：共 2 个错误，0 个警告"
    assert rows[1] == [*HEADER, "批注"]
    assert [row[0] for row in rows[2:]] == [1, 2]
    assert [row[1] for row in rows[2:]] == [SEVERITY["error"]] * 2
    # 规则 shows what the rule checks, in Chinese, not its id
    assert [row[3:9] for row in rows[2:]] == [
        [f.message, SPEC.rule(f.rule).title, f.expected, f.actual, f.id, ""] for f in expected]
    assert rows[2][2] == "=HYPERLINK(\"#'三、依申请公开'!D27\",\"三、依申请公开!D27\")"
    assert [row[len(HEADER)] for row in rows[2:]] == [excel.MARKED] * 2
    # the first problem is selected, on its sheet; nothing else is written; no message box
    assert [where(a, sheets) for a in of(actions, "rangeSelect")] == [failing[0]]
    assert of(actions, "activateSheet")[-1]["args"] == [sheets.index("三、依申请公开")]
    assert all(sheets[a["sheet_position"]] == RESULT_SHEET for a in of(actions, "setValues"))
    assert alerts(actions) == []


def test_validate_reads_the_open_values_not_the_file(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path)
    actions, _ = run(excel.validate, payload(path))
    rows = next(a["values"] for a in of(actions, "setValues"))
    assert rows[0][0] == "校验结果：未发现问题"
    assert len(rows) == 2
    assert not [a for a in of(actions, "setRangeColor") if a["args"][0] in (RED, AMBER)]
    assert of(actions, "addNote") == []
    assert of(actions, "rangeSelect") == []


def test_validate_warning_is_amber_and_a_clerks_note_stays(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path)
    # one more application received: the balance breaks (errors), and the narrative's 2
    # applications no longer match the table (a warning), on a cell where the clerk had
    # already written a note
    report = read_report(path)
    new_received = report.tables["requests"]["new_received"]
    edits = {}
    for column in ("natural_person", "total"):
        new_received[column].value += 1
        edits[f"requests.new_received.{column}"] = new_received[column].value
    expected = validate(report).findings
    assert [f.rule for f in expected] == ["requests.balance"] * 2 + ["narrative.matches_table"]
    warning = expected[-1]
    sheet, address = warning.cell.split("!")
    data = payload(path, edits, notes={sheet: [address]})
    actions, sheets = run(excel.validate, data)
    fills = [(where(a, sheets), a["args"][0]) for a in of(actions, "setRangeColor")
             if sheets[a["sheet_position"]] != RESULT_SHEET]
    assert fills == [(f.cell, RED if f.is_error else AMBER) for f in expected]
    assert warning.cell not in {where(a, sheets) for a in of(actions, "addNote")}
    rows = next(a["values"] for a in of(actions, "setValues"))
    assert [row[len(HEADER)] for row in rows[2:] if row[4] == SPEC.rule(warning.rule).title] == [""]  # None


def test_validate_moves_a_reason_typed_in_the_results_sheet_to_the_accepted_sheet(tmp_path: Path) -> None:
    """Seed 001's 统计表 warns at D14 (2.2 blank while its children hold 1 and 1); the clerk types
    why in 校验结果's 核实说明 and clicks 校验 again: 已核实 gets the row, 校验结果 lists it no more."""
    path = tmp_path / "商务局.xlsx"
    save_workbook(read_report(CASES / "001_xihaian_2018.txt"), path)
    data = payload(path)
    actions, _ = run(excel.validate, data)
    data = apply(data, actions)
    results = next(s for s in data["sheets"] if s["name"] == RESULT_SHEET)
    at_id, at_reason = HEADER.index("编号"), HEADER.index("核实说明")
    (row,) = (r for r in results["values"][2:] if r[2] == "统计表!D14")
    row[at_reason] = "2.2 是渠道情况的标题，不填合计"
    actions, _ = run(excel.validate, data)
    assert [a["args"][1] for a in of(actions, "addSheet")] == [SPEC.sheets["accepted"], RESULT_SHEET]
    written, listed = (a["values"] for a in of(actions, "setValues"))  # in that order
    assert written[0] == list(SPEC.findings.accepted_columns)
    assert [r[:6] for r in written[1:]] == [[row[at_id], "父项空白而子项有数", "统计表!D14", "", "",
                                             "2.2 是渠道情况的标题，不填合计"]]
    assert listed[0][0] == "校验结果：共 1 个错误，3 个警告（另有 1 个警告已核实）"
    assert row[at_id] not in [r[at_id] for r in listed[2:]]


def test_validate_a_workbook_that_is_not_standard(tmp_path: Path) -> None:
    data = {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "工作簿1.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": "Sheet1", "values": [["单位", "数量"], ["甲", 3]], "pictures": [],
                        "tables": [], "notes": []}]}
    actions, sheets = run(excel.validate, data)
    assert [a["func"] for a in actions] == ["alert"]
    assert alerts(actions)[0].startswith("当前工作簿不是标准年报工作簿")
    assert sheets == ["Sheet1"]


def test_validate_again_replaces_the_previous_marks(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path)
    edits = {"requests.carried_in.natural_person": 1}
    first, _ = run(excel.validate, payload(path, edits))
    again = apply(payload(path, edits), first)
    actions, sheets = run(excel.validate, again)
    funcs = [a["func"] for a in actions]
    assert funcs.index("sheetDelete") < funcs.index("addSheet")
    assert sheets.count(RESULT_SHEET) == 1


# --- 清除标记 -----------------------------------------------------------------------------------


def test_clear_marks_removes_fills_notes_and_the_sheet_never_values(tmp_path: Path) -> None:
    path = standard_workbook(tmp_path)
    report = read_report(path)
    new_received = report.tables["requests"]["new_received"]
    edits = {f"requests.new_received.{c}": new_received[c].value + 1 for c in ("natural_person", "total")}
    clerks_note = "三、依申请公开", "J4"  # on the narrative warning's cell
    original = payload(path, edits, notes={clerks_note[0]: [clerks_note[1]]})
    marked, sheets_then = run(excel.validate, original)
    filled = {where(a, sheets_then) for a in of(marked, "setRangeColor")
              if sheets_then[a["sheet_position"]] != RESULT_SHEET}
    noted = {where(a, sheets_then) for a in of(marked, "addNote")}
    assert "!".join(clerks_note) in filled - noted

    book = apply(original, marked)
    actions, sheets = run(excel.clear_marks, book)
    names = [s["name"] for s in book["sheets"]]
    cleared = {where(a, names) for a in of(actions, "setRangeColor")}
    assert cleared == filled
    assert all(a["args"] == [None] for a in of(actions, "setRangeColor"))
    assert {where(a, names) for a in of(actions, "deleteNote")} == noted
    assert [names[a["sheet_position"]] for a in of(actions, "sheetDelete")] == [RESULT_SHEET]
    assert RESULT_SHEET not in sheets
    assert of(actions, "setValues") == [] and of(actions, "rangeClearContents") == []
    assert alerts(actions) == []


def test_clear_marks_without_marks_says_so(tmp_path: Path) -> None:
    actions, _ = run(excel.clear_marks, payload(standard_workbook(tmp_path)))
    assert alerts(actions) == ["当前工作簿没有校验标记（没有“校验结果”表）"]
    assert [a["func"] for a in actions] == ["alert"]


# --- 导入报告, 新建空白年报, 关于 -------------------------------------------------------------------


def vba_hex(path: Path) -> str:
    """A path as the ribbon's VBA hands it over (HexText: UTF-16 code units, 4 hex digits)."""
    return str(path).encode("utf-16-be").hex().upper()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The workbooks an entry point opens. Opening a file needs Excel itself (a workbook handed
    over as JSON has no application that opens files), so this records them instead."""
    paths: list[Path] = []
    monkeypatch.setattr(excel, "_open_workbook", lambda app, path: paths.append(path))
    return paths


@pytest.fixture(autouse=True)
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "log" / "nianbao.log"
    monkeypatch.setenv("NIANBAO_LOG", str(path))
    return path


def blank_book() -> dict[str, Any]:
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "Book1", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": "Sheet1", "values": [[]], "pictures": [], "tables": [], "notes": []}]}


def test_import_reports_converts_each_file_beside_it_and_opens_it(tmp_path: Path, opened: list[Path]) -> None:
    folder = tmp_path / "下载 'reports'"
    folder.mkdir()
    good = folder / "淄博市 2021年报.txt"
    shutil.copyfile(CASES / "004_zibo_2021.txt", good)
    other = folder / "杨凌.txt"
    shutil.copyfile(CASES / "003_yangling_2019.txt", other)
    broken = folder / "扫描件.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    actions, _ = run(excel.import_reports, blank_book(), vba_hex(good), vba_hex(broken), vba_hex(other))
    assert opened == [folder / "淄博市 2021年报.xlsx", folder / "杨凌.xlsx"]
    assert read_report(opened[0]).to_json()["tables"] == read_report(good).to_json()["tables"]
    [message] = alerts(actions)
    assert message.startswith("导入 3 个文件：成功 2，失败 1")
    assert f"✗ {broken}：" in message
    assert of(actions, "alert")[0]["args"][3] == "critical"


def test_import_keeps_an_existing_workbook_as_backup(tmp_path: Path, opened: list[Path]) -> None:
    source = tmp_path / "年报.txt"
    shutil.copyfile(CASES / "002_zichuan_2020.txt", source)
    (tmp_path / "年报.xlsx").write_bytes(b"the clerk's earlier file")
    actions, _ = run(excel.import_reports, blank_book(), vba_hex(source))
    assert opened == [tmp_path / "年报.xlsx"]
    assert (tmp_path / "年报.bak.xlsx").read_bytes() == b"the clerk's earlier file"
    assert "原文件已备份为 年报.bak.xlsx" in alerts(actions)[0]


def test_new_blank_saves_a_template_of_the_edition_and_opens_it(
        tmp_path: Path, opened: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    (tmp_path / "Documents").mkdir()
    run(excel.new_blank, blank_book(), "2019")
    run(excel.new_blank, blank_book(), "2019")
    assert opened == [tmp_path / "Documents" / "空白年报（2019年版）.xlsx",
                      tmp_path / "Documents" / "空白年报（2019年版） (2).xlsx"]
    report = read_report(opened[0])
    assert report.meta.edition == "2019"
    assert all(cell.value is None for _, _, _, cell in report.cells())
    actions, _ = run(excel.new_blank, blank_book(), "2030")
    assert alerts(actions)[0].startswith("没有“2030”这个表格版本")


def test_about_names_version_python_and_log(log_file: Path) -> None:
    actions, _ = run(excel.about, blank_book())
    [text] = alerts(actions)
    assert f"nianbao {__version__}" in text and f"xlwings {xw.__version__}" in text
    assert f"Python：{sys.executable}" in text
    assert f"日志：{log_file}" in text


def test_an_unexpected_error_is_a_message_box_and_a_logged_traceback(
        tmp_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(excel, "read_report", broken)
    actions, _ = run(excel.import_reports, blank_book(), vba_hex(CASES / "002_zichuan_2020.txt"))
    [text] = alerts(actions)
    assert text.startswith("出现意外错误，操作未能完成") and str(log_file) in text
    assert "Traceback" not in text
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError: boom" in logged
