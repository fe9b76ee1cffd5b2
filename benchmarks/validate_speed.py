"""Validation speed, after start-up (imports, the spec, pandera's schemas built once):

- one standard workbook: median time of ``validate_path`` (read the workbook, validate), per
  seed report (tests/data/cases/NNN_*.txt) written as a standard workbook;
- 1,000 reports stacked in one ``validate_many`` call, against the baseline of the same 1,000
  validated one at a time in a loop (measured in the same run).

    .venv/bin/python benchmarks/validate_speed.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from nianbao import read_report, save_workbook
from nianbao.validate import read_for_validation, validate, validate_many, validate_path

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "cases"
REPEAT = 20
STACKED = 1000


def _median_ms(action, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    sources = sorted(CASES.glob("[0-9][0-9][0-9]_*.txt"))  # the five seeds
    reports = [read_report(p) for p in sources]
    with tempfile.TemporaryDirectory() as folder:
        workbooks = []
        for source, report in zip(sources, reports, strict=True):
            workbooks.append(Path(folder) / f"{source.stem}.xlsx")
            save_workbook(report, workbooks[-1])
        validate_path(workbooks[0])  # warm up: imports, the spec, the schemas
        print(f"{'standard workbook':32} {'validate_path ms':>17} {'read ms':>8} {'rules ms':>9}"
              f" {'findings':>9}")
        for path, report in zip(workbooks, reports, strict=True):
            total = _median_ms(lambda p=path: validate_path(p))
            read = _median_ms(lambda p=path: read_for_validation(p))
            rules = _median_ms(lambda r=report: validate(r))
            print(f"{path.name:32} {total:17.1f} {read:8.1f} {rules:9.1f} {len(validate(report).findings):9}")

    batch = [reports[i % len(reports)] for i in range(STACKED)]
    stacked = _median_ms(lambda: validate_many(batch), repeat=3)
    loop = _median_ms(lambda: [validate(r) for r in batch], repeat=1)
    findings = sum(len(r.findings) for r in validate_many(batch))
    print(f"{STACKED} reports ({findings} findings): stacked {stacked:.0f} ms, "
          f"one at a time {loop:.0f} ms, ratio {loop / stacked:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
