"""Exceptions that mean "cannot go on". Problems found in a report are data, not errors."""

from __future__ import annotations

__all__ = ["NianbaoError", "UnreadableInput"]


class NianbaoError(Exception):
    """Base class; ``str(error)`` is a one-line Chinese message for end users."""


class UnreadableInput(NianbaoError):
    """The file cannot be read as a report or a standard workbook."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason
