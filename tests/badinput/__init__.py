"""The bad-input corpus: hostile and broken files made by a script, each with what the tool
must say about it (a substring of the one-line reason, in Chinese) and the exit status of
``nianbao convert`` and ``nianbao validate``.

Nothing here is a stored blob: every file is made from the test cases (tests/data/cases) or
from nothing, at test time (``tests/test_bad_input.py``), or into a folder to look at with
``python -m tests.badinput FOLDER``.

    formats     empty, garbage, truncated and fake-magic files of every format; a scanned PDF;
                unknown encodings; a 400-digit count; zip entries encrypted or compressed oddly
    workbooks   standard workbooks edited badly: sheets renamed or deleted, a sheet part gone,
                rows inserted, text, formulas, error values and dates in value cells, defined
                names pointing elsewhere or at a range
"""

from __future__ import annotations

from pathlib import Path

from .case import BadInput

__all__ = ["CASES", "BadInput", "generate"]


def _cases() -> list[BadInput]:
    from . import formats, workbooks

    return [*formats.CASES, *workbooks.CASES]


CASES: list[BadInput] = _cases()


def generate(folder: Path) -> list[tuple[BadInput, Path]]:
    """Write every case into ``folder``; returns each case with its file."""
    folder.mkdir(parents=True, exist_ok=True)
    return [(case, case.make(folder)) for case in CASES]
