"""Files on disk: inputs expanded from folders, workbooks known by content, saving with a backup."""

from __future__ import annotations

import zipfile
from pathlib import Path

from nianbao.files import expand_inputs, is_workbook, save_atomically


def test_expand_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "报告"
    (folder / "下级").mkdir(parents=True)
    for name in ("b.txt", "a.pdf", "下级/c.html", "d.xlsx", "d.bak.xlsx", "d.bak2.xlsx", "~$d.xlsx",
                 ".hidden.txt", "notes.csv"):
        (folder / name).write_text("x", "utf-8")
    named = tmp_path / "单独.txt"
    named.write_text("x", "utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_inputs([folder, named])] == [
        "报告/a.pdf", "报告/b.txt", "报告/下级/c.html", "单独.txt"]
    found = expand_inputs([folder, folder / "b.txt"], workbooks=True, exclude=[folder / "a.pdf"])
    assert [p.name for p in found] == ["b.txt", "d.xlsx", "c.html"]  # each once, sorted by path


def test_is_workbook_by_content(tmp_path: Path) -> None:
    book = tmp_path / "年报.doc"  # a workbook under another name
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    document = tmp_path / "年报.xlsx"
    with zipfile.ZipFile(document, "w") as z:
        z.writestr("word/document.xml", "<document/>")
    assert is_workbook(book) and is_workbook(book.read_bytes())
    assert not is_workbook(document) and not is_workbook(tmp_path) and not is_workbook(tmp_path / "无")
    assert not is_workbook(b"PK\x03\x04 not really a zip")


def test_save_atomically_keeps_the_previous_version(tmp_path: Path) -> None:
    target = tmp_path / "out" / "年报.txt"
    assert save_atomically(target, lambda tmp: tmp.write_text("一", "utf-8")) is None
    backup = save_atomically(target, lambda tmp: tmp.write_text("二", "utf-8"))
    assert backup == target.with_name("年报.bak.txt") and backup.read_text("utf-8") == "一"
    assert save_atomically(target, lambda tmp: tmp.write_text("三", "utf-8")).name == "年报.bak2.txt"
    assert target.read_text("utf-8") == "三"
    assert sorted(p.name for p in target.parent.iterdir()) == ["年报.bak.txt", "年报.bak2.txt", "年报.txt"]
