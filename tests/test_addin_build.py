"""nianbao.xlam as `nianbao addin build` makes it, checked without Excel: its VBA read back by
pyOpenVBA and, independently, by olevba; the xlwings module matching the installed xlwings;
every ribbon button wired to a Sub, every Sub to a Python function that imports."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import warnings
import zipfile
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree

import pytest

from nianbao.addin import build
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.spec import load_spec

with warnings.catch_warnings():  # oletools 0.60 calls pyparsing's deprecated camelCase names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
SPEC = load_spec()
RIBBON_SUB = re.compile(r"^Sub (\w+)\(control As IRibbonControl\)\s*$", re.MULTILINE)
RUN_PYTHON = re.compile(r'^\s*RunPython "import ([\w.]+) as (\w+); \2\.(\w+)\((.*)\)"\s*$', re.MULTILINE)


def lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("addin") / "nianbao.xlam"
    assert main(["addin", "build", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def custom_ui(xlam: Path) -> ElementTree.Element:
    with zipfile.ZipFile(xlam) as package:
        return ElementTree.fromstring(package.read(build.CUSTOM_UI))  # well-formed, or this raises


@pytest.fixture(scope="module")
def olevba_modules(xlam: Path) -> dict[str, str]:
    parser = VBA_Parser(str(xlam))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_modules_read_back_exactly(xlam: Path, olevba_modules: dict[str, str]) -> None:
    ours = {build.RIBBON_MODULE: build.ribbon_source(), build.XLWINGS_MODULE: build.xlwings_module_source()}
    read_back = build.addin_modules(xlam)
    for name, source in ours.items():
        assert lines(read_back[name]) == lines(source), name
        assert lines(olevba_modules[name]) == lines(source), name
    with zipfile.ZipFile(xlam) as package:
        template = zipfile.ZipFile(build.xlwings_dir() / build.TEMPLATE)
        assert package.namelist() == template.namelist()
    with build._pyopenvba().ExcelFile(xlam) as book:
        assert book.validate() == []


def test_xlwings_module_is_the_installed_xlwings(xlam: Path) -> None:
    installed = version("xlwings")
    module = build.addin_modules(xlam)[build.XLWINGS_MODULE]
    assert re.search(r'^Public Const XLWINGS_VERSION As String = "(.*)"', module, re.M)[1] == installed
    dlls = set(re.findall(r'Lib "(xlwings(?:32|64)-[^"]+\.dll)"', module))
    assert dlls == {f"xlwings32-{installed}.dll", f"xlwings64-{installed}.dll"}
    assert 'AppleScriptTask("xlwings-" & XLWINGS_VERSION & ".applescript"' in module
    shipped = lines((build.xlwings_dir() / build.XLWINGS_SOURCE).read_text(encoding="utf-8"))
    changed = [(a, b) for a, b in zip(shipped, lines(module), strict=True) if a != b]
    assert changed == [('Public Const PROJECT_NAME As String = "myaddin"',
                        'Public Const PROJECT_NAME As String = "nianbao"')]


def test_every_ribbon_action_has_its_sub(xlam: Path, custom_ui: ElementTree.Element) -> None:
    module = build.addin_modules(xlam)[build.RIBBON_MODULE]
    subs = set(RIBBON_SUB.findall(module))
    actions = {e.get("onAction") for e in custom_ui.iter() if e.get("onAction")}
    assert actions
    for action in actions:
        module_name, _, sub = action.partition(".")
        assert module_name == build.RIBBON_MODULE and sub in subs, action
    assert subs == {a.partition(".")[2] for a in actions}  # no callback left without a button


def test_every_run_python_target_imports() -> None:
    calls = RUN_PYTHON.findall(build.ribbon_source())
    subs = RIBBON_SUB.findall(build.ribbon_source())
    assert len(calls) == len(subs)  # one RunPython line per callback
    for module_name, _, function, arguments in calls:
        target = getattr(importlib.import_module(module_name), function)
        assert callable(target)
        # the VBA passes quoted strings: '" & x & "' each, or a list built in VBA (" & args & ")
        quoted = arguments.count("'\" & ")
        given = ["0041"] * (quoted or (2 if "& args &" in arguments else 0))
        inspect.signature(target).bind(*given)


def test_vba_is_ascii() -> None:
    text = (build.macros_dir() / f"{build.RIBBON_MODULE}.bas").read_bytes()
    assert text.isascii()


def test_ribbon_has_the_buttons(custom_ui: ElementTree.Element) -> None:
    [tab] = custom_ui.findall(".//ui:tab", NS)
    assert tab.get("label") == "年报"
    controls = {e.get("label"): e for e in tab.iter() if e.tag.endswith(("}button", "}menu"))
                and e.get("screentip")}
    assert set(controls) == {"导入报告", "新建空白年报", "校验", "清除标记", "生成Word", "汇总", "关于"}
    for label, control in controls.items():
        assert not control.get("screentip").isascii() and not control.get("supertip").isascii(), label
    editions = [b.get("tag") for b in controls["新建空白年报"].findall("ui:button", NS)]
    assert editions == ["2021", "2019", "legacy"]
    _title, file_filter = controls["导入报告"].get("tag").split("|")
    assert all(f"*{ext}" in file_filter for ext in (".docx", ".doc", ".html", ".pdf", ".txt"))


def test_config_sheet_takes_the_project_name(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert 'name="_nianbao.conf"' in workbook and "myaddin" not in workbook


def test_install_into_a_folder_writes_the_config(xlam: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / ".nianbao" / "nianbao.conf"
    config.parent.mkdir()
    config.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"PYTHONPATH","D:\\code"\n', encoding="utf-8")
    assert main(["addin", "install", "--xlam", str(xlam), "--dir", str(tmp_path / "XLSTART")]) == 0
    assert (tmp_path / "XLSTART" / "nianbao.xlam").read_bytes() == xlam.read_bytes()
    assert config.read_text(encoding="utf-8").splitlines() == [
        f'"INTERPRETER_WIN","{sys.executable}"', '"PYTHONPATH","D:\\code"']
    err = capsys.readouterr().err
    assert "宏已被阻止" in err and "解除锁定" in err and "受信任位置" in err
    assert str(tmp_path / "XLSTART") in err


# --- the add-in from a wheel: package data, the extra, the project's name --------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_sources_have_one_home_that_macros_points_to() -> None:
    package = ROOT / "src" / "nianbao" / "addin" / "macros"
    assert build.macros_dir() == package.resolve()
    assert {p.name for p in package.iterdir()} == set(build.MACRO_SOURCES)
    # the top-level macros/ (the design's place for the VBA) is the same folder, not a copy
    assert (ROOT / "macros").resolve() == package.resolve()


def test_without_the_extra_build_and_install_say_what_to_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    real_find_spec = build.importlib.util.find_spec
    monkeypatch.setattr(build.importlib.util, "find_spec",
                        lambda name, *a: None if name in build.ADDIN_PACKAGES else real_find_spec(name, *a))
    for command in (["addin", "build", "-o", str(tmp_path / "nianbao.xlam")],
                    ["addin", "install", "--dir", str(tmp_path)]):
        assert main(command) != 0
        err = capsys.readouterr().err
        assert 'pip install "nianbao[addin]"' in err and "xlwings 和 pyOpenVBA" in err, err
    assert not list(tmp_path.iterdir())


def test_vba_project_is_named_nianbao(xlam: Path) -> None:
    with build._pyopenvba().ExcelFile(xlam) as book:
        assert book.vba_project().name == "nianbao"
    parser = VBA_Parser(str(xlam))  # read independently, from the dir stream
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from oletools.olevba import VBA_Project
        [(ole, (root, project, directory))] = [(sub.ole_file, p) for sub in parser.ole_subfiles
                                               for p in sub.find_vba_projects() or ()]
        assert VBA_Project(ole, root, project, directory).projectname == "nianbao"
        assert b'Name="nianbao"' in ole.openstream(project).read()
    finally:
        parser.close()


def test_every_ribbon_icon_is_one_of_offices(custom_ui: ElementTree.Element) -> None:
    listed = (ROOT / "tests" / "data" / "imagemso.txt").read_text(encoding="utf-8").splitlines()
    builtin = {line.strip() for line in listed if line.strip() and not line.startswith("#")}
    icons = {e.get("imageMso") for e in custom_ui.iter() if e.get("imageMso")}
    assert len(icons) == 7  # the tab's seven controls each show one
    assert icons <= builtin, icons - builtin


# --- when Python cannot be started ------------------------------------------------------------

TEXT_CONSTANT = re.compile(r'^Private Const TEXT_(\w+) As String = ((?:"[0-9A-F]*"(?: & _\n\s*)?)+)$',
                           re.MULTILINE)


def from_hex(digits: str) -> str:
    """What the VBA's FromHex makes of a constant."""
    return "".join(chr(int(digits[i:i + 4], 16)) for i in range(0, len(digits), 4))


def vba_sub(module: str, name: str) -> str:
    start = re.search(rf"^(Private )?(Sub|Function) {name}\b.*$", module, re.MULTILINE)
    assert start, name
    end = re.compile(r"^End (Sub|Function)\s*$", re.MULTILINE).search(module, start.end())
    return module[start.start():end.end()]


def test_the_ribbon_module_carries_the_specs_messages(xlam: Path) -> None:
    module = "\n".join(lines(build.addin_modules(xlam)[build.RIBBON_MODULE]))
    constants = {key.lower(): from_hex("".join(re.findall(r'"([0-9A-F]*)"', value)))
                 for key, value in TEXT_CONSTANT.findall(module)}
    assert constants == dict(SPEC.addin)  # every text, exactly, and nothing else
    used = set(re.findall(r"\bTEXT_(\w+)\b", re.sub(TEXT_CONSTANT, "", module)))
    assert {u.lower() for u in used} == set(constants)  # each is shown somewhere
    assert module.isascii()


def test_a_python_that_cannot_start_gets_a_chinese_message_before_run_python(xlam: Path) -> None:
    module = "\n".join(lines(build.addin_modules(xlam)[build.RIBBON_MODULE]))
    for sub in RIBBON_SUB.findall(module):
        body = vba_sub(module, sub)
        check = body.index("If Not PythonReady() Then Exit Sub")
        assert check < body.index("RunPython "), sub  # checked before xlwings runs anything
    ready = vba_sub(module, "PythonReady")
    # the interpreter as xlwings reads it (the same config keys, the same config file)
    assert 'GetConfig(key, "")' in ready and '"INTERPRETER_WIN"' in ready and '"INTERPRETER_MAC"' in ready
    assert "MsgBox Filled(problem, interpreter, key, detail), vbCritical, FromHex(TEXT_TITLE)" in ready
    starting = vba_sub(module, "ProblemStarting")
    assert "FileExists(interpreter)" in starting and "TEXT_PYTHON_NOT_FOUND" in starting
    assert 'import nianbao.addin, xlwings' in starting and "TEXT_NIANBAO_MISSING" in starting
    assert "On Error GoTo CannotStart" in starting and "TEXT_PYTHON_CANNOT_START" in starting
    assert "GetConfigFilePath()" in vba_sub(module, "Filled")
    # the xlwings module's functions the handler calls are there (public) in the same project
    xlwings_module = "\n".join(lines(build.addin_modules(xlam)[build.XLWINGS_MODULE]))
    for function in ("GetConfig", "GetConfigFilePath", "FileExists", "IsFullName", "ParentFolder"):
        assert re.search(rf"^(Public )?Function {function}\(", xlwings_module, re.MULTILINE), function


def test_the_messages_say_what_to_do() -> None:
    texts = SPEC.addin
    assert texts["title"] == excel_title()
    for key in ("python_not_configured", "python_not_found", "python_cannot_start", "nianbao_missing"):
        text = texts[key]
        assert not text.isascii() and "nianbao addin install" in text, key
        assert "{config}" in text or "{interpreter}" in text, key
    for key in ("python_not_configured", "python_not_found"):
        assert "请安装 Python" in texts[key] and 'pip install "nianbao[addin]"' in texts[key]
    assert "{key}" in texts["python_not_found"] and "{interpreter}" in texts["python_not_found"]
    assert "{detail}" in texts["python_cannot_start"]
    assert '"{interpreter}" -m pip install "nianbao[addin]"' in texts["nianbao_missing"]


def excel_title() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from nianbao.addin.excel import TITLE
    return TITLE


def test_hexadecimal_constants_continue_over_lines_within_vbas_limits() -> None:
    long_text = "年" * 600
    source = build.vba_text_constants({"long": long_text, "empty": ""})
    assert "\r" not in source
    [(_, value), (_, empty)] = TEXT_CONSTANT.findall(source)
    assert from_hex("".join(re.findall(r'"([0-9A-F]*)"', value))) == long_text
    assert empty == '""'
    assert max(len(line) for line in source.splitlines()) < 1023
    assert source.count("& _") <= 24
    with pytest.raises(NianbaoError):
        build.vba_text_constants({"too_long": "年" * 2000})


def test_the_consolidate_button_asks_for_the_parent_report_last_and_passes_it() -> None:
    body = vba_sub(build.ribbon_source(), "OnConsolidate")
    # after the roster and last year's folder, like those: "" when cancelled, passed as the 4th text
    pick_parent = "parent = PickFile(FromHex(TEXT_PARENT_TITLE), FromHex(TEXT_PARENT_FILTER))"
    order = [body.index(s) for s in ("PickFile(texts(1), texts(2))", "PickFolder(texts(3))", pick_parent,
                                     "RunPython ")]
    assert order == sorted(order)
    assert body.rstrip().splitlines()[-2].strip().endswith("\"', '\" & HexText(parent) & \"')\"")
    assert "Exit Sub" not in body[order[1]:]  # cancelling it does not stop the consolidation
    assert SPEC.addin["parent_title"].startswith("选择本级年报") and "可取消" in SPEC.addin["parent_title"]
    assert "*.docx" in SPEC.addin["parent_filter"] and "*.xlsx" in SPEC.addin["parent_filter"]
