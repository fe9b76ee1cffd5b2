"""Conversion speed: median time to convert each example report to canonical JSON, after
start-up, against a baseline measured in the same process (reading and decoding the file).

    .venv/bin/python benchmarks/convert_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from nianbao import read_report, report_json
from nianbao.decode import decode_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REPEAT = 30


def _median_ms(action, path: Path) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    paths = sorted(EXAMPLES.glob("*.txt"))
    read_report(paths[0])  # warm up: imports, the spec
    print(f"{'report':32} {'convert ms':>11} {'read+decode ms':>15} {'ratio':>7}")
    medians = []
    for path in paths:
        convert = _median_ms(lambda p: report_json(read_report(p)), path)
        baseline = _median_ms(lambda p: decode_text(p.read_bytes()), path)
        medians.append(convert)
        print(f"{path.name:32} {convert:11.2f} {baseline:15.3f} {convert / baseline:7.1f}")
    print(f"median conversion to JSON: {statistics.median(medians):.2f} ms per report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
