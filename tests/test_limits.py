"""Hostile inputs in the readers and the file layer: each refused with its exact reason and exit
status 2 by convert, validate and consolidate, fast and without a traceback; the limits and
their overrides (NIANBAO_MAX_*)."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nianbao import limits, read_report, save_workbook
from nianbao.cli import main
from nianbao.errors import UnreadableInput, os_reason
from nianbao.readers import read_document
from nianbao.workbook.cells import openpyxl_cells

from . import hostile
from .conftest import CASES

SEED = CASES / "002_zichuan_2020.txt"
ENCRYPTED = ("文件已加密（设置了打开密码），请去掉密码后另存为普通文件再转换"
             "（在 Word/WPS/Excel 中：文件 → 信息 → 保护文档 → 用密码进行加密，清空密码）")
XML_REFUSED = ("文件中的 XML 含有 DTD 或实体声明（XML 外部实体或“实体炸弹”），"
               "正常的 Word/Excel 文件不会有，拒绝读取")
BOMB = "可能是“压缩炸弹”，拒绝读取"


@pytest.fixture(scope="module")
def standard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A standard workbook converted from a seed report: the good file beside every bad one."""
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    save_workbook(read_report(SEED), path)
    return path


@contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail instead of waiting forever (a named pipe opened for reading blocks)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("hung")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _ratio(path: Path) -> int:
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    return info.file_size // info.compress_size


# name → (maker(folder, good workbook) → the file, its reason)
Maker = Callable[[Path, Path], Path]
CASES_HOSTILE: dict[str, tuple[Maker, Callable[[Path], str]]] = {
    "zip bomb .docx (declared 3 GB)": (
        lambda d, good: hostile.bomb_declared(d / "bomb.docx"),
        lambda p: f"文件解压后过大（超过 200.0 MB，可用环境变量 NIANBAO_MAX_INFLATED_MB 调整），{BOMB}"),
    "zip bomb .xlsx (declared 3 GB)": (
        lambda d, good: hostile.bomb_declared(d / "bomb.xlsx", "xl/workbook.xml"),
        lambda p: f"文件解压后过大（超过 200.0 MB，可用环境变量 NIANBAO_MAX_INFLATED_MB 调整），{BOMB}"),
    "zip bomb .docx (150 MB at 1000:1)": (
        lambda d, good: hostile.bomb_ratio(d / "ratio.docx"),
        lambda p: f"文件中的部件 word/document.xml 压缩比异常（{_ratio(p)} 倍，上限 200 倍，"
                  f"可用环境变量 NIANBAO_MAX_RATIO 调整），{BOMB}"),
    "zip bomb .docx (declares 2 KB, inflates to 1 GB)": (
        lambda d, good: hostile.bomb_lying(d / "lying.docx"),
        lambda p: f"文件中的部件 word/document.xml 解压后超出它声明的大小，{BOMB}"),
    "zip bomb .xlsx (styles declare 2 KB, inflate to 1 GB)": (
        lambda d, good: hostile.with_bomb(good, d / "lying.xlsx", "xl/styles.xml"),
        lambda p: f"文件中的部件 xl/styles.xml 解压后超出它声明的大小，{BOMB}"),
    "a .docx of 10,001 parts": (
        lambda d, good: hostile.many_parts(d / "parts.docx", 10_001),
        lambda p: "文件中的部件过多（10001 个，上限 10000 个，可用环境变量 NIANBAO_MAX_PARTS 调整），"
                  "不像是 Word/Excel 文件，拒绝读取"),
    "encrypted zip entry .docx": (
        lambda d, good: hostile.encrypted_entry(d / "entry.docx"), lambda p: ENCRYPTED),
    "Deflate64 .docx": (
        lambda d, good: hostile.unsupported_compression(d / "deflate64.docx"),
        lambda p: "文件中的部件 word/document.xml 使用了不支持的压缩方式（编号 9），"
                  "请在 Word/WPS/Excel 中另存后再转换"),
    "XXE .docx": (lambda d, good: hostile.xxe_docx(d / "xxe.docx"), lambda p: XML_REFUSED),
    "billion laughs .xlsx workbook.xml": (
        lambda d, good: hostile.with_dtd(good, d / "laughs.xlsx", "xl/workbook.xml"), lambda p: XML_REFUSED),
    "billion laughs .xlsx sheet": (
        lambda d, good: hostile.with_dtd(good, d / "laughs_sheet.xlsx", "xl/worksheets/sheet2.xml"),
        lambda p: XML_REFUSED),
    "password-protected .docx (OLE, EncryptionInfo)": (
        lambda d, good: hostile.encrypted_ole(d / "password.docx"), lambda p: ENCRYPTED),
    "password-protected .xlsx (OLE, EncryptionInfo)": (
        lambda d, good: hostile.encrypted_ole(d / "password.xlsx"), lambda p: ENCRYPTED),
    "password-protected .doc (Word 97-2003, fEncrypted)": (
        lambda d, good: hostile.encrypted_doc(d / "password.doc"), lambda p: ENCRYPTED),
    "101 MB text file (sparse)": (
        lambda d, good: hostile.sparse(d / "huge.txt", 101),
        lambda p: "文件过大（101.0 MB，上限 100.0 MB，可用环境变量 NIANBAO_MAX_FILE_MB 调整）"),
    "a table of 500 by 500 cells in a page": (
        lambda d, good: _write(d / "wide.html", "<html><body><table><tr><td rowspan=500 colspan=500>1"
                                                "</td></tr></table></body></html>"),
        lambda p: "第1个表格过大（500 行、500 列，上限 200000 个单元格，"
                  "可用环境变量 NIANBAO_MAX_TABLE_CELLS 调整），不像是年报的表格"),
    "password-protected PDF": (
        lambda d, good: hostile.ruled_pdf(d / "password.pdf", 3, password=True),
        lambda p: "PDF 文件已加密（设置了打开密码），请去掉密码后另存再转换"),
    "a PDF page ruled 100 by 100": (
        lambda d, good: hostile.ruled_pdf(d / "ruled.pdf", 100),
        lambda p: "PDF 第1页的表格线过多（101 条横线、101 条竖线，交叉超过 10000 处，"
                  "可用环境变量 NIANBAO_MAX_PDF_GRID 调整），不像是年报的表格"),
}
CASES_HOSTILE["Word tables nested 300 deep"] = (
    lambda d, good: hostile.nested_docx(d / "nested.docx"),
    lambda p: "Word 文件的表格或段落嵌套过深（超过 256 层），不像是年报")
if hasattr(os, "mkfifo"):
    CASES_HOSTILE["named pipe"] = (lambda d, good: hostile.fifo(d / "pipe.txt"),
                                   lambda p: "这是一个命名管道（FIFO），不是普通文件，不能作为年报读取")
if Path("/dev/null").exists():
    CASES_HOSTILE["a device (a link to /dev/null)"] = (
        lambda d, good: _link(d / "null.txt", Path("/dev/null")),
        lambda p: "这是一个设备文件，不是普通文件，不能作为年报读取")
if hasattr(socket, "AF_UNIX") and sys.platform != "win32":
    CASES_HOSTILE["Unix socket"] = (lambda d, good: hostile.unix_socket(d / "s.txt"),
                                    lambda p: "这是一个套接字（socket），不是普通文件，不能作为年报读取")


def _link(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(params=list(CASES_HOSTILE), ids=list(CASES_HOSTILE))
def bad(request: pytest.FixtureRequest, tmp_path: Path, standard: Path) -> tuple[Path, str]:
    maker, reason = CASES_HOSTILE[request.param]
    path = maker(tmp_path, standard)
    return path, reason(path)


def test_convert_refuses(bad: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, reason = bad
    with no_hang():
        assert main(["convert", str(path), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"✗ {path}：{reason}"]
    assert "Error" not in err and "Traceback" not in err
    assert not (tmp_path / "out.xlsx").exists()


def test_validate_refuses(bad: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, reason = bad
    with no_hang():
        assert main(["validate", str(path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"✗ {path}：{reason}"]
    assert f'"unreadable": "{reason}"' in captured.out


def test_consolidate_lists_and_goes_on(bad: tuple[Path, str], standard: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path, reason = bad
    with no_hang():
        assert main(["consolidate", str(path), str(standard), "-o", str(tmp_path / "汇总.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"✗ {path}：{reason}" in err.splitlines()
    assert "汇总 1 个单位" in err


def test_a_folder_named_like_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "d.txt"
    folder.mkdir()
    assert main(["validate", str(folder)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"✗ {folder}：这是一个文件夹，不是文件"]
    with pytest.raises(UnreadableInput, match="这是一个文件夹，不是文件"):
        read_report(folder)


def test_a_missing_file_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "没有.docx"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"✗ {missing}：文件不存在"]


@pytest.mark.parametrize(("code", "words"), [
    (errno.EACCES, "权限不足，无法访问"), (errno.ENOENT, "文件不存在"), (errno.ENOSPC, "磁盘已满"),
    (errno.EISDIR, "这是一个文件夹，不是文件"), (errno.EROFS, "文件所在的磁盘是只读的"),
    (4242, "系统错误（错误号 4242）"),
])
def test_os_errors_in_chinese(code: int, words: str) -> None:
    assert os_reason(OSError(code, os.strerror(code))) == words


def test_a_file_without_read_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x", "utf-8")
    real_open = os.open

    def denied(path: object, *args: object, **kwargs: object) -> int:
        # chmod 0 does not stop root (CI runs as root): the operating system's answer instead
        if str(path) == str(locked):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(UnreadableInput, match=r"：权限不足，无法访问$"):
        read_report(locked)


def test_limits_are_overridden_by_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NIANBAO_MAX_TEXT_CHARS", "1000")
    assert main(["convert", str(SEED), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"✗ {SEED}：文本过长（超过 1000 个字符，可用环境变量 NIANBAO_MAX_TEXT_CHARS 调整），不像是一份年报"]
    too_long = "文本过长（超过 1000 个字符，可用环境变量 NIANBAO_MAX_TEXT_CHARS 调整），不像是一份年报"
    long_word = hostile.docx(tmp_path / "long.docx", hostile.DOCUMENT.replace("TEXT", "年" * 20_001))
    for long_report in (CASES / "pdf_01_split_table_2021.pdf", long_word):  # counted after reading; by size
        with pytest.raises(UnreadableInput) as caught:
            read_report(long_report)
        assert caught.value.reason == too_long
    monkeypatch.setenv("NIANBAO_MAX_FILE_MB", "1")
    big = hostile.sparse(tmp_path / "big.txt", 2)
    with pytest.raises(UnreadableInput) as caught:
        read_report(big)
    assert caught.value.reason == "文件过大（2.0 MB，上限 1.0 MB，可用环境变量 NIANBAO_MAX_FILE_MB 调整）"
    monkeypatch.setenv("NIANBAO_MAX_FILE_MB", "not a number")  # ignored: the default holds
    assert limits.current().file_bytes == 100 * 1024 * 1024


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = CASES / "pdf_01_split_table_2021.pdf"
    monkeypatch.setenv("NIANBAO_MAX_PDF_PAGES", "3")
    assert main(["validate", str(pdf)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"✗ {pdf}：PDF 页数过多（5 页，上限 3 页，可用环境变量 NIANBAO_MAX_PDF_PAGES 调整），不像是一份年报"]


def test_word_table_limit_and_spans(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    rows = f"<w:tr>{cell}</w:tr>" * 300
    body = f"<w:document {w}><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>"
    path = hostile.docx(tmp_path / "wide.docx", body)
    with pytest.raises(UnreadableInput) as caught:
        read_document(path)
    assert caught.value.reason == ("第1个表格过大（300 行、1000 列，上限 200000 个单元格，"
                                   "可用环境变量 NIANBAO_MAX_TABLE_CELLS 调整），不像是年报的表格")
    monkeypatch.setenv("NIANBAO_MAX_TABLE_CELLS", "300000")  # a span is at most 1000 columns
    assert len(read_document(path).blocks[0].rows[0]) == 1000  # type: ignore[union-attr]


def test_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(limits.time, "monotonic", lambda: now[0])
    monkeypatch.setenv("NIANBAO_MAX_SECONDS", "5")
    limits.check_time("x.pdf")  # outside a clock: no budget
    with limits.clock():
        now[0] += 4
        limits.check_time("x.pdf")
        now[0] += 2
        with pytest.raises(UnreadableInput) as caught:
            limits.check_time("x.pdf")
        assert caught.value.reason == ("读取超时：超过 5 秒仍未读完，已停止"
                                       "（可用环境变量 NIANBAO_MAX_SECONDS 调整）")
    limits.check_time("x.pdf")  # the budget ended with the file


def test_web_pages_never_expand_entities(tmp_path: Path) -> None:
    page = _write(tmp_path / "page.html", '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                  '<!ENTITY a "展开了">]><html><body><p>甲&xxe;乙&a;丙</p></body></html>')
    text = " ".join(getattr(b, "text", "") for b in read_document(page).blocks)
    assert "展开了" not in text and "root:" not in text


def test_openpyxl_path_refuses_entities(standard: Path, tmp_path: Path) -> None:
    laughs = hostile.with_dtd(standard, tmp_path / "laughs.xlsx", "xl/worksheets/sheet2.xml")
    with pytest.raises(UnreadableInput) as caught:
        openpyxl_cells(laughs)
    assert caught.value.reason == XML_REFUSED


@pytest.mark.skipif(sys.platform == "win32", reason="resource is a Unix module")
def test_bombs_are_refused_without_inflating(tmp_path: Path, standard: Path) -> None:
    """A gigabyte bomb is refused having held a megabyte at a time (benchmarks/hostile.py
    measures the time and memory of every case)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in (hostile.bomb_lying(tmp_path / "a.docx"), hostile.with_bomb(standard, tmp_path / "b.xlsx",
                                                                             "xl/worksheets/sheet1.xml")):
        with pytest.raises(UnreadableInput, match=BOMB):
            read_report(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_the_readme_lists_every_limit() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("## Limits and safety"):readme.index("## Canonical JSON")]
    for limit in limits.LIMITS.values():
        row = next(line for line in section.splitlines() if f"`{limit.variable}`" in line)
        shown = row.split("|")[2].strip().split()[0].replace(",", "")
        assert int(shown) == limit.default, limit
