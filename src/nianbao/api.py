"""The public operations, shared by the CLI and the Excel add-in."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .assemble import assemble
from .errors import UnreadableInput
from .model import Report
from .readers import read_document

__all__ = [
    "SOURCE_SUFFIXES",
    "backup_path",
    "expand_inputs",
    "read_report",
    "report_json",
    "save_atomically",
    "save_workbook",
]

# What a folder given as input contributes: report files, and standard workbooks when wanted.
SOURCE_SUFFIXES = (".txt", ".htm", ".html", ".shtml", ".xhtml", ".doc", ".docx", ".wps", ".rtf", ".pdf")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")



def read_report(path: str | Path) -> Report:
    """Read a report from any supported source file, or from a standard workbook."""
    path = Path(path)
    if _is_workbook(path):
        from .workbook import read_workbook

        return read_workbook(path)
    try:
        report = assemble(read_document(path))
    except UnreadableInput as exc:  # name the file as the user gave it
        raise UnreadableInput(str(path), exc.reason) from None
    if report.meta.source is None:
        report.meta.source = path.name
    return report


def _is_workbook(path: Path) -> bool:
    """A standard workbook is read back, whatever its name; anything else is a source."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except OSError:
        return False


def report_json(report: Report, indent: int | None = 2) -> str:
    """The canonical JSON text of a report."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=indent)


def backup_path(path: Path) -> Path:
    """A free name beside ``path`` for keeping its previous version: 年报.bak.xlsx, .bak2 …"""
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.bak{'' if n == 1 else n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def save_atomically(path: Path, write: Callable[[Path], None], backup: bool = True) -> Path | None:
    """Write through a temporary file and replace ``path`` at once; an existing file is kept
    as a backup first (unless it is a build product: ``backup=False``). Returns the backup's
    path, if one was made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; the result is an ordinary file
    kept = None
    try:
        write(Path(tmp))
        if backup and path.exists():
            kept = backup_path(path)
            os.replace(path, kept)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return kept


def save_workbook(report: Report, path: str | Path) -> Path | None:
    """Write a report as a standard workbook; returns the backup of a replaced file."""
    from .workbook import write_workbook

    return save_atomically(Path(path), lambda tmp: write_workbook(report, tmp))





def expand_inputs(inputs: list[str | Path], workbooks: bool = False) -> list[Path]:
    """Files as given, and for each folder the report files in it and below (sorted); with
    ``workbooks`` also the .xlsx files. Office lock files (~$…) and backups are left out."""
    suffixes = SOURCE_SUFFIXES + (WORKBOOK_SUFFIXES if workbooks else ())
    result: list[Path] = []
    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            result.append(path)
            continue
        result.extend(
            p for p in sorted(path.rglob("*"))
            if p.is_file() and p.suffix.lower() in suffixes
            and not p.name.startswith(("~$", ".")) and ".bak" not in p.suffixes
        )
    return result
