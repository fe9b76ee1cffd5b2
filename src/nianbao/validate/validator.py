"""Running the rules: frames from the reports, one pandera schema per frame, findings out."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..agency import agency_key, match_note, same_agency
from ..errors import NOTHING_READ, UnreadableInput
from ..model import Report
from ..register import AgencyRegister, Sighting
from ..spec import Spec, load_spec
from .checks import Context, RuleCheck, frame_schema, rule_checks
from .findings import Finding, ValidationReport, sort_findings
from .frames import build_frames

__all__ = ["previous_year", "validate", "validate_many", "validate_path"]


@functools.cache
def _plan(spec: Spec) -> Mapping[str, tuple[pa.DataFrameSchema, Mapping[str, RuleCheck]]]:
    """For each frame, its schema and the rule checks it carries, built once per spec."""
    by_frame: dict[str, list[RuleCheck]] = defaultdict(list)
    for check in rule_checks(spec):
        by_frame[check.frame].append(check)
    return {
        name: (frame_schema(name, spec, checks), {c.rule.id: c for c in checks})
        for name, checks in by_frame.items()
    }


def _findings(cases: pd.DataFrame, df: pd.DataFrame, checks: Mapping[str, RuleCheck],
              ctx: Context) -> Iterator[tuple[int, Finding]]:
    ours = cases["check"].isin(list(checks))
    if not ours.all():  # a frame that does not fit its own schema is a bug, not a finding
        wrong = cases[~ours].head(3).to_dict("records")
        raise RuntimeError(f"validation frame does not fit its schema: {wrong}")
    broken = cases[cases["index"].isna()]
    if not broken.empty:  # a check that raised instead of answering per row
        raise RuntimeError(f"validation check failed to run: {broken.head(3).to_dict('records')}")
    # A failed dataframe-level check lists every column of a failing row: one row, one failure.
    cases = cases.drop_duplicates(["check", "index"])
    for rule_id, group in cases.groupby("check", sort=False):
        failing = df.loc[sorted(int(i) for i in group["index"])]
        yield from checks[rule_id].explain(df, failing, ctx)


def validate_many(reports: Sequence[Report], previous: Sequence[Report | None] | None = None,
                  spec: Spec | None = None) -> list[ValidationReport]:
    """Validate many reports at once, stacked in the same frames; ``previous[i]`` is last
    year's report of ``reports[i]`` (or None). A report without any table (nothing was read)
    raises UnreadableInput: the readers refuse such sources, so only a hand-made Report can."""
    spec = spec or load_spec()
    if previous is not None and len(previous) != len(reports):
        raise ValueError("previous must have one entry (or None) per report")
    for report in reports:
        if not report.has_tables():  # nothing read is not valid: it cannot be validated
            raise UnreadableInput(report.meta.source or "", NOTHING_READ)
    frames = build_frames(reports, spec, previous)
    ctx = Context(spec, reports)
    found: list[list[Finding]] = [[] for _ in reports]
    for name, (schema, checks) in _plan(spec).items():
        df = frames.get(name)
        if df is None or df.empty:
            continue
        try:
            schema.validate(df, lazy=True, inplace=True)
        except pa.errors.SchemaErrors as exc:
            for at, finding in _findings(exc.failure_cases, df, checks, ctx):
                found[at].append(finding)
    return [_with_accepted(sort_findings(f, spec), r) for f, r in zip(found, reports, strict=True)]


def _with_accepted(findings: Sequence[Finding], report: Report) -> ValidationReport:
    """The findings, with the warnings the clerk has marked 已核实 (by id, so only while the
    rule, the cell and the values are the same) set apart with their reason. An error cannot
    be accepted: its numbers must be corrected."""
    kept: list[Finding] = []
    accepted: list[tuple[Finding, str]] = []
    for finding in findings:
        reason = None if finding.is_error else report.accepted.get(finding.id)
        if reason:
            accepted.append((finding, reason))
        else:
            kept.append(finding)
    return ValidationReport(tuple(kept), source=report.meta.source, accepted=tuple(accepted))


def validate(report: Report, previous: Report | None = None, spec: Spec | None = None) -> ValidationReport:
    """Validate one report (against last year's, when given); UnreadableInput when the
    report holds no table at all."""
    return validate_many([report], None if previous is None else [previous], spec)[0]


def previous_year(report: Report, previous: Report, name: str, register: AgencyRegister | None = None,
                  sources: tuple[str, str] = ("", "")) -> tuple[Report | None, list[str]]:
    """Last year's report to check ``report`` against, or None when it is of another year; and
    what to tell the user (the year that does not fit, how the agencies were paired: by the
    region rule or by the agency ``register``). ``name`` is the file last year's report was
    read from. Both names are recorded in ``register`` (with the files they were read from,
    ``sources``: this year's, last year's), and their pairing when one was made."""
    notes: list[str] = []
    current, earlier = report.meta.agency, previous.meta.agency
    seen = (Sighting(current or "", report.meta.year, sources[0], report.meta.region or ""),
            Sighting(earlier or "", previous.meta.year, sources[1], previous.meta.region or ""))
    year, before = report.meta.year, previous.meta.year
    usable = register is not None and register.usable
    if year and before and before != year - 1:
        notes.append(f"! {name} 是{before}年度的报告，不是{year - 1}年度的，未做跨年度核对")
        if register is not None:
            for sighting in seen:
                register.see(sighting)
        return None, notes
    note = match_note(current, earlier)
    paired = same_agency(current, earlier) or (usable and register is not None
                                                and register.listed_together(current, earlier))
    if note:
        notes.append(f"  {note}")
    elif paired and register is not None and agency_key(current) != agency_key(earlier):
        notes.append("  " + register.message("matched", current=current or "", previous=earlier or ""))
    elif current and earlier and not paired:
        notes.append(f"! {name} 的填报单位是“{earlier}”，本报告是“{current}”，名称不一致；"
                     "仍按指定的上年报告核对")
        if usable and register is not None:
            notes.append("  " + register.message("rename_hint", current=current, previous=earlier))
    if register is not None:
        if paired:
            register.link(*seen)
        for sighting in seen:
            register.see(sighting)
    return previous, notes


def validate_path(path: str | Path, previous: str | Path | None = None) -> ValidationReport:
    """Read a report (any source ``convert`` reads, or a standard workbook) and validate it."""
    from .read import read_for_validation

    report = read_for_validation(path)
    last_year = None if previous is None else read_for_validation(previous)
    result = validate(report, last_year)
    return ValidationReport(result.findings, source=Path(path).name)
