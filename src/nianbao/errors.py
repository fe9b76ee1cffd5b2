"""Exceptions that mean "cannot go on". Problems found in a report are data, not errors."""

from __future__ import annotations

__all__ = ["NOTHING_READ", "NianbaoError", "UnreadableInput"]


# The reason given for a source in which the report's tables were recognised (by their
# headings or headers) but not one of their cells could be read.
NOTHING_READ = ("没有读到任何表格数值：找到了年报表格的标题或表头，但没有一个单元格能读出"
                "（表格可能是图片，或排版无法识别）")


class NianbaoError(Exception):
    """Base class; ``str(error)`` is a one-line Chinese message for end users."""


class UnreadableInput(NianbaoError):
    """The file cannot be read as a report or a standard workbook."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason
