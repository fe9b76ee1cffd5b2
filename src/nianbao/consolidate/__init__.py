"""Consolidation (汇总): many departments' reports summed, validated in one stacked pass, listed.

    from nianbao.consolidate import consolidate, export_long
    result = consolidate(["报告/"], "汇总.xlsx", roster="名单.xlsx", previous="上年/")
    result.departments, result.errors, result.missing, result.duplicates
    export_long(result, "汇总.csv")      # agency, year, edition, table, row, column, value, blank

Importing one of these names imports pandas and pandera (through the validator); importing the
package alone, or ``nianbao.consolidate.reading``, does not (the command starts reading the files
before it loads the validator).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {"export_long": "export", "long_frame": "export"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{_HOME.get(name, 'consolidation')}", __name__)
    return getattr(module, name)
