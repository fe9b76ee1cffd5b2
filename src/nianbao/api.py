"""The public operations, shared by the CLI and the Excel add-in."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from . import limits
from .assemble import assemble
from .errors import UnreadableInput
from .files import WORKBOOK_SUFFIXES, is_workbook, save_atomically
from .model import Report
from .readers import read_document
from .spec import Spec

__all__ = ["BROKEN_WORKBOOK", "read_report", "report_json", "save_workbook"]

BROKEN_WORKBOOK = "但文件内容是ZIP 压缩包，不是完整的 Excel 工作簿（Excel 工作簿已损坏或不完整），无法打开"


def read_report(path: str | Path, spec: Spec | None = None, provenance: bool = True,
                data: bytes | None = None) -> Report:
    """Read a report from any supported source file, or from a standard workbook (without
    ``provenance``, a workbook's values are read without its hidden 来源 sheet). ``data``: a
    source file's bytes, when the caller has read them already (read_input)."""
    path = Path(path)
    if is_workbook(path if data is None else data):
        from .workbook import read_workbook

        return read_workbook(path, spec, provenance=provenance, data=data)
    if _broken_workbook(path):
        raise UnreadableInput(str(path), f"扩展名是 {path.suffix}，{BROKEN_WORKBOOK}")
    try:
        with limits.clock():  # one time budget for reading and matching (limits.py)
            report = assemble(read_document(path, data), spec)
            limits.check_time(str(path))
    except UnreadableInput as exc:  # name the file as the user gave it
        raise UnreadableInput(str(path), exc.reason) from None
    if report.meta.source is None:
        report.meta.source = path.name
    return report


def _broken_workbook(path: Path) -> bool:
    """A file named .xlsx that starts as a zip but holds no workbook: cut short or damaged
    (a Word file given an .xlsx name is read as what it is)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            if file.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" not in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return True


def report_json(report: Report, indent: int | None = 2) -> str:
    """The canonical JSON text of a report."""
    return json.dumps(report.to_json(), ensure_ascii=False, indent=indent, allow_nan=False)


def save_workbook(report: Report, path: str | Path) -> Path | None:
    """Write a report as a standard workbook; returns the backup of a replaced file."""
    from .workbook import write_workbook

    return save_atomically(Path(path), lambda tmp: write_workbook(report, tmp))
