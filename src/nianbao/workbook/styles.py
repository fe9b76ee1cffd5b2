"""How the standard workbook looks: fonts, borders, fills, text that stays text, print setup."""

from __future__ import annotations

import math
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from ..files import FORMULA_STARTS
from ..spec import load_spec

__all__ = ["BORDER", "CENTER", "FILLS", "FONT", "FORMULA_STARTS", "HEADER_FILL", "LABEL", "MAX_ROW_HEIGHT",
           "NUMBER", "NUMBER_FORMATS", "TEXT", "UNLOCKED", "add_validations", "print_header", "print_setup",
           "protect", "set_text", "text_chunks", "text_row_height"]

_WORDS = load_spec().workbook
FONT = _WORDS.font
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
# A cell's fill where a rule is broken, by severity (ARGB): the live rules' conditional formats
# and the validator's marks (校验, --annotate) look the same.
FILLS = {"error": "FFFFC7CE", "warning": "FFFFEB9C"}
LABEL = Alignment(horizontal="left", vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="center")
TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
# The number format of a value cell, by the kind of number it holds.
NUMBER_FORMATS = {"count": "0", "money": "0.00", "signed": "0", "year": "0"}
MAX_ROW_HEIGHT = 409.0  # points: Excel's tallest row
_LINE = 14.25  # points per wrapped line of 10–11 pt 宋体


def set_text(cell: Any, text: str) -> None:
    """Write text that stays text: "=SUM(…)" from a report never becomes a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text[:1] in FORMULA_STARTS:
        cell.quotePrefix = True


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (a CJK
    character is two), each of its own line breaks starting a line."""
    lines = 0
    for paragraph in text.split("\n"):
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in paragraph)
        lines += max(1, math.ceil(units * 1.1 / max(width - 1, 1)))
    return lines


def text_row_height(text: str, width: float) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide."""
    return _LINE * _lines(text, width) + 3


def text_chunks(text: str, width: float, limit: int) -> list[str]:
    """``text`` cut into pieces that each fit a row of Excel's tallest height in a column
    ``width`` characters wide and hold at most ``limit`` characters; joined they are ``text``.
    Cuts fall after a line break or a sentence (。；！？) where one is near."""
    fits = int((MAX_ROW_HEIGHT - 3) / _LINE) - 3  # a margin for a wider font than estimated
    chunks: list[str] = []
    rest = text
    while rest:
        end = len(rest)
        while end > 1 and (end > limit or _lines(rest[:end], width) > fits):
            end = max(1, min(end - 1, int(end * 0.9)))
        if end < len(rest):
            cut = max(rest.rfind(mark, 0, end) for mark in ("\n", "。", "；", "！", "？"))
            if cut >= end // 2:
                end = cut + 1
        chunks.append(rest[:end])
        rest = rest[end:]
    return chunks or [""]


def protect(ws: Worksheet) -> None:
    """Sheet protection without a password: labels cannot be overwritten by accident, the
    unlocked value cells take typing; cells may still be filled and commented (校验's marks),
    rows and columns resized."""
    ws.protection = SheetProtection(sheet=True, formatCells=False, formatColumns=False,
                                    formatRows=False, objects=False)


def add_validations(ws: Worksheet, cells: dict[str, list[str]]) -> None:
    """One data validation per kind of number (count, money, signed, year) over all its
    ``cells`` (A1 addresses), with the spec's input message and error alert."""
    low, high = _WORDS.years
    rules = {"count": ("whole", "greaterThanOrEqual", "0", None),
             "money": ("decimal", "greaterThanOrEqual", "0", None),
             "signed": ("whole", "between", "-999999999", "999999999"),
             "year": ("whole", "between", str(low), str(high))}
    for kind, addresses in cells.items():
        if not addresses:
            continue
        kind_of, operator, first, second = rules[kind]
        words = _WORDS.validation[kind]
        dv = DataValidation(type=kind_of, operator=operator, formula1=first, formula2=second,
                            allow_blank=True, showInputMessage=True, showErrorMessage=True,
                            errorStyle="stop", promptTitle=words["prompt_title"], prompt=words["prompt"],
                            errorTitle=words["error_title"], error=words["error"])
        dv.sqref = " ".join(addresses)
        ws.add_data_validation(dv)


def print_header(ws: Worksheet, agency: str | None, year: int | None) -> None:
    """The agency and year at the left of every printed page's header."""
    if year is not None:
        text = _WORDS.print_header.format(agency=agency or "", year=year).strip()
    else:
        text = agency or ""
    ws.oddHeader.left.text = text.replace("&", "&&") or None


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
