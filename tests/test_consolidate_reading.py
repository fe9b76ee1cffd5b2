"""Reading many files over several processes gives the reports that one process reads: the same
numbers and, validated, the same findings (the processes send back only what the validator reads)."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.consolidate.reading import read_many
from nianbao.validate import validate_many

CASES = Path(__file__).parent / "data" / "cases"


def _sources() -> list[Path]:
    """The real reports (not .doc: LibreOffice is slow to start) and the reports with text in count cells."""
    found = []
    for meta in sorted(CASES.glob("*.json")):
        kind = json.loads(meta.read_text(encoding="utf-8")).get("provenance", {}).get("kind")
        sources = [p for p in CASES.glob(meta.stem + ".*") if p.suffix not in (".json", ".doc")]
        if sources and (kind == "real" or "text_in_cells" in meta.stem):
            found.append(sources[0])
    return found


def _numbers(report) -> dict:
    return {t: {r: {c: cell.value for c, cell in cols.items()} for r, cols in rows.items()}
            for t, rows in report.tables.items()}


def test_several_processes_read_what_one_reads() -> None:
    sources = _sources()
    assert len(sources) >= 20
    one, pool = read_many(sources, workers=1), read_many(sources, workers=2)
    assert [r.path for r in pool] == sources
    assert [r.reason for r in pool] == [r.reason for r in one]
    read = [(a.report, b.report) for a, b in zip(one, pool, strict=True) if a.report is not None]
    assert len(read) >= 20
    for a, b in read:
        assert (a.meta, a.legacy, a.narrative, a.unmapped) == (b.meta, b.legacy, b.narrative, b.unmapped)
        assert _numbers(a) == _numbers(b)
    findings_one = validate_many([a for a, _ in read])
    findings_pool = validate_many([b for _, b in read])
    assert [v.findings for v in findings_one] == [v.findings for v in findings_pool]
    rules = {f.rule for v in findings_one for f in v.findings}
    assert "report.not_a_number" in rules  # the texts the processes send back are there
