"""Kept for imports of ``nianbao.layout``: the layout lives in ``nianbao.workbook.layout``."""

from .workbook.layout import Label, TableLayout, defined_name, legacy_reference, table_layout

__all__ = ["Label", "TableLayout", "defined_name", "legacy_reference", "table_layout"]
