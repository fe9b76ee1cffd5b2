"""The example of each rule, as the spec declares it: a report that passes, the same report
changed so that it fails, and the findings the failing one must give. The test suite runs
them and the rules page shows them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Cell, Heading, LegacyRow, Meta, Report
from ..numbers import NotANumber, parse_number
from ..spec import Rule, Spec, load_spec

__all__ = ["Example", "consolidation_example", "example", "parent_example"]


@dataclass(frozen=True)
class Example:
    """A report built from a rule's example (and last year's, for the two-year rules)."""

    report: Report
    previous: Report | None
    expect: tuple[Mapping[str, Any], ...]  # the findings the failing case gives: row, column, cell, …


def _value(value: Any) -> int | float | None:
    return None if value == "" else _cell(value).value


def _cell(value: Any) -> Cell:
    """An example's cell: a number, or the text a source printed (read as a cell's text is:
    "1件" is 1, "—" is blank, "待核实" is no number and stays as the cell's text)."""
    if not isinstance(value, str):
        return Cell(value, str(value))
    try:
        return Cell(parse_number(value), value)
    except NotANumber:
        return Cell(None, value)


def _set(report: Report, key: str, value: Any, spec: Spec) -> None:
    """Set one example cell ("table.row.column"); an off-form row is added when named."""
    table, row, column = key.split(".")
    cells = report.tables[table].get(row)
    if cells is None:
        cells = report.add_off_form_row(table, row, spec)
    cells[column] = _cell(value)


def _report(raw: Mapping[str, Any], spec: Spec, source: str) -> Report:
    edition = raw.get("edition", spec.default_edition)
    year = raw.get("year", spec.edition(edition).first_year)
    agency = raw.get("agency", spec.findings.example_agency)
    report = Report.blank(Meta(agency=agency, year=year, edition=edition, source=source), spec)
    for key, value in raw.get("cells", {}).items():
        _set(report, key, value, spec)
    if raw.get("legacy"):
        report.legacy = [LegacyRow(code, label, unit or None, _value(value), _cell(value).raw)
                         for code, label, unit, value in raw["legacy"]]
    _set_text(report, raw)
    return report


def _set_text(report: Report, raw: Mapping[str, Any]) -> None:
    """The example's text: ``narrative`` (一、总体情况's text, or a table of sections' texts) and
    ``headings`` ([section, heading as printed] in the order printed, as a source gives them)."""
    if "narrative" in raw:
        text = raw["narrative"]
        report.narrative = dict(text) if isinstance(text, Mapping) else {"overview": text}
    if "headings" in raw:
        report.headings = [Heading(key, printed, f"第{i}段")
                           for i, (key, printed) in enumerate(raw["headings"], start=1)]


def example(rule: Rule | str, failing: bool, spec: Spec | None = None) -> Example:
    """The rule's passing report, or (``failing``) the one with ``example.fail`` applied."""
    spec = spec or load_spec()
    rule = spec.rule(rule) if isinstance(rule, str) else rule
    raw = rule.params["example"]
    report = _report(raw, spec, f"{rule.id}.example")
    previous = _report(raw["previous"], spec, f"{rule.id}.previous") if "previous" in raw else None
    if failing:
        change = raw["fail"]
        for key, value in change.get("cells", {}).items():
            _set(report, key, value, spec)
        for key, printed in change.get("labels", {}).items():  # a row's label as printed
            table, row = key.split(".")
            for cell in report.tables[table][row].values():
                cell.label = printed
        codes = change.get("legacy", {})
        for row in report.legacy or ():
            if row.code in codes:
                row.value, row.raw = _value(codes[row.code]), _cell(codes[row.code]).raw
        _set_text(report, change)
        if "year" in change:
            report.meta.year = change["year"]
    return Example(report, previous, tuple(raw.get("expect", ())) if failing else ())


def consolidation_example(rule: Rule | str, failing: bool, folder: Path,
                          spec: Spec | None = None) -> tuple[Mapping[str, Any], ...]:
    """Write the files of a consolidation rule's example into ``folder`` (the departments'
    reports as standard workbooks; with ``failing``, the change applied); returns the findings
    that consolidating the folder must give."""
    from ..workbook import write_workbook

    spec = spec or load_spec()
    rule = spec.rule(rule) if isinstance(rule, str) else rule
    raw = rule.params["example"]
    change = raw.get("fail", {}) if failing else {}
    folder.mkdir(parents=True, exist_ok=True)
    for i, entry in enumerate(raw.get("reports", ())):
        report = _report(entry, spec, f"{rule.id}.{i}")
        for key in change.get("drop_tables", ()):
            report.tables.pop(key, None)
        write_workbook(report, folder / f"{report.meta.agency or i}.xlsx", spec)
    for name, text in change.get("files", {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return tuple(raw.get("expect", ())) if failing else ()


def parent_example(rule: Rule | str, failing: bool, path: Path, spec: Spec | None = None) -> Path | None:
    """Write the parent's own report of a rule's example (``parent``, with ``fail.parent_cells``
    set when ``failing``) to ``path`` as a standard workbook; None when the example has none.
    The departments are ``consolidation_example``'s."""
    from ..workbook import write_workbook

    spec = spec or load_spec()
    rule = spec.rule(rule) if isinstance(rule, str) else rule
    raw = rule.params["example"]
    if "parent" not in raw:
        return None
    report = _report(raw["parent"], spec, f"{rule.id}.parent")
    for key, value in (raw.get("fail", {}).get("parent_cells", {}) if failing else {}).items():
        _set(report, key, value, spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(report, path, spec)
    return path

