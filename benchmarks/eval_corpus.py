"""Cell accuracy and conversion time per source format: real reports and generated ones apart.

The cases of tests/data/cases with a golden (tables in ``<case>.json``), grouped by their
``provenance.kind``: real (published reports and the seeds, every golden typed by hand) and
generated (made by ``python -m tests.corpus.generate``); hand-made inputs have their expected
values in their tests and no golden here. For every case: convert with
``read_report(path).to_json()`` and compare with its golden file, cell by cell (every table cell
of the edition, legacy rows by code, plus meta agency/year/edition). Prints per group and
format: cells right / cells total, files exact, the median conversion time (after one warm-up
conversion per format, in this process), then every wrong cell. A case whose golden names a
cell no reader can place (``xfail``) counts like any other. Always exits 0: it measures, the tests judge.

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
CASES = ROOT / "tests" / "data" / "cases"
SLOW = (".doc", ".rtf")  # LibreOffice runs for each conversion: time them once


def fmt_of(path: Path) -> str:
    """The case's format: its name prefix (html, docx, txttab, txtpara, pdf, doc, rtf, md,
    txtlayout, txttsv, txtnoblank, txtspace)."""
    return path.name.split("_", 1)[0]


def _cells(data: dict) -> dict[str, object]:
    """Flat "table.row.column" → value, plus "meta.<key>", for the golden's keys."""
    flat: dict[str, object] = {f"meta.{k}": data["meta"].get(k) for k in ("agency", "year", "edition")}
    for table, rows in data["tables"].items():
        if table == "legacy":
            for row in rows:
                for column in ("value", "cumulative"):
                    if column in row:
                        flat[f"legacy.{row['code']}.{column}"] = row[column]
            continue
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
        elif part == "legacy":
            code, column = key[len("legacy."):].rsplit(".", 1)
            row = next((r for r in produced["tables"].get("legacy", []) if r["code"] == code), {})
            flat[key] = row.get(column, "<missing>")
        else:
            flat[key] = produced["tables"].get(part, {}).get(rest[0], {}).get(rest[1], "<missing>")
    return flat


def cases() -> dict[str, list[tuple[Path, Path]]]:
    """(source, golden) pairs by provenance: real reports and generated ones."""
    groups: dict[str, list[tuple[Path, Path]]] = {"real": [], "generated": []}
    for path in sorted(CASES.iterdir()):
        golden = path.with_suffix(".json")
        if path.suffix == ".json" or not golden.is_file():
            continue
        data = json.loads(golden.read_text("utf-8"))
        if "tables" in data and data["provenance"]["kind"] in groups:
            groups[data["provenance"]["kind"]].append((path, golden))
    return groups


def evaluate(group: str, pairs: list[tuple[Path, Path]], repeat: int) -> list[str]:
    """Print one group's table; return its wrong cells."""
    by_format: dict[str, list[tuple[Path, Path]]] = defaultdict(list)
    for pair in pairs:
        by_format[fmt_of(pair[0]) if group == "generated" else pair[0].suffix.lstrip(".")].append(pair)
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    exact: dict[str, int] = defaultdict(int)
    times: dict[str, list[float]] = defaultdict(list)
    wrong: list[str] = []
    named = [0, 0, 0]  # cases whose golden names a cell no reader can place: count, right, total
    for fmt, members in by_format.items():
        try:
            read_report(members[0][0]).to_json()  # warm-up: imports, caches, LibreOffice's first start
        except Exception:  # a failing case is reported below
            pass
        for path, golden_path in members:
            golden = json.loads(golden_path.read_text("utf-8"))
            expected = _cells(golden)
            total[fmt] += len(expected)
            right_before = right[fmt]
            if golden.get("xfail"):
                named[0] += 1
                named[2] += len(expected)
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
            before = len(wrong)
            for key, value in expected.items():
                if _same(value, got[key]):
                    right[fmt] += 1
                else:
                    wrong.append(f"{path.name}: {key}: expected {value!r}, got {got[key]!r}")
            texts = [u["text"] for u in produced["unmapped"]]
            for needle in golden.get("unmapped_contains", []):
                if not any(needle in t for t in texts):
                    wrong.append(f"{path.name}: unmapped: {needle!r} not kept")
            exact[fmt] += len(wrong) == before
            if golden.get("xfail"):
                named[1] += right[fmt] - right_before
    print(f"\n{group} reports")
    print(f"{'format':<10} {'cases':>5} {'exact':>5} {'cells right/total':>20} {'accuracy':>9} "
          f"{'median ms':>10}")
    for fmt in sorted(by_format):
        ms = statistics.median(times[fmt]) * 1000 if times[fmt] else float("nan")
        ratio = f"{right[fmt]}/{total[fmt]}"
        print(f"{fmt:<10} {len(by_format[fmt]):>5} {exact[fmt]:>5} {ratio:>20} "
              f"{right[fmt] / total[fmt]:>9.1%} {ms:>10.1f}")
    all_right, all_total = sum(right.values()), sum(total.values())
    print(f"{'all':<10} {len(pairs):>5} {sum(exact.values()):>5} {f'{all_right}/{all_total}':>20} "
          f"{all_right / all_total:>9.1%}")
    if named[0]:
        rest_right, rest_total = all_right - named[1], all_total - named[2]
        print(f"{'readable':<10} {len(pairs) - named[0]:>5} {'':>5} {f'{rest_right}/{rest_total}':>20} "
              f"{rest_right / rest_total:>9.1%}   (without the {named[0]} cases whose golden names a cell "
              "the source does not say: xfail)")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed conversions per case (doc/rtf: 1)")
    repeat = parser.parse_args().repeat
    wrong = [line for group, pairs in cases().items() for line in evaluate(group, pairs, repeat)]
    print(f"\nwrong cells ({len(wrong)}):" if wrong else "\nno wrong cells")
    for line in wrong:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
