"""Conversion speed per source format, after start-up, in one process.

For every case's source file in tests/data/cases/ (real, generated and hand-made) it measures
the median time of ``report_json(read_report(path))`` and, in the same run, a baseline: what the
obvious library call alone costs for that format (decoding a text file, parsing the page with
lxml, opening the Word file with python-docx, pdfplumber's own table extraction on every page). Targets:
median ≤ 30 ms per report for txt/html/docx, ≤ 300 ms for PDF.

    .venv/bin/python benchmarks/convert_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from nianbao import UnreadableInput, read_report, report_json
from nianbao.decode import decode_text
from nianbao.readers import sniff

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "cases"
REPEAT = 7
TARGET_MS = {"text": 30, "html": 30, "docx": 30, "pdf": 300}


def _baseline(kind: str) -> Callable[[Path], object] | None:
    if kind == "text":
        return lambda p: decode_text(p.read_bytes())
    if kind == "html":
        import lxml.html

        return lambda p: lxml.html.document_fromstring(p.read_bytes())
    if kind == "docx":
        import docx

        return lambda p: docx.Document(str(p))
    if kind == "pdf":
        import pdfplumber

        def tables(p: Path) -> object:
            with pdfplumber.open(str(p)) as pdf:
                return [t.extract() for page in pdf.pages for t in page.find_tables()]

        return tables
    return None


def _median_ms(action: Callable[[Path], object], path: Path, repeat: int = REPEAT) -> float:
    action(path)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(CASES.iterdir()):
        if path.suffix != ".json":  # a case's provenance and golden
            by_kind[sniff(path.read_bytes(), path.suffix.lower())].append(path)
    print(f"{'format':8} {'reports':>7} {'median ms':>10} {'target':>7} {'baseline ms':>12} {'ratio':>6}")
    for kind in ("text", "html", "docx", "pdf"):
        paths = by_kind.get(kind, [])
        convert, base = [], []
        baseline = _baseline(kind)
        for path in paths:
            try:
                convert.append(_median_ms(lambda p: report_json(read_report(p)), path))
            except UnreadableInput:
                continue  # a deliberately unreadable case
            if baseline is not None:
                base.append(_median_ms(baseline, path, repeat=3 if kind == "pdf" else REPEAT))
        if not convert:
            continue
        ours, theirs = statistics.median(convert), statistics.median(base)
        ratio = ours / theirs
        print(f"{kind:8} {len(convert):7} {ours:10.1f} {TARGET_MS[kind]:7} {theirs:12.1f} {ratio:6.2f}")
    print("ratio = our whole conversion to JSON / the baseline library call alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
