"""Real published reports (the cases of tests/data/cases whose provenance is ``real``, the seeds
apart: test_golden.py): each converts to its hand-typed golden, and validation finds exactly the
arithmetic rules its printed numbers break.

Every golden was typed by reading the source, not from the converter's output; its
``provenance`` says where the report was published or which public repository holds it.
A report that no converter can read exactly names the cell and the reason in ``xfail``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import read_report
from nianbao.validate import validate

from .conftest import SEEDS, case_json, case_sources
from .test_corpus import typed

# The rules a golden's ``broken_rules`` speaks for: the arithmetic of one report's tables.
ARITHMETIC = ("requests.", "appeals.", "active.", "legacy.children_sum")


def real_cases() -> list[Path]:
    """Every real case with a golden, the seeds apart, in name order."""
    return [p for p in case_sources("real") if p not in SEEDS]


def golden(path: Path) -> dict:
    return case_json(path)


def _params(rules: bool = False) -> list:
    """One parameter per case; a case whose golden names a cell that cannot be read must
    fail (strictly), and so must its rules check when the golden says ``rules_too`` (the
    tables cannot be read at all)."""
    params = []
    for path in real_cases():
        expected = golden(path)
        marks = []
        if expected.get("xfail") and (not rules or expected["xfail"].get("rules_too")):
            reason = f"{expected['xfail']['cell']}: {expected['xfail']['reason']}"
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


def test_the_real_corpus_covers_the_forms_and_editions() -> None:
    goldens = [golden(p) for p in real_cases()]
    assert len(goldens) >= 20
    assert all(g["provenance"]["kind"] == "real" and g["provenance"]["where"] for g in goldens)
    assert {g["meta"]["edition"] for g in goldens} == {"2019", "2021", "legacy"}
    suffixes = {p.suffix for p in real_cases()}
    assert {".html", ".md", ".txt"} <= suffixes, suffixes


@pytest.mark.parametrize("path", _params())
def test_real_report_reads_exactly(path: Path) -> None:
    expected = golden(path)
    produced = read_report(path).to_json()
    assert {k: produced["meta"].get(k) for k in ("agency", "year", "edition")} == expected["meta"]
    assert typed(produced["tables"]) == typed(expected["tables"])
    texts = [entry["text"] for entry in produced["unmapped"]]
    for needle in expected["unmapped_contains"]:
        assert any(needle in text for text in texts), f"{needle!r} not kept in unmapped: {texts}"


@pytest.mark.parametrize("path", _params(rules=True))
def test_real_report_breaks_the_rules_it_prints(path: Path) -> None:
    expected = {(b["rule"], b.get("row"), b.get("column")) for b in golden(path)["broken_rules"]}
    findings = validate(read_report(path)).findings
    found = {(f.rule, f.row, f.column) for f in findings
             if f.severity == "error" and f.rule.startswith(ARITHMETIC)}
    assert found == expected
