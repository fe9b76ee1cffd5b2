"""How the standard workbook looks: fonts, borders, fills, text that stays text, print setup."""

from __future__ import annotations

import math
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..spec import load_spec

__all__ = ["BORDER", "CENTER", "FONT", "FORMULA_STARTS", "HEADER_FILL", "LABEL", "NUMBER", "TEXT",
           "print_setup", "set_text", "text_row_height"]

_WORDS = load_spec().workbook
FONT = _WORDS.font
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
LABEL = Alignment(horizontal="left", vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="center")
TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
# What makes a spreadsheet take typed-in text for a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_text(cell: Any, text: str) -> None:
    """Write text that stays text: "=SUM(…)" from a report never becomes a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in FORMULA_STARTS:
        cell.quotePrefix = True


def text_row_height(text: str, width: float) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    lines = max(1, math.ceil(units * 1.1 / max(width - 1, 1)))
    return 14.25 * lines + 3


def print_setup(ws: Worksheet, title: str) -> None:
    """A4 landscape, fit to the page width, the title as page header, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # also for write-only sheets
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = _WORDS.footer
