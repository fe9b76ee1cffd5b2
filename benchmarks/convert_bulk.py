"""Bulk conversion (``nianbao convert DIR -o OUT --manifest``): the process pool's speed-up,
memory against the number of files, and Dask against one process — ratios measured in one run.

Reports are generated in memory by the test corpus (tests/corpus: text, web page and Markdown
layouts of both editions, each with its own agency, year and numbers) and written to a
temporary folder; every run is a fresh ``nianbao`` process converting the whole folder, so the
times include start-up. Targets: ``--jobs 2`` ≥ 1.8x ``--jobs 1``; the peak memory of the main
process and of the largest worker for 500 and for 5,000 files within 10 % of each other; Dask
(a LocalCluster of 2 workers) ≥ 1.6x one process.

    .venv/bin/python benchmarks/convert_bulk.py [--files 500] [--many 5000] [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus.generate import render  # noqa: E402
from tests.corpus.report import Case  # noqa: E402

FORMATS = ("txttab", "html", "txtpara")  # (a folder's .md files are not reports: not converted)
# Runs ``nianbao convert`` in this process and reports its own and its workers' peak memory.
_MEASURED = """
import json, resource, sys, time
from nianbao.cli import main
start = time.perf_counter()
status = main(sys.argv[1:])
seconds = time.perf_counter() - start
self, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = self.ru_utime + self.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"status": status, "seconds": seconds, "cpu": cpu,
                  "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def generate(folder: Path, count: int, formats: tuple[str, ...] = FORMATS) -> None:
    """``count`` different reports, round-robin over ``formats`` and both editions."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        fmt = formats[i % len(formats)]
        edition = "2021" if i % 2 else "2019"
        case = Case(f"bulk_{i}", fmt, edition, 2020 + i % 5 if edition == "2021" else 2019 + i % 2,
                    f"测试市第{i}区政务服务局", 7000 + i)
        data, _ = render(case)
        (folder / f"{i:05d}.{case.ext}").write_bytes(data)


def convert(folder: Path, out: Path, *options: str) -> dict:
    """One ``nianbao convert`` run in a fresh process: its time and peak memory."""
    args = ["convert", str(folder), "-o", str(out), "--manifest", *options]
    result = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0 or not result.stdout.strip():
        raise SystemExit(f"nianbao convert failed:\n{result.stderr[-2000:]}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    rows = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    measured["ok"] = sum(json.loads(r)["status"] == "ok" for r in rows)
    return measured


def show(label: str, files: int, m: dict) -> None:
    print(f"{label:34} {files:6} {m['ok']:6} {m['seconds']:8.1f} {files / m['seconds']:8.1f} "
          f"{m['cpu']:8.1f} {m['parent_mb']:9.0f} {m['worker_mb']:9.0f}   load {os.getloadavg()[0]:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--many", type=int, default=5000, help="files for the memory comparison (0: skip it)")
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bulk-") as tmp:
        base = Path(tmp)
        reports, many = base / "reports", base / "many"
        start = time.perf_counter()
        generate(reports, args.files)
        generate(many, args.many, ("txttab",))
        print(f"generated {args.files} + {args.many} reports in {time.perf_counter() - start:.1f} s")
        print(f"{'run':34} {'files':>6} {'ok':>6} {'seconds':>8} {'files/s':>8} {'CPU s':>8} "
              f"{'parent MB':>9} {'worker MB':>9}   (load: the machine's, 1 min)")
        one = convert(reports, base / "j1", "--jobs", "1")
        show("--jobs 1 (xlsx)", args.files, one)
        two = convert(reports, base / "j2", "--jobs", "2")
        show("--jobs 2 (xlsx)", args.files, two)
        print(f"  --jobs 2 / --jobs 1: {one['seconds'] / two['seconds']:.2f}x (target ≥ 1.8x)")
        if args.many > 0:
            first = base / "first"
            first.mkdir()
            for path in sorted(many.iterdir())[: args.files]:
                (first / path.name).hardlink_to(path)
            m_small = convert(first, base / "m500", "--jobs", "2", "--to", "json")
            show(f"{args.files} txt → json, --jobs 2", args.files, m_small)
            m_many = convert(many, base / "m5000", "--jobs", "2", "--to", "json")
            show(f"{args.many} txt → json, --jobs 2", args.many, m_many)
            for key, what in (("parent_mb", "main process"), ("worker_mb", "largest worker")):
                growth = m_many[key] / m_small[key] - 1
                print(f"  peak memory of the {what}: {m_small[key]:.0f} MB → {m_many[key]:.0f} MB "
                      f"({growth:+.1%}; target within ±10 %)")
        if not args.skip_dask:
            dask = convert(reports, base / "dask", "--engine", "dask", "--jobs", "2")
            show("--engine dask, LocalCluster 2 workers", args.files, dask)
            ratio = one["seconds"] / dask["seconds"]
            print(f"  Dask (2 workers) / one process: {ratio:.2f}x (target ≥ 1.6x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
