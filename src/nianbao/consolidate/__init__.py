"""Consolidation (汇总): many departments' reports summed, validated in one stacked pass, listed.

    from nianbao.consolidate import consolidate, export_long
    result = consolidate(["报告/"], "汇总.xlsx", roster="名单.xlsx", previous="上年/")
    result.departments, result.errors, result.missing, result.duplicates
    export_long(result, "汇总.csv")      # agency, year, edition, table, row, column, value, blank

Importing this package imports pandas and pandera (through the validator).
"""

from __future__ import annotations

from .consolidation import Change, Consolidation, Department, Duplicate, consolidate
from .export import export_long, long_frame

__all__ = [
    "Change",
    "Consolidation",
    "Department",
    "Duplicate",
    "consolidate",
    "export_long",
    "long_frame",
]
