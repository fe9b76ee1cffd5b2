"""Cell accuracy and conversion time per source format, over tests/data/corpus.

For every case: convert with ``read_report(path).to_json()`` and compare with its golden file,
cell by cell (every table cell of the edition, plus meta agency/year/edition). Prints per
format: cells right / cells total, the median conversion time (after one warm-up conversion
per format, in this process), then every wrong cell. Always exits 0: it measures, the tests
judge.

    .venv/bin/python benchmarks/eval_corpus.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from nianbao import read_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"
SLOW = (".doc", ".rtf")  # LibreOffice runs for each conversion: time them once


def fmt_of(path: Path) -> str:
    """The case's format: its name prefix (html, docx, txttab, txtpara, pdf, doc, rtf, md,
    txtlayout, txttsv, txtnoblank, txtspace)."""
    return path.name.split("_", 1)[0]


def _cells(data: dict) -> dict[str, object]:
    """Flat "table.row.column" → value, plus "meta.<key>", for the golden's keys."""
    flat: dict[str, object] = {f"meta.{k}": v for k, v in data["meta"].items()}
    for table, rows in data["tables"].items():
        for row, columns in rows.items():
            for column, value in columns.items():
                flat[f"{table}.{row}.{column}"] = value
    return flat


def _same(a: object, b: object) -> bool:
    return a == b and type(a) is type(b)


def _produced_cells(produced: dict, expected: dict[str, object]) -> dict[str, object]:
    flat: dict[str, object] = {}
    for key in expected:
        part, *rest = key.split(".")
        if part == "meta":
            flat[key] = produced["meta"].get(rest[0])
        else:
            flat[key] = produced["tables"].get(part, {}).get(rest[0], {}).get(rest[1], "<missing>")
    return flat


def evaluate(repeat: int) -> None:
    golden_dir = CORPUS / "golden"
    sources = sorted(p for p in (CORPUS / "sources").iterdir() if (golden_dir / f"{p.stem}.json").is_file())
    by_format: dict[str, list[Path]] = defaultdict(list)
    for path in sources:
        by_format[fmt_of(path)].append(path)
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    times: dict[str, list[float]] = defaultdict(list)
    wrong: list[str] = []
    for fmt, paths in by_format.items():
        try:
            read_report(paths[0]).to_json()  # warm-up: imports, caches, LibreOffice's first start
        except Exception:  # a failing case is reported below
            pass
        for path in paths:
            golden = json.loads((CORPUS / "golden" / f"{path.stem}.json").read_text("utf-8"))
            expected = _cells(golden)
            total[fmt] += len(expected)
            runs = 1 if path.suffix in SLOW else repeat
            try:
                for _ in range(runs):
                    start = time.perf_counter()
                    produced = read_report(path).to_json()
                    times[fmt].append(time.perf_counter() - start)
            except Exception as exc:
                wrong.append(f"{path.name}: conversion failed: {type(exc).__name__}: {exc}")
                continue
            got = _produced_cells(produced, expected)
            for key, value in expected.items():
                if _same(value, got[key]):
                    right[fmt] += 1
                else:
                    wrong.append(f"{path.name}: {key}: expected {value!r}, got {got[key]!r}")
            texts = [u["text"] for u in produced["unmapped"]]
            for needle in golden["unmapped_contains"]:
                if not any(needle in t for t in texts):
                    wrong.append(f"{path.name}: unmapped: {needle!r} not kept")
    print(f"{'format':<8} {'cases':>5} {'cells right/total':>20} {'accuracy':>9} {'median ms':>10}")
    for fmt in sorted(by_format):
        ms = statistics.median(times[fmt]) * 1000 if times[fmt] else float("nan")
        ratio = f"{right[fmt]}/{total[fmt]}"
        print(f"{fmt:<8} {len(by_format[fmt]):>5} {ratio:>20} {right[fmt] / total[fmt]:>9.1%} {ms:>10.1f}")
    all_right, all_total = sum(right.values()), sum(total.values())
    print(f"{'all':<8} {len(sources):>5} {f'{all_right}/{all_total}':>20} {all_right / all_total:>9.1%}")
    print(f"\nwrong cells ({len(wrong)}):" if wrong else "\nno wrong cells")
    for line in wrong:
        print("  " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed conversions per case (doc/rtf: 1)")
    evaluate(parser.parse_args().repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
