"""Reading a report for validation: values only, as fast as the 150 ms budget asks."""

from __future__ import annotations

from pathlib import Path

from ..api import read_report
from ..files import is_workbook
from ..model import Report
from ..spec import Spec

__all__ = ["is_workbook", "read_for_validation"]


def read_for_validation(path: str | Path, spec: Spec | None = None) -> Report:
    """A report from any source ``convert`` reads; a standard workbook is read without its
    hidden 来源 sheet (where each value came from), which validation does not need."""
    return read_report(path, spec, provenance=False)
