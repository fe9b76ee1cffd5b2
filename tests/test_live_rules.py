"""The workbook checks itself: its formulas flag exactly the cells the validator names.

Differential: random reports of every edition with errors injected, and every real report of
the test corpus, are written as standard workbooks and saved. Then, for the rules that read one
report's table cells, three executions of the workbook's formulas must name exactly the
(rule, cell) pairs — or (severity, cell) for a conditional format — that ``validate`` names
for the same saved workbook read back:

- its conditional formats, evaluated by the ``formulas`` engine, cell by cell;
- its 勾稽公式 sheet, evaluated by the ``formulas`` engine;
- its 勾稽公式 sheet, recalculated by LibreOffice headless.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from nianbao import UnreadableInput, read_report
from nianbao.model import Cell, LegacyRow, Meta, Report
from nianbao.spec import load_spec
from nianbao.validate import validate_many
from nianbao.workbook import read_workbook, write_workbook
from nianbao.workbook.layout import table_layout
from nianbao.workbook.live import LEGACY_KINDS, NOT_LIVE, TABLE_KINDS, status_cell

from .conftest import case_json, case_sources
from .corpus.content import APPEALS, generate
from .live import (
    RULES_SHEET,
    Evaluator,
    Flag,
    conditional_flags,
    libreoffice_recalculated,
    libreoffice_rules,
    rule_cells,
    sheet_flags,
)

SPEC = load_spec()
PER_EDITION = 200
# The rules that read one report's table cells (and 不是数字, which the workbook shows too).
LIVE_RULES = {r.id for r in SPEC.rules if r.stage == "validate" and (
    r.id.split(".")[0] in ("requests", "appeals", "active", "legacy") or r.kind == "integer"
    or r.id == "report.not_a_number")}
TEXTS = ("待核实", "1 2", "见附件")


def test_every_kind_of_rule_is_live_or_says_why_not() -> None:
    kinds = {r.kind for r in SPEC.rules}
    assert kinds <= set(TABLE_KINDS) | set(LEGACY_KINDS) | set(NOT_LIVE)
    assert not (set(TABLE_KINDS) | set(LEGACY_KINDS)) & set(NOT_LIVE)
    assert {r.kind for r in SPEC.rules if r.id in LIVE_RULES} <= set(TABLE_KINDS) | set(LEGACY_KINDS)
    # the families the issue names, all of them live
    assert {"requests.balance", "requests.outcome_sum", "requests.other_single_row", "requests.row_total",
            "appeals.review_total", "active.non_negative", "active.published_le_total", "legacy.integer",
            "legacy.children_sum", "legacy.parent_blank", "legacy.heading_value"} <= LIVE_RULES


# --- random reports with injected errors --------------------------------------------------------

def _random_report(edition: str, seed: int) -> Report:
    """Seeded values that obey every rule (the corpus generator's), then 0–4 errors of the
    kinds clerks and converters make: a number off, a blank, a fraction, a negative, text, the
    2019 form's single （六）其他处理 row in a 2021 report."""
    rng = random.Random(seed)
    values = generate(edition, seed, scale=rng.choice((1, 3, 9)), big=rng.random() < 0.2)
    report = Report.blank(Meta(agency=f"随机单位{seed}", year=2021 if edition == "2021" else 2019,
                               edition=edition, source=f"random-{seed}"), SPEC)
    for row, columns in values.requests.items():
        for column, value in columns.items():
            report.tables["requests"][row][column] = Cell(value)
    for column in APPEALS:
        report.tables["appeals"]["count"][column] = Cell(values.appeals[column])
    for row, columns in values.active.items():
        for column, value in columns.items():
            report.tables["active"][row][column] = Cell(value)
    cells = [(t, r, c) for t, r, c, _ in report.cells()]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        table, row, column = rng.choice(cells)
        cell = report.tables[table][row][column]
        old = cell.value if isinstance(cell.value, int | float) else 0
        kind = rng.choice(("off", "off", "off", "blank", "fraction", "negative", "text", "zero"))
        if kind == "off":
            cell.value = old + rng.choice((-3, -1, 1, 2, 10))
        elif kind == "blank":
            cell.value = None
        elif kind == "fraction":
            cell.value = old + 0.5
        elif kind == "negative":
            cell.value = -rng.randint(1, 5)
        elif kind == "zero":
            cell.value = 0
        else:
            cell.value, cell.raw = None, rng.choice(TEXTS)
    if edition == "2021" and rng.random() < 0.1:
        other = report.add_off_form_row("requests", "other", SPEC)
        other["total"] = Cell(rng.randint(0, 3))
    return report


def _read(paths: list[Path]) -> list[Report]:
    """The corpus reports that read; a report refused is one whose golden expects it to fail."""
    reports = []
    for path in paths:
        try:
            reports.append(read_report(path))
        except UnreadableInput:
            assert "xfail" in case_json(path), path
    return reports


def _legacy_bases() -> list[Report]:
    return _read([path for path in case_sources("real", "hand-made")
                  if case_json(path).get("meta", {}).get("edition") == "legacy"])


def _random_legacy(bases: list[Report], seed: int) -> Report:
    """A real 统计表's rows (codes, labels, units) with random values, some blank, some text."""
    rng = random.Random(seed)
    base = rng.choice(bases)
    meta = Meta(agency=f"随机单位{seed}", year=2017, edition="legacy", source=f"random-{seed}")
    report = Report.blank(meta, SPEC)
    rows = []
    for row in base.legacy or []:
        draw = rng.random()
        value: int | float | None = row.value
        raw = ""
        if draw < 0.15:
            value = None
        elif draw < 0.2:
            value = rng.randint(0, 50) + rng.choice((0, 0.5))
        elif draw < 0.23:
            value, raw = None, rng.choice(TEXTS)
        elif draw < 0.4:
            value = rng.randint(0, 30)
        rows.append(LegacyRow(row.code, row.label, row.unit, value, raw))
    report.legacy = rows
    return report


# --- the differential -------------------------------------------------------------------------

@dataclass
class Written:
    """A saved workbook and what each execution of the rules named in it."""

    name: str
    path: Path
    wb: Workbook
    validator: set[Flag] = field(default_factory=set)
    conditional: set[Flag] = field(default_factory=set)
    sheet: set[Flag] = field(default_factory=set)


def _write_all(group: str, reports: list[Report], folder: Path, evaluate: Evaluator) -> list[Written]:
    written = []
    for i, report in enumerate(reports):
        path = folder / f"{group}-{i:04d}.xlsx"  # a name of its own in LibreOffice's output folder
        wb = write_workbook(report, path, SPEC)
        written.append(Written(f"{group} {report.meta.source}", path, wb))
    back = [read_workbook(w.path, SPEC, provenance=False) for w in written]
    for w, result in zip(written, validate_many(back, spec=SPEC), strict=True):
        w.validator = rule_cells(result.findings, LIVE_RULES)
        w.conditional = conditional_flags(w.wb, evaluate)
        w.sheet = sheet_flags(w.wb, evaluate)
    return written


def _severities(flags: set[Flag]) -> set[Flag]:
    return {(SPEC.rule(rule).severity, cell) for rule, cell in flags}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Written]]:
    evaluate = Evaluator()
    bases = _legacy_bases()
    groups = {
        edition: [_random_report(edition, seed) for seed in range(PER_EDITION)]
        for edition in ("2021", "2019")
    }
    groups["legacy"] = [_random_legacy(bases, seed) for seed in range(PER_EDITION)]
    groups["real"] = _read(case_sources("real"))
    return {name: _write_all(name, reports, tmp_path_factory.mktemp(f"live-{name}"), evaluate)
            for name, reports in groups.items()}


@pytest.mark.parametrize("group", ["2021", "2019", "legacy", "real"])
def test_the_workbook_formulas_flag_the_cells_validate_names(workbooks: dict[str, list[Written]],
                                                             group: str) -> None:
    written = workbooks[group]
    assert len(written) >= (PER_EDITION if group != "real" else 20)
    for w in written:
        assert w.sheet == w.validator, w.name
        assert w.conditional == _severities(w.validator), w.name
    # the injected errors did break rules, of every live family, and most workbooks are not clean
    broken = {rule for w in written for rule, _ in w.validator}
    if group != "real":  # a third of the real reports break some rule as printed
        assert sum(1 for w in written if w.validator) > len(written) // 3
    expected = {
        "2021": {"requests.balance", "requests.outcome_sum", "requests.row_total",
                 "requests.other_single_row", "appeals.review_total", "active.non_negative",
                 "requests.integer", "report.not_a_number"},
        "2019": {"requests.balance", "requests.outcome_sum", "requests.row_total",
                 "appeals.suit_direct_total", "active.published_le_total", "active.integer",
                 "report.not_a_number"},
        "legacy": {"legacy.children_sum", "legacy.parent_blank", "legacy.heading_value", "legacy.integer",
                   "report.not_a_number"},
        "real": {"legacy.children_sum", "requests.balance", "requests.outcome_sum", "requests.row_total"},
    }[group]
    assert expected <= broken, expected - broken


def _formats(wb: Workbook) -> list[tuple]:
    return sorted((ws.title, str(cf.sqref), tuple(rule.formula),
                   rule.dxf.fill.fgColor.rgb if rule.dxf.fill else None)
                  for ws in wb.worksheets for cf in ws.conditional_formatting for rule in cf.rules)


def test_the_saved_files_hold_the_formulas_evaluated(workbooks: dict[str, list[Written]]) -> None:
    """The engine evaluated the workbooks as written in memory: the files saved hold the same
    conditional formats and 勾稽公式 sheet (a sample of each group: loading is slow)."""
    for group in workbooks.values():
        for w in group[:: max(1, len(group) // 5)]:
            saved = load_workbook(w.path)
            assert _formats(saved) == _formats(w.wb), w.name
            assert list(saved[RULES_SHEET].values) == list(w.wb[RULES_SHEET].values), w.name


def test_libreoffice_recalculating_the_saved_files_agrees(workbooks: dict[str, list[Written]]) -> None:
    written = [w for group in workbooks.values() for w in group]
    by_path = {w.path: w for w in written}
    found = libreoffice_rules(list(by_path), lambda path: by_path[path].wb.sheetnames.index(RULES_SHEET) + 1)
    disagree = [(w.name, found[w.path] ^ w.validator) for w in written if found[w.path] != w.validator]
    assert not disagree, disagree[:5]
    assert sum(1 for w in written if w.validator) > len(written) // 3


# --- what the clerk sees ----------------------------------------------------------------------

def test_the_status_line_counts_what_is_broken(tmp_path: Path) -> None:
    """Seed 004 (2021) with one number off: LibreOffice shows 2 errors on 三's status line
    (（一）予以公开's 总计 J6, and （七）总计 自然人 D27), and the other sheets all consistent."""
    report = read_report(Path(__file__).parent / "data" / "cases" / "004_zibo_2021.txt")
    granted = report.tables["requests"]["granted"]["natural_person"]
    assert granted.value == 0  # read by hand in the source: （一）予以公开 自然人 0
    granted.value = 1
    (tmp_path / "in").mkdir()
    write_workbook(report, tmp_path / "in" / "broken.xlsx")
    wb = load_workbook(libreoffice_recalculated(tmp_path / "in" / "broken.xlsx", tmp_path / "out"),
                       data_only=True)
    assert wb["三、依申请公开"]["A33"].value == "勾稽关系：2 处不一致（见红色单元格）"
    assert wb["二、主动公开"].cell(*_status(wb, "二、主动公开")).value == "勾稽关系：全部一致"
    assert wb["四、复议诉讼"].cell(*_status(wb, "四、复议诉讼")).value == "勾稽关系：全部一致"
    rules = {(row[0], row[3]): row[4:] for row in wb[RULES_SHEET].iter_rows(min_row=2, values_only=True)
             if row[6] == 1}
    assert rules == {("requests.row_total", "三、依申请公开!J6"): (1, 0, 1),
                     ("requests.outcome_sum", "三、依申请公开!D27"): (3, 2, 1)}


def test_the_legacy_status_line_stands_right_of_the_table(tmp_path: Path) -> None:
    """Seed 001's 统计表 (2018) breaks its sums as printed: 3.3 申请答复数 14 against children
    adding to 12, and four warnings."""
    report = read_report(Path(__file__).parent / "data" / "cases" / "001_xihaian_2018.txt")
    (tmp_path / "in").mkdir()
    write_workbook(report, tmp_path / "in" / "legacy.xlsx")
    wb = load_workbook(libreoffice_recalculated(tmp_path / "in" / "legacy.xlsx", tmp_path / "out"),
                       data_only=True)
    assert wb["统计表"]["G1"].value == "勾稽关系：1 处不一致（见红色单元格）；4 处需核实（见黄色单元格）"


def _status(wb: Workbook, sheet: str) -> tuple[int, int]:
    edition = SPEC.edition("2021")
    table = next(t for t in edition.tables.values() if t.sheet == sheet)
    return status_cell(table_layout(table))
