"""nianbao: 政府信息公开工作年度报告 to one standard Excel workbook, and back.

The public API is small: read a report from any source or standard workbook, write it as
a standard workbook or canonical JSON.
"""

from __future__ import annotations

from importlib.metadata import version as _version

__version__ = _version("nianbao")  # from the installed package's metadata (pyproject.toml)

from .api import read_report, report_json, save_workbook
from .errors import NianbaoError, UnreadableInput
from .model import Cell, LegacyRow, Meta, Report, Unmapped
from .spec import load_spec

__all__ = [
    "Cell",
    "LegacyRow",
    "Meta",
    "NianbaoError",
    "Report",
    "Unmapped",
    "UnreadableInput",
    "load_spec",
    "read_report",
    "report_json",
    "save_workbook",
]
