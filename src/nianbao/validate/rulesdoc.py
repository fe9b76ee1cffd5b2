"""The rules page of the docs (docs/rules.md), generated from the spec and its examples."""

from __future__ import annotations

from pathlib import Path

from ..spec import Rule, Spec, load_spec
from ..workbook.live import LEGACY_KINDS, NOT_LIVE, TABLE_KINDS
from .examples import example
from .validator import validate

__all__ = ["check_rules_page", "rules_markdown", "rules_page_path"]


def _severity(rule: Rule, spec: Spec) -> str:
    return f"- severity: {rule.severity} ({spec.severity_label(rule.severity)})"


def _live(rule: Rule) -> str:
    """Whether the workbook checks the rule itself: yes, or why not."""
    if rule.kind in NOT_LIVE:
        return "no: " + NOT_LIVE[rule.kind]
    return "yes" if rule.kind in TABLE_KINDS or rule.kind in LEGACY_KINDS else "no"


def rules_page_path() -> Path:
    """docs/rules.md in the source tree."""
    return Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def rules_markdown(spec: Spec | None = None) -> str:
    """The rules page: for every rule its id, severity, table, what it checks, and the
    finding its example gives."""
    spec = spec or load_spec()
    lines = [
        "# Validation rules (勾稽关系)",
        "",
        "Generated from `src/nianbao/spec/spec.toml` by `nianbao rules build`; do not edit by hand",
        "(`nianbao rules build --check` and the test suite fail when this page drifts from the spec).",
        "",
        "`nianbao validate` checks every rule below. Blank cells count as 0 in the arithmetic and",
        "the message says which cells were blank. An error makes the report invalid (exit status 1);",
        "a warning is reported but does not. Each example is the finding the rule's example report",
        "in the spec gives; the test suite runs every example.",
        "",
        "*In the workbook*: the rules that read one report's table cells are also formulas in the",
        "standard workbook (the cell turns red or yellow as the clerk types, the sheet's status line",
        "counts them; no macros); the others need more than the cells and run in `validate` only.",
        "",
        "| id | severity | table | checks | in the workbook |",
        "|---|---|---|---|---|",
    ]
    for rule in spec.rules:
        editions = f" (editions: {', '.join(rule.editions)})" if rule.editions else ""
        lines.append(f"| `{rule.id}` | {rule.severity} | {rule.table} | {rule.title}{editions} | "
                     f"{_live(rule)} |")
    for rule in spec.rules:
        case = example(rule, failing=True, spec=spec)
        findings = validate(case.report, case.previous, spec).findings
        lines += ["", f"## `{rule.id}`", "", _severity(rule, spec),
                  f"- table: `{rule.table}`", f"- checks: {rule.description}"]
        if rule.editions:
            lines.append(f"- editions: {', '.join(rule.editions)}")
        lines += ["", "Example finding:", ""]
        for f in findings[:2]:
            where = f"`{f.cell}` " if f.cell else ""
            lines.append(f"> {where}{f.message}")
            lines.append(">")
        if lines[-1] == ">":
            lines.pop()
    own = [r for r in spec.all_rules if r.stage in ("consolidate", "parent")]
    if own:
        lines += ["", "# Rules of the consolidation (汇总)", "",
                  "`nianbao consolidate` checks these besides every rule above; its 校验 sheet lists",
                  "their findings with the validator's. The test suite consolidates each example.",
                  "The `parent.` rules compare the supervisor's own report (`--parent 本级年报`) with",
                  "the sum of its departments' (the 本级对比 sheet).", "",
                  "| id | severity | checks |", "|---|---|---|"]
        lines += [f"| `{r.id}` | {r.severity} | {r.title} |" for r in own]
        for rule in own:
            lines += ["", f"## `{rule.id}`", "", _severity(rule, spec),
                      f"- checks: {rule.description}", f"- message: {rule.params['message']}"]
    return "\n".join(lines) + "\n"


def check_rules_page(path: Path | None = None, spec: Spec | None = None) -> bool:
    """True when the page on disk is what the spec generates."""
    path = path or rules_page_path()
    return path.is_file() and path.read_text(encoding="utf-8") == rules_markdown(spec)
