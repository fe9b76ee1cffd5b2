"""The public operations, shared by the CLI and the Excel add-in."""

from __future__ import annotations

import json
from pathlib import Path

from . import limits
from .assemble import assemble
from .errors import UnreadableInput
from .files import is_workbook, save_atomically
from .model import Report
from .readers import read_document
from .spec import Spec

__all__ = ["read_report", "report_json", "save_workbook"]


def read_report(path: str | Path, spec: Spec | None = None, provenance: bool = True) -> Report:
    """Read a report from any supported source file, or from a standard workbook (without
    ``provenance``, a workbook's values are read without its hidden 来源 sheet)."""
    path = Path(path)
    if is_workbook(path):
        from .workbook import read_workbook

        return read_workbook(path, spec, provenance=provenance)
    try:
        with limits.clock():  # one time budget for reading and matching (limits.py)
            report = assemble(read_document(path), spec)
            limits.check_time(str(path))
    except UnreadableInput as exc:  # name the file as the user gave it
        raise UnreadableInput(str(path), exc.reason) from None
    if report.meta.source is None:
        report.meta.source = path.name
    return report


def report_json(report: Report, indent: int | None = 2) -> str:
    """The canonical JSON text of a report."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=indent, allow_nan=False)


def save_workbook(report: Report, path: str | Path) -> Path | None:
    """Write a report as a standard workbook; returns the backup of a replaced file."""
    from .workbook import write_workbook

    return save_atomically(Path(path), lambda tmp: write_workbook(report, tmp))
