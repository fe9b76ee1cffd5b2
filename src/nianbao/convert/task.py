"""One source converted on a worker: a process of the pool, a Dask worker, or this process.

``run_task`` is a top-level function of small picklable arguments so that any engine can run
it. It reads the source, hashes its bytes, skips it when they are what an earlier run
converted, validates the report and writes the result to a hidden temporary file in the
output folder; the main process gives that file its name (``NameRegistry``) with one rename.
What it returns is small: counts and one summary line, and the report and its findings only
when a dataset is being written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import read_report, report_json
from ..errors import NianbaoError, os_reason
from ..files import read_input
from ..model import Report
from ..readers import sniff
from .batch import summary

__all__ = ["Outcome", "Task", "run_task", "run_tasks"]

TEMP_PREFIX = ".nianbao-"


@dataclass(frozen=True)
class Task:
    """What a worker needs for one source."""

    index: int  # in the input order
    source: str
    folder: str  # where the output goes (its name is given afterwards)
    to: str = "xlsx"  # xlsx | json
    unchanged: str | None = None  # the sha256 an earlier run converted: skip when it is the same
    validate: bool = False  # count the validator's findings (the manifest, the dataset)
    keep_report: bool = False  # return the report and its findings (the dataset)


@dataclass(frozen=True)
class Outcome:
    """What became of one source on the worker."""

    index: int
    source: str
    status: str  # ok | failed | skipped
    reason: str = ""  # why it failed, in Chinese (the file's own fault, or the output's)
    message: str = ""  # the line to show for a failure (names the file)
    sha256: str = ""
    format: str = ""
    edition: str = ""
    agency: str = ""
    year: int | None = None
    summary: str = ""
    temp: str | None = None  # the written result, to be renamed by the main process
    errors: int | None = None
    warnings: int | None = None
    unmapped: int = 0
    seconds: float = 0.0
    output_failed: bool = False  # the source was read; writing its result failed
    report: Report | None = field(default=None, compare=False)
    findings: Sequence[Any] = field(default=(), compare=False)


def run_task(task: Task) -> Outcome:
    """Convert one source (see the module). Never raises for a bad file: its outcome says why;
    a bug met on one file is that file's failure, and the batch goes on."""
    start = time.perf_counter()
    try:
        return _convert(task, start)
    except Exception as exc:  # a defect, not the file's fault: named, and the others still convert
        reason = f"程序内部错误（{type(exc).__name__}：{exc}），请报告这个问题并附上文件"
        return Outcome(task.index, task.source, "failed", reason, f"✗ {task.source}：{reason}",
                       seconds=time.perf_counter() - start, output_failed=True)


def run_tasks(tasks: Sequence[Task]) -> list[Outcome]:
    """Several sources, one after the other (one Dask task for a few files)."""
    return [run_task(task) for task in tasks]


def _convert(task: Task, start: float) -> Outcome:
    source = Path(task.source)
    try:
        data = read_input(source)
    except NianbaoError as exc:
        return _failed(task, exc, start)
    sha256 = hashlib.sha256(data).hexdigest()
    kind = sniff(data, source.suffix.lower())
    if task.unchanged is not None and task.unchanged == sha256:
        return Outcome(task.index, task.source, "skipped", sha256=sha256, format=kind,
                       seconds=time.perf_counter() - start)
    try:
        report = read_report(source, data=data)  # the bytes just hashed: the file is read once
    except NianbaoError as exc:
        return _failed(task, exc, start, sha256, kind)
    del data
    errors = warnings = None
    findings: Sequence[Any] = ()
    if task.validate:
        from ..validate import validate

        try:
            result = validate(report)
        except NianbaoError as exc:
            return _failed(task, exc, start, sha256, kind)
        errors, warnings = result.counts["errors"], result.counts["warnings"]
        findings = tuple(result.findings) if task.keep_report else ()
    meta = report.meta
    suffix = ".json" if task.to == "json" else ".xlsx"
    try:
        temp = _write(report, Path(task.folder), suffix, task.to)
    except (NianbaoError, OSError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        return Outcome(task.index, task.source, "failed", f"无法写出结果（{reason}）",
                       f"✗ {source}：无法写出结果到 {task.folder}（{reason}）", sha256, kind,
                       meta.edition or "", meta.agency or "", meta.year,
                       seconds=time.perf_counter() - start, output_failed=True)
    return Outcome(task.index, task.source, "ok", sha256=sha256, format=kind, edition=meta.edition or "",
                   agency=meta.agency or "", year=meta.year, summary=summary(report), temp=str(temp),
                   errors=errors, warnings=warnings, unmapped=len(report.unmapped),
                   seconds=time.perf_counter() - start,
                   report=report if task.keep_report else None, findings=findings)


def _failed(task: Task, exc: NianbaoError, start: float, sha256: str = "", kind: str = "") -> Outcome:
    reason = getattr(exc, "reason", None) or str(exc)
    return Outcome(task.index, task.source, "failed", reason, f"✗ {exc}", sha256, kind,
                   seconds=time.perf_counter() - start)


def _write(report: Report, folder: Path, suffix: str, to: str) -> Path:
    """The result in a new hidden file in ``folder``; removed again if writing fails or stops."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder)
    temp = Path(name)
    try:
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp creates 0600; the result is an ordinary file
        if to == "json":
            temp.write_text(report_json(report) + "\n", "utf-8")
        else:
            from ..workbook import write_workbook

            write_workbook(report, temp)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
