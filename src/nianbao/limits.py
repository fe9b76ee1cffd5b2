"""Resource limits for reading one input file, each overridable by an environment variable.

A hostile or broken file (a zip bomb, a 100 MB page, a table of a million cells, a PDF of ten
thousand pages) is refused with a Chinese reason instead of exhausting memory or time. The
defaults are far above any real report; ``NIANBAO_MAX_*`` raises or lowers them (worker
processes inherit the environment). The time budget is checked at stage boundaries (after
reading, per page, per table, after matching), so a slow file stops at the next boundary.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import UnreadableInput

__all__ = ["LIMITS", "Limit", "Limits", "check_time", "clock", "current", "override_hint", "remaining",
           "table_too_large", "too_long"]


@dataclass(frozen=True)
class Limit:
    """One limit: the environment variable that overrides it, and its default."""

    variable: str
    default: int

    def value(self) -> int:
        """The limit in force: the environment's value when it is a positive whole number."""
        text = os.environ.get(self.variable, "").strip()
        if text.isdigit() and int(text) > 0:
            return int(text)
        return self.default


LIMITS = {
    "file_mb": Limit("NIANBAO_MAX_FILE_MB", 100),  # an input file, in MB
    "inflated_mb": Limit("NIANBAO_MAX_INFLATED_MB", 200),  # a .docx/.xlsx's parts inflated, in MB
    # zipfile builds an object of about 400 bytes per part when it opens a package: a million
    # empty parts (in 80 MB) would take 400 MB before anything is read; Office writes dozens
    "parts": Limit("NIANBAO_MAX_PARTS", 10_000),
    "ratio": Limit("NIANBAO_MAX_RATIO", 200),  # inflated to compressed size, of a part over 1 MB
    "pdf_pages": Limit("NIANBAO_MAX_PDF_PAGES", 500),
    # pdfplumber's table finder takes time quadratic in the crossings of a page's rules (a
    # 100 by 100 grid: 3 s; 150 by 150: 12 s); a real page has a few hundred
    "pdf_grid": Limit("NIANBAO_MAX_PDF_GRID", 10_000),
    "table_cells": Limit("NIANBAO_MAX_TABLE_CELLS", 200_000),  # rows times columns of one grid
    "text_chars": Limit("NIANBAO_MAX_TEXT_CHARS", 1_000_000),  # of one report; a real one has 10,000-50,000
    "seconds": Limit("NIANBAO_MAX_SECONDS", 180),  # to read and match one file
}


@dataclass(frozen=True)
class Limits:
    """The limits in force, in bytes where sizes are concerned."""

    file_bytes: int
    inflated_bytes: int
    parts: int
    ratio: int
    pdf_pages: int
    pdf_grid: int
    table_cells: int
    text_chars: int
    seconds: int


def current() -> Limits:
    """The limits in force now (defaults, or the environment's overrides)."""
    mb = 1024 * 1024
    return Limits(
        file_bytes=LIMITS["file_mb"].value() * mb,
        inflated_bytes=LIMITS["inflated_mb"].value() * mb,
        parts=LIMITS["parts"].value(),
        ratio=LIMITS["ratio"].value(),
        pdf_pages=LIMITS["pdf_pages"].value(),
        pdf_grid=LIMITS["pdf_grid"].value(),
        table_cells=LIMITS["table_cells"].value(),
        text_chars=LIMITS["text_chars"].value(),
        seconds=LIMITS["seconds"].value(),
    )


_deadline: float | None = None


def override_hint(key: str) -> str:
    """The words that tell how to change a limit: 可用环境变量 NIANBAO_MAX_… 调整."""
    return f"可用环境变量 {LIMITS[key].variable} 调整"


def too_long() -> str:
    """The reason given for a report beyond the character limit."""
    limit = LIMITS["text_chars"].value()
    return f"文本过长（超过 {limit} 个字符，{override_hint('text_chars')}），不像是一份年报"


def table_too_large(number: int, rows: int, columns: int) -> str:
    """The reason given for a table beyond the table-size limit."""
    limit = LIMITS["table_cells"].value()
    return (f"第{number}个表格过大（{rows} 行、{columns} 列，上限 {limit} 个单元格，"
            f"{override_hint('table_cells')}），不像是年报的表格")


@contextmanager
def clock() -> Iterator[None]:
    """The time budget of reading one file, for the duration of the ``with`` block."""
    global _deadline
    outer = _deadline
    if outer is None:  # a clock inside another (reading inside converting) keeps its deadline
        _deadline = time.monotonic() + current().seconds
    try:
        yield
    finally:
        _deadline = outer


def check_time(source: str) -> None:
    """UnreadableInput when the file being read has used up its time budget (outside a
    ``clock`` block there is no budget)."""
    if _deadline is not None and time.monotonic() > _deadline:
        seconds = LIMITS["seconds"].value()
        raise UnreadableInput(source, f"读取超时：超过 {seconds} 秒仍未读完，已停止"
                                      f"（{override_hint('seconds')}）")


def remaining() -> float:
    """Seconds left of the current file's time budget (the whole budget outside a ``clock``)."""
    if _deadline is None:
        return float(current().seconds)
    return max(0.0, _deadline - time.monotonic())
