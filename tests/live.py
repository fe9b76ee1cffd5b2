"""Evaluating a standard workbook's live rules outside Excel: its conditional formats and its
勾稽公式 sheet through the ``formulas`` package (a Python Excel formula engine), and the sheet
through LibreOffice recalculating the saved file headless.

Nothing here knows how nianbao generates its formulas: they are read from the workbook as saved.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import schedula
from openpyxl import Workbook

from nianbao.spec import load_spec

SPEC = load_spec()
RULES_SHEET = SPEC.sheets["rules"]
SEVERITY = {word: key for key, word in SPEC.findings.severity.items()}
FILL_SEVERITY = {"FFFFC7CE": "error", "FFFFEB9C": "warning"}
_REFERENCE = re.compile(
    r"(?<![A-Za-z0-9_.])(?:'((?:[^']|'')+)'!|([A-Za-z0-9_]+)!)?\$?([A-Z]{1,3})\$?([0-9]+)(?![0-9(])")
_STRING = re.compile(r'"[^"]*"')

Flag = tuple[str, str]  # (rule id or severity, "sheet!A1")


class Evaluator:
    """Excel formulas evaluated by the ``formulas`` engine. A formula is compiled once per
    shape (its cell references renamed in order of appearance), and a compiled formula's
    result is cached by its inputs' values: a per-cell rule over 200 cells compiles once."""

    def __init__(self) -> None:
        self._compiled: dict[str, Any] = {}
        self._results: dict[tuple[str, tuple], Any] = {}
        self._shapes: dict[tuple[str, str], tuple[str, list[tuple[str, str]]]] = {}

    def shape(self, formula: str, sheet: str) -> tuple[str, list[tuple[str, str]]]:
        """The formula with its references renamed A1, A2, … and the (sheet, cell) of each."""
        refs: list[tuple[str, str]] = []
        out, last = [], 0
        strings = [m.span() for m in _STRING.finditer(formula)]
        for m in _REFERENCE.finditer(formula):
            if any(a <= m.start() < b for a, b in strings):
                continue
            ref = ((m.group(1) or "").replace("''", "'") or m.group(2) or sheet, f"{m.group(3)}{m.group(4)}")
            if ref not in refs:
                refs.append(ref)
            out.append(formula[last:m.start()] + f"A{refs.index(ref) + 1}")
            last = m.end()
        out.append(formula[last:])
        return "".join(out), refs

    def __call__(self, formula: str, sheet: str, value: Callable[[str, str], Any]) -> Any:
        """The value of ``formula`` (without "=") written on ``sheet``; ``value(sheet, cell)``
        gives a cell's content (None for blank)."""
        if (formula, sheet) not in self._shapes:
            self._shapes[formula, sheet] = self.shape(formula, sheet)
        shaped, refs = self._shapes[formula, sheet]
        if shaped not in self._compiled:
            self._compiled[shaped] = formulas.Parser().ast("=" + shaped)[1].compile()
        function = self._compiled[shaped]
        inputs = tuple(value(*refs[int(name[1:]) - 1]) for name in function.inputs)
        key = (shaped, tuple((type(v).__name__, v) for v in inputs))
        if key not in self._results:
            cells = [np.array([[schedula.EMPTY if v is None else v]], dtype=object) for v in inputs]
            result = function(*cells)
            self._results[key] = _scalar(result)
        return self._results[key]


def _scalar(result: Any) -> Any:
    while isinstance(result, np.ndarray):
        result = result.ravel()[0] if result.size else None
    if isinstance(result, np.bool_):
        return bool(result)
    return result


def workbook_values(wb: Workbook) -> Callable[[str, str], Any]:
    def value(sheet: str, cell: str) -> Any:
        return wb[sheet][cell].value
    return value


def conditional_flags(wb: Workbook, evaluate: Evaluator) -> set[Flag]:
    """(severity, cell) of every conditional format that fills its cell and is TRUE now."""
    flags: set[Flag] = set()
    value = workbook_values(wb)
    for ws in wb.worksheets:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                fill = rule.dxf.fill if rule.dxf is not None else None
                if fill is None or fill.fill_type is None:
                    continue  # the status line's font colour
                color = fill.fgColor.rgb if fill.fgColor is not None and fill.fgColor.rgb else (
                    fill.bgColor.rgb)
                ranges = list(cf.sqref.ranges)
                assert len(ranges) == 1 and ranges[0].size == {"columns": 1, "rows": 1}, cf.sqref
                cell = ranges[0].coord
                if evaluate(rule.formula[0], ws.title, value) is True:
                    flags.add((FILL_SEVERITY[color], f"{ws.title}!{cell}"))
    return flags


def rules_sheet_rows(wb: Workbook) -> list[tuple[str, str, str, str]]:
    """(rule id, severity word, cell, 不一致 formula) of every row of the 勾稽公式 sheet."""
    ws = wb[RULES_SHEET]
    return [(row[0], row[2], row[3], row[6][1:]) for row in ws.iter_rows(min_row=2, values_only=True)]


def sheet_flags(wb: Workbook, evaluate: Evaluator) -> set[Flag]:
    """(rule id, cell) of every 勾稽公式 row whose 不一致 is 1 now."""
    value = workbook_values(wb)
    return {(rule, cell) for rule, _, cell, broken in rules_sheet_rows(wb)
            if evaluate(broken, RULES_SHEET, value) == 1}


# --- LibreOffice --------------------------------------------------------------------------------

def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, ("LibreOffice (soffice) is not installed: the live rules are checked by LibreOffice "
                   "recalculating the saved workbooks (apt-get install libreoffice-calc-nogui)")
    return found


def _convert(paths: Sequence[Path], sheet: int, out: Path, profile: Path) -> None:
    # CSV of one sheet (the 12th token: its number), UTF-8, formulas' results as shown
    spec = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--calc",
                    "--convert-to", spec, "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=900)


def libreoffice_rules(paths: Sequence[Path], sheet_number: Callable[[Path], int],
                      workers: int = 2) -> dict[Path, set[Flag]]:
    """Each workbook recalculated by LibreOffice: (rule id, cell) of its 勾稽公式 rows whose
    不一致 is 1. ``sheet_number``: the sheet's position (1-based) in a file."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        batches: dict[tuple[int, int], list[Path]] = {}
        for i, path in enumerate(paths):
            batches.setdefault((sheet_number(path), i % workers), []).append(path)
        jobs = []
        for n, ((sheet, _), batch) in enumerate(batches.items()):
            jobs.append((batch, sheet, root / "out", root / f"profile{n % workers}"))
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(_convert, *job) for job in jobs]:
                future.result()
        found: dict[Path, set[Flag]] = {}
        for path in paths:
            csv_path = root / "out" / f"{path.stem}-{RULES_SHEET}.csv"
            with csv_path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f))
            assert rows[0] == list(SPEC.workbook.live["columns"]), rows[0]
            found[path] = {(row[0], row[3]) for row in rows[1:] if row[6] == "1"}
        return found


def libreoffice_recalculated(path: Path, out: Path) -> Path:
    """The workbook saved again by LibreOffice, every formula's value computed."""
    subprocess.run([soffice(), "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(out)})
    return out / path.name


def rule_cells(findings: Iterable[Any], rules: set[str]) -> set[Flag]:
    return {(f.rule, f.cell) for f in findings if f.rule in rules}
