"""Reading many report files, over several processes when there are many."""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..api import read_report
from ..errors import NianbaoError, UnreadableInput, os_reason
from ..files import expand_inputs, is_workbook, read_input
from ..model import Cell, Report
from ..spec import Spec, load_spec
from ..workbook import read_workbook
from ..workbook.cells import Cells, workbook_parts
from ..workbook.read import Formulas, report_from_cells

__all__ = ["Read", "Reading", "bulk", "is_dataset", "missing_sheets", "read_many", "report_files"]

_CHUNK = 25
_POOL_FROM = 64  # below this many files, starting processes costs more than it saves

Progress = Callable[[int, int], None]
Finished = Callable[[Sequence["Read"]], None]


@dataclass(frozen=True)
class Read:
    """One file read: its report, or why it could not be read."""

    path: Path
    report: Report | None
    reason: str | None = None
    modified: float = 0.0  # the file's modification time (the latest of an agency's files wins)
    workbook: bool = False  # a standard workbook (its cells can be linked to), not a report file


def missing_sheets(path: Path) -> list[str]:
    """The sheets a workbook file lists whose part is not in the file (a damaged or hand-made
    zip); none for any other file, or for one whose damage the reader has reported."""
    return _workbook_parts_present(path)[1]


def _workbook_parts_present(source: Path | bytes) -> tuple[bool, list[str]]:
    """Whether a file (its path or bytes) read as a report is a workbook, and the sheets it
    lists but lacks."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            present = set(archive.namelist())
            if "xl/workbook.xml" not in present:
                return False, []
            parts, _ = workbook_parts(archive.read("xl/workbook.xml"),
                                      archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # not a workbook (a report file), or a zip the reader has judged already
        return False, []
    return True, [title for title, part in parts.items() if part not in present]


def read_one(path: Path) -> Read:
    """Read one report file or standard workbook; never raises for a bad file."""
    complete = False  # read by the fast reader, which has found every sheet's part

    def standard(cells: Cells, where: str, spec: Spec, formulas: Formulas) -> Report:
        nonlocal complete
        complete = cells.xml is not None
        return report_from_cells(cells, where, spec, formulas=formulas)

    try:
        data = read_input(path)  # read once: the reader and the look at its parts share it
        if is_workbook(data):
            report = read_workbook(path, load_spec(), provenance=False, reader=standard, data=data)
        else:
            report = read_report(path, load_spec(), provenance=False, data=data)
    except UnreadableInput as exc:
        return Read(path, None, exc.reason)
    except NianbaoError as exc:
        return Read(path, None, str(exc))
    except OSError as exc:
        return Read(path, None, os_reason(exc))
    except Exception:  # a damaged file must not stop the other thousand
        return Read(path, None, "无法读取：文件已损坏或格式不对")
    workbook, missing = (True, []) if complete else _workbook_parts_present(data)
    if missing:  # its cells would be summed as blanks: not a department, a damaged file
        sheets = "、".join(missing)
        return Read(path, None, f"工作簿缺少工作表“{sheets}”的内容（文件不完整），无法可靠读取")
    try:
        modified = path.stat().st_mtime
    except OSError as exc:
        return Read(path, None, os_reason(exc))
    return Read(path, report, modified=modified, workbook=workbook)


# What a reading process sends back: a report's numbers as plain dicts (pickled by C code, in
# a third of the time of one Cell object per cell), and only the cell texts the validator reads
# (a count cell holding text, a misprinted row label); where a number stood is not sent.
Packed = tuple[Report, dict[str, dict[str, dict[str, Any]]], list[tuple[str, str, str, str, str]]]


def _pack(report: Report) -> Packed:
    values: dict[str, dict[str, dict[str, Any]]] = {}
    texts: list[tuple[str, str, str, str, str]] = []
    for table, rows in report.tables.items():
        values[table] = {}
        for row, columns in rows.items():
            values[table][row] = {}
            for column, cell in columns.items():
                values[table][row][column] = cell.value
                if cell.label or (cell.value is None and cell.raw):
                    texts.append((table, row, column, cell.raw, cell.label))
    shell = replace(report, tables={})
    return shell, values, texts


def _unpack(packed: Packed) -> Report:
    shell, values, texts = packed
    shell.tables = {table: {row: {column: Cell(value) for column, value in columns.items()}
                            for row, columns in rows.items()} for table, rows in values.items()}
    for table, row, column, raw, label in texts:
        shell.tables[table][row][column] = Cell(values[table][row][column], raw, "", label)
    return shell


@contextmanager
def bulk() -> Iterator[None]:
    """Python's cycle collector paused: reading and consolidating make hundreds of thousands of
    small objects (a Cell per cell) and no reference cycles; the collector would walk them all
    again and again (a fifth of the consolidating process's time). Freed by reference counts."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_chunk(paths: Sequence[Path]) -> list[tuple[Read, Packed | None]]:
    with bulk():
        reads = [read_one(p) for p in paths]
    return [(replace(r, report=None), _pack(r.report)) if r.report is not None else (r, None) for r in reads]


def _unpack_chunk(chunk: list[tuple[Read, Packed | None]]) -> list[Read]:
    return [replace(read, report=_unpack(packed)) if packed is not None else read for read, packed in chunk]


def _context() -> multiprocessing.context.BaseContext:
    # fork: the workers start with everything imported; elsewhere the platform's default
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def default_workers(files: int) -> int:
    """One process per core (at most four) for a large set, else one."""
    return min(os.cpu_count() or 1, 4) if files >= _POOL_FROM else 1


class Reading:
    """Files being read: the worker processes start at once (a command starts them before it
    imports the validator, which then loads while the files are read); ``collect`` waits for
    them, in order. ``close`` stops what has not started (a run refused half way)."""

    def __init__(self, paths: Sequence[Path], workers: int | None = None) -> None:
        self.paths = list(paths)
        total = len(self.paths)
        workers = default_workers(total) if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[list[tuple[Read, Packed | None]]], int] = {}
        self._chunks = [self.paths[i:i + _CHUNK] for i in range(0, total, _CHUNK)]
        if workers > 1 and total > 1:
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context())
            self._futures = {self._pool.submit(_read_chunk, chunk): i for i, chunk in enumerate(self._chunks)}

    def collect(self, progress: Progress | None = None, finished: Finished | None = None) -> list[Read]:
        """Every file's result, in the order given; ``progress(done, total)`` as they come;
        ``finished(reads)`` with each chunk's results as it comes (the caller works on them
        while the processes read the rest)."""
        total = len(self.paths)
        if self._pool is None:
            results = []
            for i, path in enumerate(self.paths, start=1):
                results.append(read_one(path))
                if progress:
                    progress(i, total)
                if finished and (i % _CHUNK == 0 or i == total):
                    finished(results[-(i - 1) % _CHUNK - 1:])
            return results
        done_chunks: dict[int, list[Read]] = {}
        done = 0
        try:
            for future in as_completed(self._futures):
                chunk = done_chunks[self._futures[future]] = _unpack_chunk(future.result())
                done += len(chunk)
                if progress:
                    progress(done, total)
                if finished:
                    finished(chunk)
        finally:
            self.close()
        return [read for i in range(len(self._chunks)) for read in done_chunks[i]]

    def close(self) -> None:
        """Stop the processes (chunks not started are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def read_many(paths: Sequence[Path], progress: Progress | None = None, workers: int | None = None,
              finished: Finished | None = None) -> list[Read]:
    """Read every file, in order; ``progress(done, total)`` after each file or chunk,
    ``finished(reads)`` with each chunk's results."""
    return Reading(paths, workers).collect(progress, finished)


def is_dataset(folder: str | Path) -> bool:
    """Whether a folder is a dataset written by ``DatasetWriter`` (it has ``cells/`` and the
    index ``_sources.json``). Here, not in ``dataset``: no pandas is imported to ask."""
    folder = Path(folder)
    return folder.is_dir() and (folder / "cells").is_dir() and (folder / "_sources.json").is_file()


def report_files(inputs: Sequence[str | Path], output: Path) -> list[Path]:
    """The report files among the inputs (folders expanded; datasets and the output left out)."""
    others = [i for i in inputs if not is_dataset(i)]
    return expand_inputs(others, workbooks=True, exclude=[output]) if others else []
