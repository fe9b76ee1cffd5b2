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


_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="n"><v>1</v></c><c r="B1"><f>SUM(A1:A2)</f><v>3</v></c>'
          '<c r="C1"><f>A1&amp;"&#21246;"</f><v></v></c><c r="D1" s="2"/><c r="E1"><f t="shared" si="0"/></c>'
          '</row></sheetData><conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
          '<formula>A1&gt;0</formula></cfRule></conditionalFormatting></worksheet>')


def test_formulas_without_a_value_found_as_a_full_parse_finds_them() -> None:
    from nianbao.workbook.read import _sheet_formulas

    expected = [(("表", 1, 3), 'A1&"勾"'), (("表", 1, 5), "")]  # C1 and E1: B1 has its value
    assert list(_sheet_formulas("表", _SHEET.encode())) == expected
    prefixed = (_SHEET.replace("<", "<x:").replace("<x:/", "</x:")
                .replace('xmlns="', 'xmlns:x="'))  # every element prefixed: parsed in full
    assert b":f" in prefixed.encode()
    assert list(_sheet_formulas("表", prefixed.encode())) == expected
    odd = _SHEET.replace('<c r="E1">', "<c>")  # a cell without its address: parsed in full
    assert list(_sheet_formulas("表", odd.encode())) == expected[:1]
