"""Time and peak memory of refusing each hostile input, one `nianbao convert` process each,
against the targets (a refusal within a second, under 500 MB), and against a plain
`nianbao convert --help` process (start-up and imports alone), measured in the same run:

    .venv/bin/python benchmarks/hostile.py

The inputs are those of tests/test_limits.py, made by tests/hostile.py: zip bombs that
declare or hide gigabytes, XXE and billion laughs, password-protected Office files, a named
pipe, a 101 MB sparse file, a table of 250,000 cells.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_limits import CASES_HOSTILE, SEED  # noqa: E402

from nianbao import read_report, save_workbook  # noqa: E402

NIANBAO = [sys.executable, "-m", "nianbao.cli"]


def _run(args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak resident MB, exit status and standard error of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(NIANBAO + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode, err


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good = folder / "good.xlsx"
        save_workbook(read_report(SEED), good)
        base_s, base_mb, _, _ = _run(["convert", "--help"])
        print(f"start-up alone (convert --help): {base_s:.2f} s, {base_mb:.0f} MB")
        print(f"{'case':<54} {'on disk':>9} {'s':>6} {'+s':>6} {'MB':>6} exit")
        worst_s = worst_mb = 0.0
        for name, (maker, _) in CASES_HOSTILE.items():
            case = folder / name.replace(" ", "_").replace("/", "_")
            case.mkdir()
            path = maker(case, good)
            size = path.stat().st_blocks * 512 if path.exists() else 0
            seconds, mb, code, err = _run(["convert", str(path), "-o", str(case / "out.xlsx")])
            worst_s, worst_mb = max(worst_s, seconds - base_s), max(worst_mb, mb)
            extra = seconds - base_s
            print(f"{name:<54} {size / 1024:>7.0f}KB {seconds:>6.2f} {extra:>+6.2f} {mb:>6.0f} {code}")
            if "Traceback" in err or code != 2:
                print("   unexpected:", err.strip()[-300:])
        print(f"worst: {worst_s:+.2f} s beyond start-up (target < 1 s), "
              f"{worst_mb:.0f} MB peak (target < 500 MB)")


if __name__ == "__main__":
    main()
