"""Consolidation speed: 1,000 department workbooks read, validated, summed and written.

The 1,000 workbooks are made here, in a temporary folder: one standard workbook is written
from the 2021 example report (and one from a 2019-form report), then copied per department
with its agency and a few numbers changed in the sheet XML (every tenth department has an
arithmetic error, every twentieth is on the 2019 form).

- ours: ``nianbao.consolidate.consolidate`` (fast reader over the worker processes, stacked
  validation in batches as the files arrive, the streamed consolidated workbook), in this
  process after start-up, and the whole ``nianbao consolidate`` command as a new process
  (start-up included). Every department keeps the example report's text: the text checks
  redo their work for each copy (only the folding of labels and section texts, a few
  microseconds a report, is cached by content);
- baseline, measured in the same run: each file read with ``pandas.read_excel`` (the sheets
  holding its numbers), its cells picked by the form's layout, validated one at a time, then summed.

    .venv/bin/python benchmarks/consolidate_speed.py [--departments 1000] [--baseline-files N] [--jobs 2]

With ``--baseline-files N`` the baseline reads only the first N files and its time is scaled
to all of them (stated in the output).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd

from nianbao import read_report
from nianbao.consolidate import consolidate
from nianbao.model import Cell, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate import validate
from nianbao.workbook import write_workbook
from nianbao.workbook.layout import table_layout

ROOT = Path(__file__).resolve().parents[1]
SEED_2021 = ROOT / "tests" / "data" / "cases" / "004_zibo_2021.txt"
SEED_2019 = ROOT / "tests" / "data" / "cases" / "002_zichuan_2020.txt"


def _base(report: Report, folder: Path, name: str) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    path = folder / name
    write_workbook(report, path)
    with zipfile.ZipFile(path) as z:
        return {i.filename: (i, z.read(i.filename)) for i in z.infolist()}


def _set_values(xml: str, values: dict[str, int]) -> str:
    for ref, value in values.items():
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*?)(?: t="\w+")?(?:/>|>(?:<v>[^<]*</v>)?</c>)',
                         rf'\1 t="n"><v>{value}</v></c>', xml, count=1)
        assert n == 1, ref
    return xml


def make_departments(folder: Path, count: int) -> list[Path]:
    """``count`` standard workbooks of distinct agencies with varied numbers."""
    spec = load_spec()
    seeds = {}
    for edition, source in (("2021", SEED_2021), ("2019", SEED_2019)):
        report = read_report(source)
        report.meta.year = 2021
        seeds[edition] = _base(report, folder, f"base-{edition}.xlsx")
    requests = {e: table_layout(spec.edition(e).table("requests")) for e in seeds}
    paths = []
    for i in range(count):
        edition = "2019" if i % 20 == 7 else "2021"
        base = seeds[edition]
        layout = requests[edition]
        n = 1 + i % 37
        granted = n - 1 if i % 10 == 3 else n  # every tenth: （七）总计 does not add up
        cells = {layout.address("new_received", "natural_person"): n,
                 layout.address("new_received", "total"): n,
                 layout.address("granted", "natural_person"): granted,
                 layout.address("granted", "total"): granted,
                 layout.address("total_processed", "natural_person"): n,
                 layout.address("total_processed", "total"): n}
        for key in ("unavailable_not_held", "unavailable_need_creation"):
            cells[layout.address(key, "natural_person")] = 0
            cells[layout.address(key, "total")] = 0
        path = folder / f"dept{i:04d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for name, (info, data) in base.items():
                if name == "xl/worksheets/sheet1.xml":  # 基本信息: the agency's name in B1
                    text = data.decode("utf-8")
                    text = re.sub(r'(<c r="B1"[^>]*><is><t>)[^<]*(</t>)', rf"\g<1>第{i:04d}号单位\2", text,
                                  count=1)
                    data = text.encode("utf-8")
                elif name == "xl/worksheets/sheet3.xml":  # 三、依申请公开
                    data = _set_values(data.decode("utf-8"), cells).encode("utf-8")
                out.writestr(info, data)
        paths.append(path)
    for edition in seeds:
        (folder / f"base-{edition}.xlsx").unlink()
    return paths


# --- baseline ---------------------------------------------------------------------------------

def _baseline_report(path: Path, spec) -> Report:
    """A report read the obvious way: its sheets with pandas.read_excel, cells by position. Only
    the sheets it uses (基本信息 and the table sheets), not the hidden 来源 and 勾稽公式 sheets
    (reading those too would make the baseline three times slower and the ratio flatter)."""
    wanted = [spec.sheets[key] for key in ("meta", "active", "requests", "appeals")]  # 2019 and 2021
    sheets = pd.read_excel(path, sheet_name=wanted, header=None, engine="openpyxl")
    info = sheets[spec.sheets["meta"]]
    shown = str(info.iat[2, 1])  # the workbook shows the edition's label (2021年版)
    edition = next(k for k, e in spec.editions.items() if shown in (k, e.short_label, e.label))
    report = Report.blank(Meta(agency=str(info.iat[0, 1]), year=int(info.iat[1, 1]), edition=edition), spec)
    for key, table in spec.edition(edition).tables.items():
        frame = sheets[table.sheet]
        for (row, column), (r, c) in table_layout(table).form_cells().items():
            value = frame.iat[r - 1, c - 1] if r - 1 < frame.shape[0] and c - 1 < frame.shape[1] else None
            report.tables[key][row][column] = Cell(None if pd.isna(value) else value.item()
                                                    if hasattr(value, "item") else value)
    return report


def baseline(paths: list[Path]) -> tuple[float, int]:
    spec = load_spec()
    start = time.perf_counter()
    reports, errors = [], 0
    for path in paths:
        report = _baseline_report(path, spec)
        errors += validate(report).counts["errors"]
        reports.append(report)
    total = sum(r.value("requests", "new_received", "total") or 0 for r in reports)
    assert total > 0
    return time.perf_counter() - start, errors


class Clock:
    """Wall time, and CPU time of this process and of the processes it has waited for (the
    reading processes, the command): on a machine other programs share, the CPU seconds say
    what the work costs and the wall time what the user waited."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), self._cpu_now()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = self._cpu_now() - self._cpu

    @staticmethod
    def _cpu_now() -> float:
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--baseline-files", type=int, default=0, help="0: all")
    parser.add_argument("--jobs", type=int, default=2, help="reading processes (default 2)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NIANBAO_REGISTER"] = str(Path(tmp) / "单位名录.csv")  # not the user's agency register
        folder = Path(tmp) / "各单位"
        folder.mkdir()
        start = time.perf_counter()
        paths = make_departments(folder, args.departments)
        print(f"made {len(paths)} department workbooks in {time.perf_counter() - start:.1f} s")
        consolidate(paths[:3], Path(tmp) / "warm.xlsx")  # imports, the spec, the schemas

        with Clock() as ours:
            result = consolidate([folder], Path(tmp) / "汇总.xlsx", workers=args.jobs)
        print(f"ours (consolidate(), after start-up, {args.jobs} processes): {ours.wall:.2f} s "
              f"({ours.cpu:.2f} CPU-s) for {result.departments} departments, {result.errors} errors, "
              f"{result.warnings} warnings, workbook {result.output.stat().st_size / 1e6:.1f} MB")

        with Clock() as command:
            subprocess.run([sys.executable, "-m", "nianbao.cli", "consolidate", str(folder), "-o",
                            str(Path(tmp) / "汇总-cli.xlsx")], check=False, capture_output=True)
        print(f"ours (nianbao consolidate, a new process, start-up included): {command.wall:.2f} s "
              f"({command.cpu:.2f} CPU-s)")

        sample = paths[: args.baseline_files] if args.baseline_files else paths
        with Clock() as base:
            _, errors = baseline(sample)
        scale = len(paths) / len(sample)
        note = f" (measured on {len(sample)} files, scaled)" if len(sample) < len(paths) else ""
        print(f"baseline (pandas.read_excel + validate one at a time, one process): "
              f"{base.wall * scale:.1f} s ({base.cpu * scale:.1f} CPU-s){note}, "
              f"{round(errors * scale)} errors")
        print(f"ratio (wall): {base.wall * scale / ours.wall:.1f}x in-process, "
              f"{base.wall * scale / command.wall:.1f}x as a command")
        print(f"ratio (CPU): {base.cpu * scale / ours.cpu:.1f}x in-process, "
              f"{base.cpu * scale / command.cpu:.1f}x as a command")
    return 0


if __name__ == "__main__":
    sys.exit(main())
