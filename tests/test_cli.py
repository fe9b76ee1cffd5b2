"""The command line: conversions, batches that go on past bad files, and clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.cli import main

from .conftest import CASES

SEED = CASES / "002_zichuan_2020.txt"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_convert_one_file_to_a_named_workbook(tmp_path, capsys) -> None:
    out = tmp_path / "年报.xlsx"
    assert main(["convert", str(SEED), "-o", str(out)]) == 0
    assert out.is_file()
    err = capsys.readouterr().err
    assert "淄川区招商局，2020年，2019年版，已填 198/198 格" in err


def test_existing_output_is_backed_up_not_overwritten(tmp_path, capsys) -> None:
    out = tmp_path / "年报.xlsx"
    out.write_bytes(b"the clerk's own file")
    assert main(["convert", str(SEED), "-o", str(out)]) == 0
    assert (tmp_path / "年报.bak.xlsx").read_bytes() == b"the clerk's own file"
    assert "年报.bak.xlsx" in capsys.readouterr().err


def test_batch_goes_on_past_bad_files(tmp_path, capsys) -> None:
    missing = tmp_path / "不存在.txt"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    no_tables = tmp_path / "notes.txt"
    no_tables.write_text("这是一段没有表格的文字。\n", "utf-8")
    pdf = tmp_path / "scan.txt"
    pdf.write_bytes(b"%PDF-1.4\n")
    out = tmp_path / "out"
    args = ["convert", str(SEED), str(missing), str(binary), str(empty), str(no_tables), str(pdf),
            str(CASES / "004_zibo_2021.txt"), "-o", str(out)]
    assert main(args) == 2
    # named by agency and year (read by hand in the seeds' titles), with the run's manifest
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.csv", "manifest.jsonl", "淄博市投资促进局_2021.xlsx", "淄川区招商局_2020.xlsx"]
    lines = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    statuses = [json.loads(line)["status"] for line in lines]
    assert sorted(statuses) == ["failed"] * 5 + ["ok"] * 2
    err = capsys.readouterr().err
    failures = [line for line in _lines(err) if line.startswith("✗")]
    assert len(failures) == 5
    assert any("不存在.txt：文件不存在" in f for f in failures)
    assert any("binary.txt" in f and "二进制" in f for f in failures)
    assert any("empty.txt：文件是空的" in f for f in failures)
    assert any("notes.txt：没有找到年报表格" in f for f in failures)
    assert "成功 2，失败 5" in err


def test_json_to_stdout(capsys) -> None:
    assert main(["convert", str(SEED), "--to", "json", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "nianbao/1" and data["meta"]["edition"] == "2019"


def test_json_files_in_a_folder(tmp_path) -> None:
    assert main(["convert", str(SEED), str(CASES / "004_zibo_2021.txt"), "--to", "json",
                 "-o", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "淄博市投资促进局_2021.json").read_text("utf-8"))["meta"]["year"] == 2021


def test_workbook_converts_back_to_json(tmp_path, capsys) -> None:
    book = tmp_path / "b.xlsx"
    assert main(["convert", str(SEED), "-o", str(book)]) == 0
    capsys.readouterr()
    assert main(["convert", str(book), "--to", "json", "-o", "-"]) == 0
    from_book = json.loads(capsys.readouterr().out)
    assert main(["convert", str(SEED), "--to", "json", "-o", "-"]) == 0
    assert from_book == json.loads(capsys.readouterr().out)


def test_help_explains_itself(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["convert", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "标准 Excel 工作簿" in out and "--to" in out and "退出码为 2" in out


@pytest.mark.parametrize("content", [None, bytes(range(256)) * 4])
def test_console_script_gives_one_line_and_status_2(tmp_path, content: bytes | None) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "convert", str(path), "-o", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(_lines(result.stderr)) == 1 and str(Path(path)) in result.stderr


def test_template_check(capsys) -> None:
    assert main(["template", "build", "--check"]) == 0


def test_a_folder_converts_every_report_in_it_in_parallel(tmp_path, capsys) -> None:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    for name in ("002_zichuan_2020.txt", "004_zibo_2021.txt"):
        (folder / name).write_bytes((CASES / name).read_bytes())
    (folder / "sub" / "001_xihaian_2018.txt").write_bytes((CASES / "001_xihaian_2018.txt").read_bytes())
    (folder / "~$lock.docx").write_bytes(b"office lock file")
    (folder / "notes.md").write_text("not a report", "utf-8")
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-o", str(out), "-j", "2"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.csv", "manifest.jsonl", "淄博市投资促进局_2021.xlsx", "淄川区招商局_2020.xlsx",
        "青岛西海岸新区商务局_2018.xlsx"]
    err = capsys.readouterr().err
    assert "共 3 个文件：成功 3，失败 0" in err


def test_an_empty_folder_says_so(tmp_path, capsys) -> None:
    assert main(["convert", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "没有找到可转换的文件" in capsys.readouterr().err


def test_the_console_script_ends_without_teardown_yet_says_everything(tmp_path) -> None:
    """``run`` ends the process with os._exit once the command is done: what was printed to a
    pipe is all there (flushed first), the exit status is the command's, the output written."""
    broken = tmp_path / "坏.txt"
    broken.write_text("不是年报", encoding="utf-8")
    command = [sys.executable, "-c", "from nianbao.cli import run; run()", "validate", str(SEED), str(broken),
               "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2  # one file could not be read
    results = [json.loads(line) for line in done.stdout.splitlines()]  # one JSON object a file
    assert [(r["source"], r["valid"]) for r in results] == [(SEED.name, True), ("坏.txt", False)]
    assert "坏.txt" in done.stderr
