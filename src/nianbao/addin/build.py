"""nianbao.xlam, assembled without Excel, and installed where Excel loads it.

The starting point is the ``quickstart_addin_ribbon.xlam`` that ships inside the installed
xlwings package (what ``xlwings quickstart --addin --ribbon`` copies). Three parts change:

- the ``xlwings`` module gets the installed package's own custom add-in source
  (``xlwings_custom_addin.bas``), because it hard-codes the xlwings version and DLL names and
  must match the Python side exactly; only its ``PROJECT_NAME`` is set to ``nianbao`` (the
  renaming xlwings documents), so the add-in reads its own ``nianbao.conf``;
- the ribbon module ``RibbonMyAddin`` gets ``macros/RibbonMyAddin.bas``;
- ``customUI/customUI.xml`` becomes ``macros/customUI.xml``.

``macros/`` is package data (``nianbao/addin/macros``, which the repository's top-level
``macros`` points to), so a wheel builds the add-in as a source checkout does. pyOpenVBA
rewrites the module sources in place (module names and the project's structure stay as Excel
wrote them). This module does not import xlwings: it reads the package's files.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import NianbaoError
from ..files import save_atomically
from ..spec import load_spec
from . import PROJECT_NAME, config_path

__all__ = [
    "ADDIN_PACKAGES",
    "CUSTOM_UI",
    "MACRO_SOURCES",
    "RIBBON_MODULE",
    "TEMPLATE",
    "VBA_PROJECT",
    "XLWINGS_MODULE",
    "addin_modules",
    "build_addin",
    "custom_ui_source",
    "install_addin",
    "macros_dir",
    "require_addin_packages",
    "ribbon_source",
    "trust_advice",
    "vba_text_constants",
    "xlwings_dir",
    "xlwings_module_source",
]

TEMPLATE = "quickstart_addin_ribbon.xlam"
XLWINGS_MODULE = "xlwings"
XLWINGS_SOURCE = "xlwings_custom_addin.bas"
RIBBON_MODULE = "RibbonMyAddin"
CUSTOM_UI = "customUI/customUI.xml"
VBA_PROJECT = "xl/vbaProject.bin"
MACRO_SOURCES = (f"{RIBBON_MODULE}.bas", "customUI.xml")  # in macros/
_TEMPLATE_PROJECT = "myaddin"
_EDITIONS_MARKER = re.compile(r"^( *)<!-- editions:[^>]*-->\n", re.MULTILINE)
_TEXTS_MARKER = re.compile(r"^' @texts:.*$", re.MULTILINE)
_HEX_PER_LINE = 200  # well inside VBA's 1,023 characters a line
_VBA_CONTINUATIONS = 24  # VBA's limit of line continuations in one statement
_PROJECT_NAME_LINE = re.compile(rb'^Name="[^"]*"', re.MULTILINE)
_PROJECT_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.MULTILINE)


# what the add-in needs besides the core: the distributions of the extra nianbao[addin]
ADDIN_PACKAGES = {"xlwings": "xlwings", "pyopenvba": "pyOpenVBA"}  # module → distribution


def require_addin_packages() -> None:
    """Refuse, saying what to install, when the extra nianbao[addin] is not installed."""
    missing = [name for module, name in ADDIN_PACKAGES.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise NianbaoError(f"Excel 加载项需要 {' 和 '.join(missing)}，当前的 Python（{sys.executable}）"
                           '没有安装。请运行：pip install "nianbao[addin]"')


def xlwings_dir() -> Path:
    """The installed xlwings package's folder (found without importing it)."""
    require_addin_packages()
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise NianbaoError('xlwings 没有正确安装：请运行 pip install --force-reinstall "nianbao[addin]"')
    return Path(next(iter(spec.submodule_search_locations)))


def xlwings_version() -> str:
    """The installed xlwings' version, as its VBA hard-codes it."""
    from importlib.metadata import version

    return version("xlwings")


def macros_dir() -> Path:
    """The VBA and ribbon XML sources: $NIANBAO_MACROS, else the package's own ``macros``
    (the same folder in a source checkout and in an installed wheel)."""
    env = os.environ.get("NIANBAO_MACROS")
    folder = Path(env) if env else Path(__file__).resolve().parent / "macros"
    if not all((folder / name).is_file() for name in MACRO_SOURCES):
        raise NianbaoError(f"找不到加载项的宏源文件（{folder}）：nianbao 的安装不完整，"
                           '请重新安装：pip install --force-reinstall "nianbao[addin]"')
    return folder


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def xlwings_module_source() -> str:
    """The installed xlwings' custom add-in module, with PROJECT_NAME set to nianbao."""
    text = (xlwings_dir() / XLWINGS_SOURCE).read_text(encoding="utf-8")
    text, count = _PROJECT_LINE.subn(rf'\1"{PROJECT_NAME}"', text)
    if count != 1:
        raise NianbaoError(f"xlwings {xlwings_version()} 的 {XLWINGS_SOURCE} 中找不到 PROJECT_NAME，"
                           "无法生成加载项")
    return _crlf(text)


def ribbon_source() -> str:
    """Our ribbon callbacks (macros/RibbonMyAddin.bas), with the spec's [addin] texts written
    in at its ``' @texts`` line as ``TEXT_<KEY>`` constants."""
    text = (macros_dir() / f"{RIBBON_MODULE}.bas").read_text(encoding="ascii")
    text, count = _TEXTS_MARKER.subn(lambda _: vba_text_constants(load_spec().addin), text)
    if count != 1:
        raise NianbaoError(f"macros/{RIBBON_MODULE}.bas 缺少提示文字的位置（' @texts …）")
    return _crlf(text)


def vba_text_constants(texts: Mapping[str, str]) -> str:
    """``Private Const TEXT_<KEY> As String = "<hex>"`` per text: each UTF-16 code unit as four
    hexadecimal digits (the VBA's FromHex reads them back), so that the VBA source stays ASCII
    whatever the system's code page; long texts continue over lines, as VBA allows."""
    lines = []
    for key, value in texts.items():
        digits = value.encode("utf-16-be").hex().upper()
        chunks = [f'"{digits[i:i + _HEX_PER_LINE]}"' for i in range(0, len(digits), _HEX_PER_LINE)] or ['""']
        if len(chunks) > _VBA_CONTINUATIONS + 1:
            raise NianbaoError(f"[addin] 中的 {key} 太长，VBA 写不下（至多 "
                               f"{(_VBA_CONTINUATIONS + 1) * _HEX_PER_LINE // 4} 个字符）")
        lines.append(f"Private Const TEXT_{key.upper()} As String = " + " & _\n    ".join(chunks))
    return "\n".join(lines)


def _pyopenvba():
    require_addin_packages()
    import pyopenvba

    return pyopenvba


def custom_ui_source() -> str:
    """macros/customUI.xml with the 新建空白年报 menu's buttons, one per edition of the spec."""
    text = (macros_dir() / "customUI.xml").read_text(encoding="utf-8")
    marker = _EDITIONS_MARKER.search(text)
    if marker is None:
        raise NianbaoError("macros/customUI.xml 缺少表格版本按钮的位置（<!-- editions … -->）")
    indent = marker.group(1)
    buttons = "".join(
        f'{indent}<button id="nianbaoNew{key.capitalize()}" label="{escape(edition.menu_label)}" '
        f'tag="{escape(key)}"\n{indent}        onAction="RibbonMyAddin.OnNewBlank"/>\n'
        for key, edition in load_spec().editions.items())
    return text[:marker.start()] + buttons + text[marker.end():]


def build_addin(output: str | Path) -> Path:
    """Assemble nianbao.xlam at ``output`` (replacing an earlier build); returns its path."""
    pyopenvba = _pyopenvba()  # refuses first when the extra nianbao[addin] is not installed
    output = Path(output)
    template = xlwings_dir() / TEMPLATE
    modules = {XLWINGS_MODULE: xlwings_module_source(), RIBBON_MODULE: ribbon_source()}
    custom_ui = custom_ui_source().encode("utf-8")

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory() as work:
            staged = Path(work) / "staged.xlam"
            shutil.copyfile(template, staged)
            with pyopenvba.ExcelFile(staged) as book:
                for name, source in modules.items():
                    book.set_module(name, source)
                book.save()  # also empties the project's compiled cache: Excel compiles the sources
            with zipfile.ZipFile(staged) as package:
                project = _named_project(package.read(VBA_PROJECT), PROJECT_NAME)
            _replace_parts(staged, tmp, {CUSTOM_UI: custom_ui, VBA_PROJECT: project})

    save_atomically(output, write, backup=False)  # a build product, made again at will
    return output


def _named_project(vba_project: bytes, name: str) -> bytes:
    """The VBA project (``vbaProject.bin``) renamed: the VBA editor and Excel's error messages
    show ``name`` (nianbao (nianbao.xlam)), not the template's MyAddin. The name stands in the
    PROJECT stream's ``Name=`` line and in the dir stream's PROJECTNAME record ([MS-OVBA]
    2.3.1, 2.3.4.2.1.6), which follows records that all have a size field."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_project)
    text, count = _PROJECT_NAME_LINE.subn(f'Name="{name}"'.encode("ascii"), cfb.get_stream("PROJECT"), 1)
    directory = decompress(cfb.get_stream_in_storage("VBA", "dir"), stream_name="dir")
    pos, renamed = 0, False
    while not renamed and pos + 6 <= len(directory):
        record, size = struct.unpack_from("<HI", directory, pos)
        if record in (0x0009, 0x000F, 0x0010):  # PROJECTVERSION, the modules: past the name
            break
        if record == 0x0004:  # PROJECTNAME
            encoded = name.encode("ascii")
            directory = (directory[:pos] + struct.pack("<HI", record, len(encoded)) + encoded
                         + directory[pos + 6 + size:])
            renamed = True
        pos += 6 + size
    if count != 1 or not renamed:
        raise NianbaoError("xlwings 的加载项模板中找不到 VBA 工程的名称，无法生成加载项")
    cfb.write_stream("PROJECT", text)
    cfb.write_stream_in_storage("VBA", "dir", compress(directory))
    return cfb.to_bytes()


def _replace_parts(source: Path, target: Path, parts: dict[str, bytes]) -> None:
    """Copy a zip package entry by entry, with some entries' contents replaced; the config
    sheet of the template takes the add-in's project name (inactive, as xlwings ships it)."""
    sheet = {f'name="_{_TEMPLATE_PROJECT}.conf"'.encode(): f'name="_{PROJECT_NAME}.conf"'.encode()}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = parts.get(info.filename, old.read(info))
            if info.filename == "xl/workbook.xml":
                for a, b in sheet.items():
                    data = data.replace(a, b)
            new.writestr(info, data)


def addin_modules(path: str | Path) -> dict[str, str]:
    """The VBA modules of an .xlam, read back (module name → source)."""
    with _pyopenvba().ExcelFile(path) as book:
        return book.vba_modules()


# --- installing ------------------------------------------------------------------------------


def trust_advice(installed: Path | None) -> str:
    """What to do when Excel blocks the add-in's macros (files from the internet, policies)."""
    where = installed.parent if installed else "加载项所在的文件夹"
    return f"""如果 Excel 提示“宏已被阻止”或“安全风险”，或者功能区上没有出现“年报”选项卡：
  1. 解除锁定：在资源管理器中右键单击 nianbao.xlam →“属性”→ 勾选“解除锁定”→“确定”，然后重新启动 Excel。
     （从网上或邮件得到的文件带有“来自 Internet”的标记，Excel 会阻止其中的宏。）
  2. 受信任位置：Excel →“文件”→“选项”→“信任中心”→“信任中心设置”→“受信任位置”→
     “添加新位置”，添加 {where}。
  3. 单位统一管理的电脑上，宏可能被组策略禁止：请信息化部门把上述文件夹设为受信任位置，
     或为 nianbao.xlam 签名。
  macOS：第一次打开时选择“启用宏”；如果没有提示，到 Excel →“偏好设置”→“安全性”中允许宏。"""


def _write_config(python: str) -> Path:
    """Tell the add-in's VBA which Python to run (the one nianbao is installed in); other
    settings already in the file are kept."""
    path = config_path()
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    # VBA's Input # reads the file in the system's ANSI code page on Windows
    encoding = "mbcs" if sys.platform == "win32" else "utf-8"
    lines = []
    if path.is_file():
        lines = [line for line in path.read_text(encoding=encoding).splitlines()
                 if not line.upper().startswith(f'"{key}"')]
    lines.insert(0, f'"{key}","{python}"')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def install_addin(xlam: str | Path, folder: str | Path | None = None) -> tuple[Path | None, list[str]]:
    """Install nianbao.xlam: into ``folder`` when given, else into Excel's startup folder
    through ``xlwings addin install --file``; and write the add-in's config (this Python).
    Returns where it went (None when that failed) and what to tell the user."""
    require_addin_packages()  # the add-in runs this Python, which needs xlwings
    xlam = Path(xlam)
    config = _write_config(sys.executable)
    messages = [f"✓ 配置：{config}（加载项用 {sys.executable} 运行）"]
    if folder is not None:
        target = Path(folder) / xlam.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(xlam, target)
        messages.append(f"✓ 已复制到 {target}；在 Excel 中：“文件”→“选项”→“加载项”→“转到”→“浏览”，选中它")
        return target, messages
    # xlwings finds the startup folder through a running (or started) Excel
    command = [sys.executable, "-c", "from xlwings.cli import main; main()",
               "addin", "install", "--file", str(xlam)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0 and "Successfully installed" in output:
        messages.append(f"✓ {output.splitlines()[-1]}")
        return xlam, messages
    reason = output.splitlines()[-1] if output else f"exit {done.returncode}"
    messages.append(f"✗ 未能自动安装到 Excel 的启动文件夹（xlwings：{reason}）。"
                    f"请手工安装：Excel →“文件”→“选项”→“加载项”→“转到”→“浏览”，选中 {xlam}")
    return None, messages
