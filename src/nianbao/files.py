"""Files on disk: which inputs a folder holds, what a file is, and saving without losing one.

Every stage saves through ``save_atomically`` (a temporary file, then one rename; the previous
version kept as ``名称.bak.xlsx``) and expands its inputs with ``expand_inputs``.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

__all__ = [
    "SOURCE_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "backup_path",
    "expand_inputs",
    "is_workbook",
    "save_atomically",
]

# What a folder given as input contributes: report files, and standard workbooks when wanted.
SOURCE_SUFFIXES = (".txt", ".htm", ".html", ".shtml", ".xhtml", ".doc", ".docx", ".wps", ".rtf", ".pdf")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_BACKUP = re.compile(r"\.bak\d*$")  # 年报.bak.xlsx, 年报.bak2.xlsx: our own backups


def is_workbook(source: str | Path | bytes) -> bool:
    """Whether a file (a path, or its bytes) is an Excel workbook, by its content whatever its
    name: a zip holding ``xl/workbook.xml``."""
    try:
        target = io.BytesIO(source) if isinstance(source, bytes) else source
        if not zipfile.is_zipfile(target):
            return False
        with zipfile.ZipFile(target) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


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
    kept = None
    try:  # whatever stops the save (an error, Ctrl-C) removes the hidden temporary file
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; the result is an ordinary file
        write(Path(tmp))
        if backup and path.exists():
            kept = backup_path(path)
            os.replace(path, kept)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # nothing left once it has become ``path``
    return kept


def _is_input(path: Path, suffixes: tuple[str, ...]) -> bool:
    return (path.suffix.lower() in suffixes and not path.name.startswith(("~$", "."))
            and not _BACKUP.search(path.stem))


def expand_inputs(inputs: Iterable[str | Path], workbooks: bool = False,
                  exclude: Sequence[Path] = ()) -> list[Path]:
    """Files as given, and for each folder the report files in it and below (sorted); with
    ``workbooks`` also the .xlsx files. Each file once; Office lock files (~$…), hidden files,
    our backups (``*.bak.xlsx``) and ``exclude`` are left out of folders."""
    suffixes = SOURCE_SUFFIXES + (WORKBOOK_SUFFIXES if workbooks else ())
    excluded = {p.resolve() for p in exclude}
    seen: set[Path] = set()
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted((p for p in path.rglob("*") if p.is_file() and _is_input(p, suffixes)),
                           key=lambda p: p.as_posix())
            found = [p for p in found if p.resolve() not in excluded]
        else:
            found = [path]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(p)
    return files
