"""Converting report files: one at a time (``convert_many``) or in bulk into a folder
(``BulkRun``: streaming, a manifest, resumable, a process pool or dask.distributed)."""

from __future__ import annotations

from .batch import ConvertResult, convert_many, summary
from .bulk import BulkOptions, BulkRun, Done, Tally
from .engines import DASK_MISSING, DaskMissing, check_engine
from .manifest import COLUMNS, CSV_NAME, JSONL_NAME
from .names import report_stem, safe_stem
from .task import Outcome, Task, run_task

__all__ = [
    "COLUMNS",
    "CSV_NAME",
    "DASK_MISSING",
    "JSONL_NAME",
    "BulkOptions",
    "BulkRun",
    "ConvertResult",
    "DaskMissing",
    "Done",
    "Outcome",
    "Tally",
    "Task",
    "check_engine",
    "convert_many",
    "report_stem",
    "run_task",
    "safe_stem",
    "summary",
]
