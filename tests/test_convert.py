"""convert_many, the library behind ``nianbao convert``: one result per file, in order."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.convert import convert_many

from .conftest import CASES


def test_convert_many_gives_one_result_per_file_and_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(b"\x00\x01\x02" * 400)
    files = [CASES / "002_zichuan_2020.txt", bad, CASES / "004_zibo_2021.txt"]
    results = list(convert_many(files, str(tmp_path / "out"), to="json"))
    assert [(Path(r.source).name, r.ok) for r in results] == [
        ("002_zichuan_2020.txt", True), ("坏文件.txt", False), ("004_zibo_2021.txt", True)]
    assert "坏文件.txt" in results[1].line and results[1].line.startswith("✗")
    written = json.loads((tmp_path / "out" / "002_zichuan_2020.json").read_text("utf-8"))
    assert written["meta"]["agency"] == "淄川区招商局"
    assert "淄川区招商局，2020年，2019年版，已填 198/198 格" in results[0].line


def test_convert_many_names_two_sources_of_one_name_apart(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = tmp_path / "a" / "年报.txt"
    second = tmp_path / "b" / "年报.txt"
    first.write_bytes((CASES / "002_zichuan_2020.txt").read_bytes())
    second.write_bytes((CASES / "003_yangling_2019.txt").read_bytes())
    for path in (first, second):
        path.rename(path.with_suffix(".txt" if path.parent.name == "a" else ".md"))
    files = [tmp_path / "a" / "年报.txt", tmp_path / "b" / "年报.md"]
    results = list(convert_many(files, str(tmp_path / "out"), jobs=2))
    assert all(r.ok for r in results)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["年报.md.xlsx", "年报.txt.xlsx"]
