"""``nianbao convert`` in bulk: the manifest, resuming, safe names, the engines, the dataset."""

from __future__ import annotations

import csv
import json
import sys
import types
from pathlib import Path

import pytest

from nianbao import Report, read_report, report_json
from nianbao.cli import main
from nianbao.convert import BulkOptions, BulkRun, engines, report_stem, safe_stem
from nianbao.convert.names import NameRegistry
from nianbao.convert.task import Task, run_task

from .conftest import CASES

GOOD = {  # real reports: what each becomes (agency and year read by hand from the sources)
    "002_zichuan_2020.txt": "淄川区招商局_2020.xlsx",
    "004_zibo_2021.txt": "淄博市投资促进局_2021.xlsx",
    "html_pingtan_2019.html": "平潭综合实验区_2019.xlsx",
}
BAD = {  # hand-made bad files and the reason each is refused
    "空.txt": (b"", "文件是空的"),
    "二进制.txt": (bytes(range(256)) * 8, "二进制"),
    "没有表格.txt": ("这是一段没有表格的文字。\n".encode(), "没有找到年报表格"),
}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "报告"
    (folder / "乙区").mkdir(parents=True)
    for i, name in enumerate(GOOD):
        target = folder / ("乙区" if i == 2 else "") / name
        target.write_bytes((CASES / name).read_bytes())
    for name, (data, _) in BAD.items():
        (folder / name).write_bytes(data)
    return folder


def _manifest(out: Path) -> list[dict]:
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        from_csv = list(csv.DictReader(handle))
    assert [r["source"] for r in from_csv] == [r["source"] for r in rows]
    assert [r["status"] for r in from_csv] == [r["status"] for r in rows]
    return rows


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {Path(r["source"]).name: r for r in rows}


def test_a_mixed_folder_converts_every_good_file_and_lists_every_bad_one(tmp_path: Path, capsys) -> None:
    folder, out = _folder(tmp_path), tmp_path / "输出"
    assert main(["convert", str(folder), "-o", str(out), "--manifest", "-j", "2"]) == 2
    assert (out / "manifest.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert sorted(p.name for p in out.iterdir()) == sorted([*GOOD.values(), "manifest.csv", "manifest.jsonl"])
    for name, output in GOOD.items():  # right: the workbook holds what the source says
        assert report_json(read_report(out / output)) == report_json(read_report(CASES / name))
    rows = _by_name(_manifest(out))
    assert len(rows) == 6
    for name, output in GOOD.items():
        row = rows[name]
        assert (row["status"], row["reason"], row["failed_at"]) == ("ok", "", "")
        assert Path(row["output"]).name == output
        assert row["errors"] == 0 and isinstance(row["warnings"], int) and row["version"]
        assert len(row["sha256"]) == 64
    for name, (_, reason) in BAD.items():
        row = rows[name]
        assert (row["status"], row["failed_at"], row["output"]) == ("failed", "source", "")
        assert reason in row["reason"]
    assert rows["html_pingtan_2019.html"]["format"] == "html"
    assert rows["004_zibo_2021.txt"]["edition"] == "2021"
    assert rows["004_zibo_2021.txt"]["unmapped"] == 4  # as the one-file conversion says (未归位 4 处)
    err = capsys.readouterr().err
    assert "共 6 个文件：成功 3，失败 3" in err
    assert "按格式：文本 2（失败 3），网页 1" in err and "按版本：2019年版 2，2021年版 1" in err


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, count: int) -> list[str]:
    """run_task as usual for ``count`` files, then Ctrl-C; the names it converted."""
    converted: list[str] = []

    def interrupted(task: Task):
        if len(converted) == count:
            raise KeyboardInterrupt
        outcome = run_task(task)
        if outcome.status != "skipped":
            converted.append(Path(task.source).name)
        return outcome

    monkeypatch.setattr(engines, "run_task", interrupted)
    return converted


def test_an_interrupted_run_keeps_what_is_finished_and_the_next_converts_only_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    folder, out = _folder(tmp_path), tmp_path / "输出"
    first = _interrupt_after(monkeypatch, 2)
    assert main(["convert", str(folder), "-o", str(out), "--manifest", "-j", "1"]) == 130
    last = capsys.readouterr().err.rstrip().splitlines()[-1]
    assert last == "nianbao：已中断；已完成的文件保留，正在写的文件未改动"
    assert len(first) == 2
    rows = _manifest(out)
    assert [Path(r["source"]).name for r in rows] == first  # a valid manifest of what finished
    assert not list(out.glob(".*"))  # no temporary file left
    monkeypatch.undo()
    second = _interrupt_after(monkeypatch, 100)
    assert main(["convert", str(folder), "-o", str(out), "--manifest", "-j", "1"]) == 2
    assert sorted(second) == sorted((set(GOOD) | set(BAD)) - set(first))  # only the rest
    rows = _by_name(_manifest(out))
    assert {rows[n]["status"] for n in first} == {"skipped"}
    assert sum(r["status"] == "ok" for r in rows.values()) + sum(
        r["status"] == "skipped" and r["output"] != "" for r in rows.values()) == 3
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted(GOOD.values())


def test_a_second_run_converts_nothing_and_force_redoes_everything(tmp_path: Path, capsys) -> None:
    folder, out = _folder(tmp_path), tmp_path / "输出"
    args = ["convert", str(folder), "-o", str(out), "--manifest", "-j", "1"]
    assert main(args) == 2
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.xlsx")}
    capsys.readouterr()
    assert main(args) == 2  # the bad files are still bad (unchanged, not tried again)
    err = capsys.readouterr().err
    assert "共 6 个文件：成功 0，失败 0，跳过 6（未改动，其中上次失败 3）" in err
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.xlsx")} == before
    rows = _by_name(_manifest(out))
    assert len(rows) == 6 and {r["status"] for r in rows.values()} == {"skipped"}
    assert "没有找到年报表格" in rows["没有表格.txt"]["reason"]
    assert Path(rows["002_zichuan_2020.txt"]["output"]).name == GOOD["002_zichuan_2020.txt"]
    (folder / "没有表格.txt").write_bytes((CASES / "003_yangling_2019.txt").read_bytes())  # changed
    assert main(args) == 2
    assert "成功 1，失败 0，跳过 5（未改动，其中上次失败 2）" in capsys.readouterr().err
    assert main([*args, "--force"]) == 2
    assert "共 6 个文件：成功 4，失败 2" in capsys.readouterr().err
    assert sorted(p.name for p in out.glob("*.bak.xlsx")) == sorted(
        [n.replace(".xlsx", ".bak.xlsx") for n in GOOD.values()] + ["杨陵区招商服务二局_2019.bak.xlsx"])


def test_names_are_safe_on_every_file_system() -> None:
    assert safe_stem("../../x") == "_._x"
    assert safe_stem('a<b>c:d"e/f\\g|h?i*j\x01k') == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe_stem("CON") == "_CON" and safe_stem("lpt1.txt") == "_lpt1.txt"
    assert safe_stem("CONSOLE") == "CONSOLE"
    assert safe_stem(" . ") == "年报" and safe_stem("..") == "年报" and safe_stem("名称. ") == "名称"
    long = safe_stem("很" * 200)
    assert len(long.encode("utf-8")) <= 180 and long == "很" * 60
    assert report_stem("青岛西海岸新区商务局", 2018, "x/001.txt") == "青岛西海岸新区商务局_2018"
    assert report_stem(None, 2018, "x/001.txt") == "001" and report_stem("某局", None, "x/NUL.txt") == "_NUL"


def test_an_agency_that_names_a_path_stays_in_the_output_folder(tmp_path: Path) -> None:
    folder, out = tmp_path / "报告", tmp_path / "deep" / "输出"
    folder.mkdir()
    text = (CASES / "004_zibo_2021.txt").read_text("utf-8")
    text = text.replace("淄博市投资促进局\n", "../../淄博/投资促进局\n", 1)
    (folder / "越界.txt").write_text(text, "utf-8")
    assert read_report(folder / "越界.txt").meta.agency == "../../淄博/投资促进局"
    run = BulkRun([folder], BulkOptions(out, jobs=1, manifest=True, names="agency"))
    [done] = list(run)
    assert done.output == out / "_._淄博_投资促进局_2021.xlsx" and done.output.is_file()
    assert [p.name for p in tmp_path.rglob("*.xlsx")] == [done.output.name]


def test_two_reports_of_one_agency_and_year_the_earlier_source_keeps_the_plain_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = tmp_path / "报告", tmp_path / "输出"
    for sub in ("a", "b", "c"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "年报.txt").write_bytes((CASES / "002_zichuan_2020.txt").read_bytes())
    real = engines.run_local

    def last_first(tasks, jobs):  # the results arrive in the reverse of the input order
        yield from reversed(list(real(tasks, jobs)))

    monkeypatch.setattr("nianbao.convert.bulk.run_local", last_first)
    done = list(BulkRun([folder], BulkOptions(out, jobs=1, manifest=True, names="agency")))
    assert [Path(d.outcome.source).parent.name for d in done] == ["c", "b", "a"]
    assert done[1].notes == (
        "  淄川区招商局_2020.xlsx 改名为 淄川区招商局_2020_2.xlsx（同一单位同一年度的报告按输入顺序编号）",)
    rows = _manifest(out)
    assert [(Path(r["source"]).parent.name, Path(r["output"]).name) for r in rows] == [
        ("c", "淄川区招商局_2020_3.xlsx"), ("b", "淄川区招商局_2020_2.xlsx"), ("a", "淄川区招商局_2020.xlsx")]
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "淄川区招商局_2020.xlsx", "淄川区招商局_2020_2.xlsx", "淄川区招商局_2020_3.xlsx"]
    assert not list(out.glob("*.bak*"))


def test_the_registry_gives_earlier_runs_names_to_no_one_else(tmp_path: Path) -> None:
    registry = NameRegistry()
    registry.reserve(tmp_path / "局_2020.xlsx", "earlier")
    assert registry.claim(tmp_path, "局_2020", ".xlsx", 0, "new") == (tmp_path / "局_2020_2.xlsx", None)
    assert registry.claim(tmp_path, "局_2020", ".xlsx", 3, "later") == (tmp_path / "局_2020_3.xlsx", None)
    assert registry.claim(tmp_path, "局_2020", ".xlsx", 2, "new2") == (tmp_path / "局_2020_3.xlsx", 3)
    assert registry.claim(tmp_path, "局_2020", ".xlsx", 5, "earlier") == (tmp_path / "局_2020.xlsx", None)


def test_mirror_keeps_the_input_folders(tmp_path: Path, capsys) -> None:
    folder, out = _folder(tmp_path), tmp_path / "输出"
    assert main(["convert", str(folder), "-o", str(out), "--mirror", "--names", "source", "-j", "1"]) == 2
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")) == [
        "002_zichuan_2020.xlsx", "004_zibo_2021.xlsx", "乙区/html_pingtan_2019.xlsx"]


def test_the_pool_takes_its_tasks_lazily(tmp_path: Path) -> None:
    pulled = []

    def tasks():
        for i in range(40):
            pulled.append(i)
            yield Task(i, str(tmp_path / f"不存在{i}.txt"), str(tmp_path))

    ahead = []
    for n, outcome in enumerate(engines.run_local(tasks(), 2), 1):
        assert outcome.status == "failed" and "文件不存在" in outcome.reason
        ahead.append(len(pulled) - n)
    # in flight: the window (4 per process), and those finished together waiting to be shown
    assert max(ahead) <= 2 * engines.WINDOW * 2 and ahead[0] < 39 and len(pulled) == 40


def test_dask_gives_the_same_outputs_and_manifest_as_the_process_pool(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path)
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    assert main(["convert", str(folder), "-o", str(pool), "--manifest", "-j", "2"]) == 2
    assert main(["convert", str(folder), "-o", str(dask), "--manifest", "--engine", "dask", "-j", "1"]) == 2

    def comparable(out: Path) -> list[dict]:
        rows = sorted(_manifest(out), key=lambda r: r["source"])
        return [{**r, "seconds": None, "output": r["output"].replace(str(out), "OUT")} for r in rows]

    assert comparable(pool) == comparable(dask)
    books = sorted(p.name for p in pool.glob("*.xlsx"))
    assert books == sorted(p.name for p in dask.glob("*.xlsx")) == sorted(GOOD.values())
    for name in books:
        assert report_json(read_report(pool / name)) == report_json(read_report(dask / name))


def test_without_dask_the_message_says_what_to_install(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    assert main(["convert", str(_folder(tmp_path)), "-o", str(tmp_path / "out"), "--engine", "dask"]) == 2
    assert capsys.readouterr().err == (
        'nianbao：--engine dask 需要 dask 和 distributed，请先安装：pip install "nianbao[dask]"\n')
    assert not (tmp_path / "out").exists()


def test_the_dataset_writer_gets_every_converted_report(tmp_path: Path, monkeypatch, capsys) -> None:
    calls: list[tuple] = []

    class FakeWriter:  # the interface of consolidate.dataset.DatasetWriter
        def __init__(self, folder, spec) -> None:
            calls.append(("open", Path(folder), type(spec).__name__))

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            calls.append(("close",))

        def add(self, report, findings, source) -> None:
            calls.append(("add", report, tuple(findings), source))

    module = types.ModuleType("nianbao.consolidate.dataset")
    module.DatasetWriter = FakeWriter  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nianbao.consolidate.dataset", module)
    folder, out = _folder(tmp_path), tmp_path / "输出"
    (folder / "001_xihaian_2018.txt").write_bytes((CASES / "001_xihaian_2018.txt").read_bytes())
    dataset = ["--dataset", str(tmp_path / "数据集")]
    assert main(["convert", str(folder), "-o", str(out), *dataset, "-j", "2"]) == 2
    assert calls[0] == ("open", tmp_path / "数据集", "Spec") and calls[-1] == ("close",)
    added = {Path(c[3]).name: c for c in calls[1:-1]}
    assert sorted(added) == sorted([*GOOD, "001_xihaian_2018.txt"])  # the bad files are not data
    for name, (_, report, _, source) in added.items():
        assert isinstance(report, Report) and source == str(next(folder.rglob(name)))
        assert report_json(report) == report_json(read_report(CASES / name))
    # 001 really breaks its 统计表's sums: its findings come along, each with its rule id
    broken = added["001_xihaian_2018.txt"][2]
    assert broken and all(f.rule and f.severity for f in broken)
    assert added["002_zichuan_2020.txt"][2] == ()


def test_a_process_pool_killed_half_way_resumes_with_the_rest(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    folder, out = tmp_path / "报告", tmp_path / "输出"
    folder.mkdir()
    for i in range(10):  # one agency and year: the names collide, and are numbered
        (folder / f"r{i:02d}.txt").write_bytes((CASES / "004_zibo_2021.txt").read_bytes())
    args = [sys.executable, "-m", "nianbao.cli", "convert", str(folder), "-o", str(out), "--manifest"]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 60
    def recorded() -> int:  # sources with a row (a renamed result's row is appended again)
        lines = manifest.read_text("utf-8").splitlines() if manifest.exists() else []
        return len({json.loads(line)["source"] for line in lines if line.endswith("}")})

    while time.monotonic() < deadline and recorded() < 3:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    first = [json.loads(line) for line in manifest.read_text("utf-8").splitlines()]
    assert 3 <= len(first) < 10 and {r["status"] for r in first} == {"ok"}
    assert all(Path(r["output"]).is_file() for r in first) and not list(out.glob(".*"))
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows = _by_name(_manifest(out))
    assert len(rows) == 10
    assert {n for n, r in rows.items() if r["status"] == "skipped"} == {Path(r["source"]).name for r in first}
    assert sum(r["status"] == "ok" for r in rows.values()) == 10 - len(first)
    outputs = {r["output"] for r in rows.values()}
    assert len(outputs) == 10 and outputs == {str(p) for p in out.glob("*.xlsx")}


def test_convert_writes_the_real_dataset_once_per_source(tmp_path: Path) -> None:
    """`convert --dataset` with the real writer (consolidate.dataset): every converted report's
    cells in the year's partition, once, also after a re-run and a --force run. Seed 004
    (淄博市投资促进局 2021) received 2 new applications in all (一、本年新收 总计, read in the source)."""
    from nianbao.consolidate.dataset import read_dataset

    sources = [CASES / name for name in ("002_zichuan_2020.txt", "004_zibo_2021.txt", "001_xihaian_2018.txt")]
    args = ["convert", *map(str, sources), "-o", str(tmp_path / "out"), "--dataset", str(tmp_path / "ds"),
            "-j", "1"]
    for extra in ([], [], ["--force"]):
        assert main([*args, *extra]) == 0
        cells, findings = read_dataset(tmp_path / "ds")
        per_source = cells.groupby("source").size()
        assert sorted(Path(s).name for s in per_source.index) == sorted(p.name for p in sources)
        zibo = cells[(cells.source == str(CASES / "004_zibo_2021.txt")) & (cells.table == "requests")
                     & (cells.row == "new_received") & (cells.column == "total")]
        assert zibo[["agency", "year", "value"]].values.tolist() == [["淄博市投资促进局", 2021, 2]]
        assert per_source[str(CASES / "004_zibo_2021.txt")] == len(cells[cells.agency == "淄博市投资促进局"])
        # seed 001's 统计表 breaks one sum and warns four times as printed (tests/data/NOTES.md)
        severities = findings[findings.agency == "青岛西海岸新区商务局"]["severity"]
        assert sorted(severities) == ["error"] + ["warning"] * 4


def test_the_manifest_csv_holds_no_formula(tmp_path: Path) -> None:
    """An agency read from a report that starts as a formula would (=, +, -, @) is written to
    manifest.csv with a quote in front (OWASP's advice), so Excel opens it as text; the JSON
    lines keep it as it is (they are what a re-run reads)."""
    folder, out = tmp_path / "报告", tmp_path / "输出"
    folder.mkdir()
    text = (CASES / "004_zibo_2021.txt").read_text("utf-8")
    payload = "=1+1淄博市投资促进局"  # a spreadsheet computes =1+1… unless it is quoted
    (folder / "公式.txt").write_text(text.replace("淄博市投资促进局\n", payload + "\n", 1), "utf-8")
    assert read_report(folder / "公式.txt").meta.agency == payload
    run = BulkRun([folder], BulkOptions(out, jobs=1, manifest=True, names="agency"))
    [done] = list(run)
    assert done.output is not None and done.output.is_file()
    [row] = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert row["agency"] == payload
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        [from_csv] = list(csv.DictReader(handle))
    assert from_csv["agency"] == "'" + payload
