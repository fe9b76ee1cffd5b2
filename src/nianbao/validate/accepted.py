"""Warnings a clerk has checked (已核实): a warning the clerk knows to be right as printed (a
narrative that counts differently, a blank the agency really left) is marked with a reason and
not raised again while its rule, its cell and its values stay the same (the finding's id).

The reasons are kept in the workbook: its 已核实 sheet, or typed in the 核实说明 column of the
校验结果 sheet beside the finding's 编号 (the reader reads both: ``Report.accepted``); the
validator sets those warnings apart (``ValidationReport.accepted``). An error cannot be
accepted: its numbers must be corrected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..errors import NianbaoError
from ..spec import Spec, load_spec
from .findings import ValidationReport

__all__ = ["accept", "accepted_rows"]


def accept(result: ValidationReport, ids: Sequence[str], reason: str,
           spec: Spec | None = None) -> ValidationReport:
    """``result`` with the warnings ``ids`` marked 已核实 for ``reason``; NianbaoError (in
    Chinese) for no reason, an id that is no finding of the result, or an error's id."""
    words = (spec or load_spec()).findings.accepted_words
    reason = reason.strip()
    if not reason:
        raise NianbaoError(words["accept_no_reason"])
    by_id = {f.id: f for f in result.findings}
    for ident in ids:
        finding = by_id.get(ident.strip())
        if finding is None:
            raise NianbaoError(words["accept_unknown"].format(id=ident))
        if finding.is_error:
            raise NianbaoError(words["accept_error"].format(id=ident))
    chosen = {ident.strip() for ident in ids}
    kept = tuple(f for f in result.findings if f.id not in chosen)
    newly = tuple((f, reason) for f in result.findings if f.id in chosen)
    return ValidationReport(kept, source=result.source, accepted=(*result.accepted, *newly))


def accepted_rows(result: ValidationReport, recorded: Mapping[str, object] | None = None,
                  spec: Spec | None = None) -> list[list[object]]:
    """The 已核实 sheet's rows under its header (the spec's ``accepted_columns``): one per
    accepted warning, with when it was first recorded (``recorded``: id → time, from the sheet
    it replaces; else now). The command line and the add-in write the same rows."""
    spec = spec or load_spec()
    titles = {r.id: r.title for r in spec.all_rules}
    now = datetime.now().strftime("%Y-%m-%d %H:%M")
    recorded = recorded or {}
    return [[f.id, titles.get(f.rule, f.rule), f.cell or "", f.expected, f.actual, reason,
             recorded.get(f.id) or now] for f, reason in result.accepted]
