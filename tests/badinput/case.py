"""One case of the bad-input corpus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BadInput"]


@dataclass(frozen=True)
class BadInput:
    """One bad input: how to make it, and what ``convert`` and ``validate`` must answer.

    ``make(folder)`` writes the file into ``folder`` and returns its path. ``convert_says`` and
    ``validate_says`` are substrings of what each command prints; ``convert`` and ``validate``
    their exit statuses. ``owner``: the file is known to crash in code another part of the
    work owns, named with the traceback's last line (the test is a strict xfail)."""

    name: str
    make: Callable[[Path], Path]
    convert_says: str
    convert: int
    validate_says: str
    validate: int
    owner: str | None = None
