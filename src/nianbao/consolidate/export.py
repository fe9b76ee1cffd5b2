"""Long format for analysts and BI tools: one line per department and cell."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import NianbaoError
from ..files import csv_safe, save_atomically
from ..model import Report
from ..spec import Spec, load_spec
from ..validate.frames import table_shape
from .consolidation import Consolidation, cannot_write, writable_folder
from .totals import stack

__all__ = ["LONG_COLUMNS", "csv_safe", "export_long", "long_cells", "long_frame"]

LONG_COLUMNS = ("agency", "year", "edition", "table", "row", "column", "value", "blank", "source")
_TEXT_COLUMNS = ("agency", "edition", "table", "row", "column", "source")
NEEDS_PYARROW = ("导出 parquet 需要 pyarrow，请安装：pip install \"nianbao[parquet]\""
                 "（或 pip install pyarrow）")


def long_frame(result: Consolidation, spec: Spec | None = None) -> pd.DataFrame:
    """Every cell of every summed department: agency, year, edition, table, row, column, value
    (NaN when blank), blank (True when the department left it blank), source (the file).
    统计表 rows have their code as ``row`` and ``value`` as ``column`` (``cumulative`` for the second
    value column, 历年累计, of the reports that have one)."""
    members = result.members
    return long_cells([d.report for d in members], [d.agency for d in members],
                      [d.path.name for d in members], spec)


def long_cells(reports: Sequence[Report], agencies: Sequence[str], sources: Sequence[str],
               spec: Spec | None = None) -> pd.DataFrame:
    """The long format (``LONG_COLUMNS``) of some reports, each with its agency as shown and its
    source: the one definition behind ``long_frame``, the CSV and Parquet exports and the dataset."""
    spec = spec or load_spec()
    matrix = [k for k, r in enumerate(reports) if r.meta.edition != "legacy"]
    data = stack([reports[k] for k in matrix], spec)
    parts = []
    agencies_of = np.array([agencies[k] for k in matrix], dtype=object)
    years = np.array([reports[k].meta.year for k in matrix], dtype=object)
    editions = np.array([reports[k].meta.edition or "" for k in matrix], dtype=object)
    sources_of = np.array([sources[k] for k in matrix], dtype=object)
    for key in spec.matrix_tables:
        shape = table_shape(spec, key)
        k, r, c = np.nonzero(data.present[key])
        values = data.values[key][k, r, c]
        parts.append(pd.DataFrame({
            "agency": agencies_of[k], "year": years[k], "edition": editions[k],
            "table": np.full(len(k), key, dtype=object),
            "row": np.array(shape.rows, dtype=object)[r], "column": np.array(shape.columns, dtype=object)[c],
            "value": values, "blank": np.isnan(values), "source": sources_of[k],
        }))
    legacy = [k for k, r in enumerate(reports) if r.meta.edition == "legacy"]
    for column in ("value", "cumulative"):
        rows = [(k, row) for k in legacy if column == "value" or reports[k].has_cumulative
                for row in reports[k].legacy or ()]
        if not rows:  # the second value column (历年累计) only for the reports that have one
            continue
        values = np.array([np.nan if getattr(row, column) is None else getattr(row, column)
                           for _, row in rows], dtype=float)
        parts.append(pd.DataFrame({
            "agency": [agencies[k] for k, _ in rows], "year": [reports[k].meta.year for k, _ in rows],
            "edition": "legacy", "table": "legacy", "row": [row.code for _, row in rows],
            "column": column, "value": values, "blank": np.isnan(values),
            "source": [sources[k] for k, _ in rows],
        }))
    if not parts:
        return pd.DataFrame({name: [] for name in LONG_COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame["year"] = frame["year"].astype("Int64")
    return frame[list(LONG_COLUMNS)]


def export_long(result: Consolidation, path: str | Path, to: str | None = None) -> Path:
    """Write the long format as CSV (UTF-8 with BOM, for Excel) or Parquet; ``to`` defaults to
    the file's suffix. Parquet needs the optional pyarrow (``nianbao[parquet]``)."""
    path = Path(path)
    to = to or path.suffix.lstrip(".").lower() or "csv"
    if to not in ("csv", "parquet"):
        raise NianbaoError(f"不支持的导出格式：{to}（可用 csv 或 parquet）")
    if to == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise NianbaoError(NEEDS_PYARROW) from None
    frame = long_frame(result)

    def write(tmp: Path) -> None:
        if to == "csv":
            text = frame.copy()
            for column in _TEXT_COLUMNS:
                text[column] = text[column].astype(object).map(csv_safe)
            text.to_csv(tmp, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC)
        else:
            frame.to_parquet(tmp, index=False)

    writable_folder(path)
    try:
        save_atomically(path, write)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path
