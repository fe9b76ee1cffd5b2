"""Reports in every form they are published: each generated case of tests/data/cases converts to
the tables of its golden file (made by ``python -m tests.corpus.generate`` from the case's own
numbers; provenance ``generated``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nianbao import read_report

from .conftest import CASES, KINDS, case_json, case_sources
from .corpus.cases import CASES as GENERATED

NEEDS_LIBREOFFICE = (".doc", ".rtf")
# Case name prefixes: the forms agencies publish, then the layouts other tools make of them
# (PDF/Word-to-Markdown, pdftotext, pasted tab-separated tables, Word's text dump with no blank
# line before a heading, rows copied out of a PDF viewer).
PUBLISHED = ("html", "docx", "txttab", "txtpara", "pdf", "doc", "rtf")
CONVERTED = ("md", "txtlayout", "txttsv", "txtnoblank", "txtspace")


def corpus_sources() -> list[Path]:
    """Every generated case's source file, in name order."""
    return case_sources("generated")


def _params() -> list:
    params = []
    for path in corpus_sources():
        marks = []
        if path.suffix in NEEDS_LIBREOFFICE and shutil.which("soffice") is None and not os.environ.get("CI"):
            marks.append(pytest.mark.skip(reason=f"{path.suffix} needs LibreOffice (soffice), not installed"))
        xfail = case_json(path).get("xfail")
        if xfail:  # a layout that does not say where a number belongs: named, and must fail
            marks.append(pytest.mark.xfail(reason=f"{xfail['cell']}: {xfail['reason']}", strict=True))
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


def typed(value: object) -> object:
    """0 and 0.0 compare equal: keep the type in the comparison (counts int, money float)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return (type(value).__name__, value)


def test_the_corpus_covers_every_format() -> None:
    counts: dict[str, int] = {}
    for path in corpus_sources():
        counts[path.suffix] = counts.get(path.suffix, 0) + 1
    assert len(corpus_sources()) >= 30
    assert all(counts.get(ext, 0) >= 3 for ext in (".html", ".docx", ".txt", ".pdf")), counts
    assert all(counts.get(ext, 0) >= 1 for ext in NEEDS_LIBREOFFICE), counts
    assert counts.get(".md", 0) >= 1, counts
    editions: dict[str, set[str]] = {}
    for path in corpus_sources():
        edition = case_json(path)["meta"]["edition"]
        editions.setdefault(path.name.split("_", 1)[0], set()).add(edition)
    assert all(fmt in editions for fmt in PUBLISHED), sorted(editions)
    assert all({"2019", "2021"} <= editions.get(fmt, set()) for fmt in CONVERTED), editions


def test_every_case_says_where_it_comes_from() -> None:
    """One layout: every file in tests/data/cases is a case's source or its json, one source per
    json; each json says real, generated or hand-made and where the case came from; the
    generated ones are exactly the generator's cases."""
    files = sorted(CASES.iterdir())
    sources = [p for p in files if p.suffix != ".json"]
    assert sorted(p.stem for p in sources) == sorted(p.stem for p in files if p.suffix == ".json")
    kinds = {}
    for path in sources:
        provenance = case_json(path)["provenance"]
        assert provenance["kind"] in KINDS and provenance["where"], path.name
        kinds.setdefault(provenance["kind"], []).append(path.name)
    assert set(kinds) == set(KINDS)
    assert sorted(kinds["generated"]) == sorted(f"{case.name}.{case.ext}" for case in GENERATED)


@pytest.mark.parametrize("path", _params())
def test_converts_to_golden(path: Path) -> None:
    golden = case_json(path)
    produced = read_report(path).to_json()
    meta = {k: produced["meta"].get(k) for k in ("agency", "year", "edition")}
    assert meta == golden["meta"]
    assert typed(produced["tables"]) == typed(golden["tables"])
    texts = [entry["text"] for entry in produced["unmapped"]]
    for needle in golden["unmapped_contains"]:
        assert any(needle in text for text in texts), f"{needle!r} not kept in unmapped: {texts}"
