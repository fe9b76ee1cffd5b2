"""The empty consolidated workbook of each edition: ``xlsx_templates/consolidated/<edition>.xlsx``.

It is what ``consolidate`` writes for no departments, so the template and the writer cannot
drift apart; ``nianbao template build --check`` compares the committed files with a fresh build.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..spec import Spec, load_spec
from .consolidation import Consolidation, summary_cells
from .sheets import write_consolidation
from .totals import cell_totals, stack

__all__ = ["FOLDER", "build_consolidated_template"]

FOLDER = "consolidated"


def build_consolidated_template(edition_key: str, spec: Spec | None = None) -> Workbook:
    """The consolidated workbook of an edition with no departments in it (the 统计表 edition:
    a workbook whose reports are all 统计表)."""
    spec = spec or load_spec()
    edition = None if edition_key == "legacy" else edition_key
    data = stack([], spec)
    empty = Consolidation(output=Path(f"{FOLDER}.xlsx"), edition=edition,  # a name no sheet shows
                          totals=cell_totals(data, summary_cells(edition, spec), spec))
    buffer = io.BytesIO()
    write_consolidation(empty, buffer, spec, data)
    buffer.seek(0)
    return load_workbook(buffer)
