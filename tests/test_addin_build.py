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

with warnings.catch_warnings():  # oletools 0.60 calls pyparsing's deprecated camelCase names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
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
    assert set(controls) == {"导入报告", "新建空白年报", "校验", "清除标记", "汇总", "关于"}
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
