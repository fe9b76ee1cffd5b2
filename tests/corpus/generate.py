"""Write the generated cases: ``python -m tests.corpus.generate [CASE …]``.

For every case in ``cases.CASES``: seeded values → value variants → document → the format's
renderer → ``tests/data/cases/<case>.<ext>``, and the golden JSON from the same values, with
its ``provenance`` (``generated``) → ``tests/data/cases/<case>.json``. Only generated cases are
written: the real and hand-made cases beside them are committed files. PDF/.doc/.rtf/txtlayout
need LibreOffice here, and only here; txtlayout also needs poppler's ``pdftotext`` (the tests
read the committed text).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import variants as value_variants
from .cases import CASES
from .content import APPEAL_GROUPS, APPEAL_PARTS, APPLICANTS, OUTCOMES, Values, generate, golden
from .office import check_pdf, convert, pdf_text
from .render_docx import render_docx
from .render_html import render_html
from .render_lines import render_space, render_tsv
from .render_md import render_md
from .render_text import render_text
from .report import Case, build, extra_rows, style_for

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "cases"
# Variants that leave cells blank on purpose: the arithmetic then no longer holds.
_BLANKING = {"blank_markers", "only_total", "total_blank"}


def check_arithmetic(requests: dict, appeals: dict, edition: str) -> None:
    """The form's rules (blank as 0): a generator bug must not become a golden value."""
    n = lambda v: v or 0  # noqa: E731
    for column in (*APPLICANTS, "total"):
        col = {row: n(values[column]) for row, values in requests.items()}
        assert col["new_received"] + col["carried_in"] == col["total_processed"] + col["carried_over"], column
        assert col["total_processed"] == sum(col[row] for row in OUTCOMES[edition]), column
    for row, values in requests.items():
        assert n(values["total"]) == sum(n(values[c]) for c in APPLICANTS), row
    for group in APPEAL_GROUPS:
        parts = [n(appeals[f"{group}_{p}"]) for p in APPEAL_PARTS[:-1]]
        assert n(appeals[f"{group}_total"]) == sum(parts), group


def provenance(case: Case) -> dict:
    """Where a generated case comes from: this generator, its case description and seed."""
    return {
        "kind": "generated",
        "where": f"python -m tests.corpus.generate {case.name}: case {case.name} of tests/corpus/cases.py "
                 f"(seed {case.seed}); the golden is the case's own numbers, never the converter's output",
        "form": f"{case.fmt}; variants: {' '.join(sorted(case.variants)) or 'none'}",
    }


def render(case: Case) -> tuple[bytes, dict]:
    """The source file's bytes and the golden JSON of one case."""
    values: Values = generate(case.edition, case.seed, case.scale, case.big)
    printed = value_variants.apply(values, case.edition, case.variants, case.seed)
    if not case.variants & _BLANKING:
        check_arithmetic(values.requests, values.appeals, case.edition)
    extra_request, extra_active, expect = extra_rows(case, values)
    doc = build(case, values, printed, style_for(case, extra_request, extra_active))
    if case.fmt == "html":
        data = render_html(doc, case)
    elif case.fmt == "pdf" and "web_print" in case.variants:
        # LibreOffice Writer prints a page's first paragraph as a blank page of its own: an
        # empty one goes first, the title after it.
        page = render_html(doc, case).replace(b'<div class="article">', b'<div class="article"><p>&nbsp;</p>')
        data = convert(page, "pdf", profile=case.seed, source="html")
        check_pdf(data)
    elif case.fmt in ("txttab", "txtpara"):
        data = render_text(doc, case, case.fmt[3:])
    elif case.fmt == "txtnoblank":
        data = render_text(doc, case, "para" if "para" in case.variants else "tab", noblank=True)
    elif case.fmt == "md":
        data = render_md(doc, case)
    elif case.fmt == "txttsv":
        data = render_tsv(doc, case)
    elif case.fmt == "txtspace":
        data = render_space(doc, case)
    elif case.fmt == "txtlayout":
        pdf = convert(render_docx(doc, case), "pdf", profile=case.seed)
        check_pdf(pdf)
        data = pdf_text(pdf, layout="pdftotext_plain" not in case.variants)
    else:
        data = render_docx(doc, case)
        if case.fmt != "docx":
            data = convert(data, case.fmt, profile=case.seed)
            if case.fmt == "pdf":
                check_pdf(data)
    gold = {"provenance": provenance(case), **golden(case.agency, case.year, case.edition, values, expect)}
    if case.xfail:
        gold["xfail"] = {"cell": case.xfail[0], "reason": case.xfail[1]}
    return data, gold


def _write_golden(name: str, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (CASES_DIR / f"{name}.json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names to (re)generate; default: all")
    args = parser.parse_args(argv)
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if args.cases and case.name not in args.cases:
            continue
        data, gold = render(case)
        (CASES_DIR / f"{case.name}.{case.ext}").write_bytes(data)
        _write_golden(case.name, gold)
        print(f"{case.name}.{case.ext}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
