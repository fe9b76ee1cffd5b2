"""The Parquet dataset for analysis: many reports' cells in the long format, and their findings,
appended as reports are converted.

Layout of a dataset folder ``DIR`` (hive partitioning by report year)::

    DIR/cells/year=2021/part-000001.parquet      agency, edition, table, row, column, value, blank, source
    DIR/findings/year=2021/part-000001.parquet   agency, source, rule, severity, table, row, column,
                                                 cell, expected, actual, numeric, message
    DIR/_sources.json                            which sources each part holds
    DIR/_writing/                                files being written (renamed into place when complete)

``year`` is the partition column (it is not stored inside the files; every reader adds it from the
folder name); a report that states no year goes to ``year=0``. ``expected`` and ``actual`` are text
(a number as written: ``14``, ``26.8``), since a finding may compare words as well as numbers;
``numeric`` says which (cast with ``CAST(expected AS DOUBLE) … WHERE numeric``).

Writing: reports are buffered and written as one part (one file per table and year) every
``batch`` reports and on ``close``; each file is written under a temporary name and renamed,
so a reader never sees half a file and an interrupted run leaves a valid dataset. A source added
again (a re-run with ``--force``) replaces its rows: the parts that held it are rewritten without
them (again atomically) and ``_sources.json`` follows. After a crash between those steps a source
may be in two parts for a while: the next writer repairs that on opening (the newest part wins),
and ``read_dataset`` keeps only the newest part's rows of each source in any case.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from ..errors import NianbaoError
from ..model import Cell, LegacyRow, Meta, Report
from ..spec import Spec, load_spec
from ..validate.findings import Finding
from .consolidation import Department
from .export import LONG_COLUMNS, NEEDS_PYARROW, long_cells
from .reading import is_dataset

__all__ = ["CELLS", "FINDINGS", "FINDING_COLUMNS", "INDEX", "DatasetWriter", "dataset_departments",
           "is_dataset", "read_dataset"]

CELLS = "cells"
FINDINGS = "findings"
INDEX = "_sources.json"
STAGING = "_writing"  # temporary files, renamed into place when complete
FORMAT = "nianbao-dataset/1"
FINDING_COLUMNS = ("agency", "year", "source", "rule", "severity", "table", "row", "column", "cell",
                   "expected", "actual", "numeric", "message")
UNKNOWN_YEAR = 0  # the partition of reports that state no year
BATCH = 200  # reports per part: a few hundred kilobytes, few files for a province
_PART = re.compile(r"^part-(\d+)\.parquet$")


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.compute
        import pyarrow.parquet
    except ImportError:
        raise NianbaoError(NEEDS_PYARROW) from None
    return pyarrow


def _schemas() -> dict[str, Any]:
    """The files' columns and types, fixed so that every part of a table has the same schema
    (an all-blank column is still float, an empty text column still text)."""
    pa = _pyarrow()
    text = pa.string()
    cells = [pa.field(name, pa.float64() if name == "value" else pa.bool_() if name == "blank" else text)
             for name in LONG_COLUMNS if name != "year"]
    findings = [pa.field(name, pa.bool_() if name == "numeric" else text)
                for name in FINDING_COLUMNS if name != "year"]
    return {CELLS: pa.schema(cells), FINDINGS: pa.schema(findings)}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric(finding: Finding) -> bool:
    """Whether a finding compares numbers (its expected and actual, where present, are numbers)."""
    return not isinstance(finding.expected, str) and not isinstance(finding.actual, str)


def _part_files(folder: Path) -> dict[int, list[Path]]:
    """Every part's files (both tables, every year), by part number."""
    found: dict[int, list[Path]] = {}
    for table in (CELLS, FINDINGS):
        for path in sorted((folder / table).glob("year=*/part-*.parquet")):
            match = _PART.match(path.name)
            if match and path.parent.name.partition("=")[2].isdigit():  # not a folder of someone else's
                found.setdefault(int(match.group(1)), []).append(path)
    return found


def _year_of(path: Path) -> int | None:
    year = int(path.parent.name.partition("=")[2])
    return None if year == UNKNOWN_YEAR else year


def _write_atomically(table: Any, path: Path, staging: Path) -> None:
    """Write a pyarrow table to ``path`` through a temporary file in ``staging`` (a folder of the
    dataset outside the tables, so that no reader sees it, even left behind by a killed run)."""
    pq = _pyarrow().parquet
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{path.parent.parent.name}-{path.parent.name}-{path.name}.{os.getpid()}"
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class DatasetWriter:
    """Appends reports to a dataset folder (created when missing); a context manager that
    writes what is buffered on exit. One writer per folder at a time."""

    def __init__(self, folder: Path, spec: Spec | None = None, batch: int = BATCH) -> None:
        self.folder = Path(folder)
        self.spec = spec or load_spec()
        self.batch = max(1, batch)
        self._schemas = _schemas()
        if self.folder.exists() and not self.folder.is_dir():
            raise NianbaoError(f"{self.folder}：已有同名文件，不能作为数据集文件夹")
        for table in (CELLS, FINDINGS):
            (self.folder / table).mkdir(parents=True, exist_ok=True)
        self._staging = self.folder / STAGING
        shutil.rmtree(self._staging, ignore_errors=True)  # what a killed run left half written
        self._staging.mkdir()
        self._parts = self._load_index()  # part number → its sources
        self._pending: dict[str, tuple[Report, tuple[Finding, ...]]] = {}
        self._repair()
        if not (self.folder / INDEX).is_file():
            self._save_index()  # a dataset from the start, even before its first part

    # --- the index ------------------------------------------------------------------------

    def _load_index(self) -> dict[int, list[str]]:
        """The index, checked against the parts on disk: a part the index does not know (written
        just before an interruption) is read for its sources; a part that is gone is dropped."""
        try:
            raw = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
            indexed = {int(k): list(v) for k, v in raw.get("parts", {}).items()}
        except (OSError, ValueError, AttributeError, TypeError):
            indexed = {}
        pq = _pyarrow().parquet
        parts: dict[int, list[str]] = {}
        for number, files in _part_files(self.folder).items():
            if number in indexed:
                parts[number] = indexed[number]
                continue
            found: dict[str, None] = {}
            for path in files:
                for source in pq.read_table(path, columns=["source"]).column("source").to_pylist():
                    found[source] = None
            parts[number] = list(found)
        for number, held in indexed.items():  # reports without a single cell or finding: no files
            if number not in parts and held:
                parts[number] = held
        return parts

    def _save_index(self) -> None:
        body = {"format": FORMAT, "parts": {f"{n:06d}": s for n, s in sorted(self._parts.items())}}
        path = self.folder / INDEX
        tmp = self._staging / f"{INDEX}.{os.getpid()}"
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, path)

    def _repair(self) -> None:
        """A source held by more than one part (an interrupted re-run): only the newest keeps it."""
        newest: dict[str, int] = {}
        for number in sorted(self._parts):
            for source in self._parts[number]:
                newest[source] = number
        stale = {n: {s for s in sources if newest[s] != n} for n, sources in self._parts.items()}
        stale = {n: s for n, s in stale.items() if s}
        if stale:
            self._remove(stale)
            self._save_index()

    def _remove(self, stale: dict[int, set[str]]) -> None:
        """Rewrite the parts that hold sources added again, without those sources' rows."""
        pa = _pyarrow()
        files = _part_files(self.folder)
        for number, sources in stale.items():
            for path in files.get(number, ()):
                table = pa.parquet.read_table(path)
                gone = pa.compute.is_in(table.column("source"), value_set=pa.array(sorted(sources)))
                keep = pa.compute.invert(gone)
                kept = table.filter(keep)
                if kept.num_rows:
                    written = path.stat()
                    _write_atomically(kept, path, self._staging)
                    os.utime(path, ns=(written.st_atime_ns, written.st_mtime_ns))  # still as old as its rows
                else:
                    path.unlink()
            self._parts[number] = [s for s in self._parts[number] if s not in sources]
            if not self._parts[number]:
                del self._parts[number]

    # --- writing ----------------------------------------------------------------------------

    def add(self, report: Report, findings: Sequence[Finding], source: str) -> None:
        """Add one report with its findings; ``source`` names it (the same source added again
        replaces it). Written with the next part."""
        self._pending.pop(source, None)  # the latest of one source within a batch
        self._pending[source] = (report, tuple(findings))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the buffered reports as a new part, then drop their earlier rows."""
        if not self._pending:
            return
        pa = _pyarrow()
        number = max(self._parts, default=0) + 1
        sources = list(self._pending)
        reports = [report for report, _ in self._pending.values()]
        agencies = [r.meta.agency or f"（未识别单位：{s}）" for r, s in zip(reports, sources, strict=True)]
        cells = long_cells(reports, agencies, sources, self.spec)
        findings = pd.DataFrame(
            [(agency, report.meta.year, source, f.rule, f.severity, f.table, f.row, f.column, f.cell,
              _text(f.expected), _text(f.actual), _numeric(f), f.message)
             for agency, source, (report, found)
             in zip(agencies, sources, self._pending.values(), strict=True) for f in found],
            columns=list(FINDING_COLUMNS))
        for name, frame in ((CELLS, cells), (FINDINGS, findings)):
            years = frame["year"].astype("Int64").fillna(UNKNOWN_YEAR).astype(int)
            for year in sorted(set(years)):
                rows = frame[(years == year).to_numpy()].drop(columns="year")
                table = pa.Table.from_pandas(rows, schema=self._schemas[name], preserve_index=False)
                part = self.folder / name / f"year={year}" / f"part-{number:06d}.parquet"
                _write_atomically(table, part, self._staging)
        earlier: dict[int, set[str]] = {}
        for n, held in self._parts.items():
            again = set(held) & set(sources)
            if again:
                earlier[n] = again
        self._parts[number] = sources
        self._save_index()  # the new part first: an interruption leaves duplicates, never a loss
        if earlier:
            self._remove(earlier)
            self._save_index()
        self._pending.clear()

    def close(self) -> None:
        """Write what is buffered."""
        self.flush()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()  # on an interruption too: what was added is kept


# --- reading --------------------------------------------------------------------------------

def _read_table(folder: Path, name: str, files: dict[int, list[Path]], newest: dict[str, int],
                written: bool = False) -> pd.DataFrame:
    """One table's rows, each source's from its newest part; ``written``: with the time its
    part was written (column ``_written``)."""
    pq = _pyarrow().parquet
    columns = [*(LONG_COLUMNS if name == CELLS else FINDING_COLUMNS), *(["_written"] if written else [])]
    frames = []
    for number in sorted(files):
        for path in files[number]:
            if path.parent.parent.name != name:
                continue
            frame = pq.read_table(path).to_pandas()
            frame["year"] = _year_of(path)
            if written:
                frame["_written"] = path.stat().st_mtime
            frames.append(frame[(frame["source"].map(newest) == number).to_numpy()])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "year" else object) for c in columns})
    frame = pd.concat(frames, ignore_index=True)
    frame["year"] = frame["year"].astype("Int64")
    return frame[columns]


def _newest_parts(folder: Path, files: dict[int, list[Path]]) -> dict[str, int]:
    """The newest part of each source: by the index, and by the files (a part written just
    before an interruption may not be in the index yet)."""
    newest: dict[str, int] = {}
    try:
        raw = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        for number, sources in raw.get("parts", {}).items():
            for source in sources:
                newest[source] = max(newest.get(source, 0), int(number))
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    pq = _pyarrow().parquet
    for number in sorted(files):
        for path in files[number]:
            for source in set(pq.read_table(path, columns=["source"]).column("source").to_pylist()):
                newest[source] = max(newest.get(source, 0), number)
    return newest


def read_dataset(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A dataset's long cells and findings (columns ``LONG_COLUMNS`` and ``FINDING_COLUMNS``,
    ``year`` as Int64), each source's rows from its newest part only."""
    folder = Path(folder)
    if not is_dataset(folder):
        raise NianbaoError(f"{folder}：不是 nianbao 数据集（缺少 {CELLS}/ 或 {INDEX}）")
    files = _part_files(folder)
    newest = _newest_parts(folder, files)
    return _read_table(folder, CELLS, files, newest), _read_table(folder, FINDINGS, files, newest)


# --- reports back out of a dataset (consolidate DATASET_DIR) ---------------------------------

_UNNAMED = "（未识别单位："  # how the long format shows a report that names no agency


def _number(value: float, money: bool) -> int | float | None:
    """A stored value as the workbook reader gives it: None when blank, an int for a whole count."""
    if value != value:  # NaN: blank
        return None
    return float(value) if money or not float(value).is_integer() else int(value)


def _finding_value(text: object, numeric: bool) -> int | float | str | None:
    """``expected`` / ``actual`` back from text: a number when the finding compares numbers."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    value = str(text)
    if not numeric:
        return value
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def _optional(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def dataset_departments(folder: str | Path, spec: Spec | None = None) -> list[Department]:
    """Every report of a dataset, rebuilt from its cells, with its stored findings, as
    departments to consolidate (the time its part was written stands for the file's date)."""
    spec = spec or load_spec()
    folder = Path(folder)
    files = _part_files(folder)
    newest = _newest_parts(folder, files)
    cells = _read_table(folder, CELLS, files, newest, written=True)
    findings = _read_table(folder, FINDINGS, files, newest)
    found: dict[str, list[Finding]] = {}
    for f in findings.itertuples(index=False):
        found.setdefault(f.source, []).append(Finding(
            f.rule, f.severity, f.table, _optional(f.row), _optional(f.column), _optional(f.cell),
            _finding_value(f.expected, bool(f.numeric)), _finding_value(f.actual, bool(f.numeric)),
            f.message))
    departments = []
    for source, rows in cells.groupby("source", sort=False):
        first = rows.iloc[0]
        agency = None if str(first["agency"]).startswith(_UNNAMED) else str(first["agency"])
        year = None if pd.isna(first["year"]) else int(first["year"])
        meta = Meta(agency=agency, year=year, edition=str(first["edition"]), source=str(source))
        report = Report.blank(meta, spec)
        edition = spec.edition(meta.edition or spec.default_edition)
        tables = set(rows["table"])
        for key in [k for k in report.tables if k not in tables]:
            del report.tables[key]  # a table the source does not have
        legacy: dict[str, LegacyRow] = {}
        for table_key, row_key, column_key, value in zip(rows["table"], rows["row"], rows["column"],
                                                         rows["value"], strict=True):
            if table_key == "legacy":
                row = legacy.setdefault(row_key, LegacyRow(row_key, row_key, None, None))
                setattr(row, "cumulative" if column_key == "cumulative" else "value", _number(value, False))
                continue
            table = edition.table(table_key)
            columns = report.tables[table_key].get(row_key)
            if columns is None:
                columns = report.add_off_form_row(table_key, row_key, spec)
            columns[column_key] = Cell(_number(value, table.column(column_key).is_money))
        if "legacy" in tables:
            report.legacy = list(legacy.values())
        departments.append(Department(Path(str(source)), report, float(first["_written"]),
                                      given=tuple(found.get(str(source), ())), workbook=False))
    return departments
