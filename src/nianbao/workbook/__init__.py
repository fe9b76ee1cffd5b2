"""The standard workbook: its layout and template built from the spec, a Report written into
it, and read back by one reader from any source of cells (a file, or Excel's open workbook).

Every value cell carries a defined name (``requests.total_processed.total``), so reading
back finds the numbers wherever a clerk has moved them.

    layout    where every label and value cell stands, from the spec alone
    styles    fonts, borders, print setup; text that stays text
    template  the empty workbook of an edition; the committed templates and their drift
    write     a Report into its edition's template
    cells     the sources of cells: a file (python-calamine, else openpyxl), Excel's values
    read      the one reader: cells → Report
"""

from __future__ import annotations

from ..files import is_workbook
from .layout import TableLayout, defined_name, legacy_reference, table_layout
from .read import NOT_STANDARD, read_workbook, report_from_cells, report_from_values, report_from_workbook
from .styles import print_setup, text_row_height
from .template import build_template, fingerprint, template_dir
from .write import write_workbook

__all__ = [
    "NOT_STANDARD",
    "TableLayout",
    "build_template",
    "defined_name",
    "fingerprint",
    "is_workbook",
    "legacy_reference",
    "print_setup",
    "read_workbook",
    "report_from_cells",
    "report_from_values",
    "report_from_workbook",
    "table_layout",
    "template_dir",
    "text_row_height",
    "write_workbook",
]
