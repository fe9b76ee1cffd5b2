"""The record of a bulk conversion, kept in the output folder: ``manifest.csv`` (UTF-8 with a
BOM, so that Excel opens it) and ``manifest.jsonl``, one row per source.

A row is appended to both as each source finishes, and flushed, so an interrupted run leaves a
valid manifest; the last row of a source is the one that counts. The next run reads it back
(``load``) to skip the sources whose bytes (sha256) and tool version are unchanged.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..files import csv_safe, save_atomically

__all__ = ["COLUMNS", "CSV_NAME", "JSONL_NAME", "Manifest", "source_key"]

CSV_NAME = "manifest.csv"
JSONL_NAME = "manifest.jsonl"
COLUMNS = ("source", "sha256", "status", "reason", "failed_at", "format", "edition", "agency", "year",
           "output", "errors", "warnings", "unmapped", "seconds", "version")


def source_key(source: str | Path) -> str:
    """A source's identity across runs: its absolute path."""
    return os.path.abspath(source)


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a manifest.jsonl; a line cut short by a killed run is passed over."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("source"), str):
                yield row


def _csv_value(value: Any) -> Any:
    """A field of manifest.csv: blank for None; text that a spreadsheet would take for a formula
    (an agency or a reason read from a report) quoted as text."""
    return "" if value is None else csv_safe(value)


class Manifest:
    """The manifest files of one output folder, open for appending."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.csv_path = folder / CSV_NAME
        self.jsonl_path = folder / JSONL_NAME
        self._csv: IO[str] | None = None
        self._jsonl: IO[str] | None = None
        self._writer: Any = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The last row of every source an earlier run recorded, by ``source_key``."""
        return {source_key(row["source"]): row for row in _rows(self.jsonl_path)}

    def start(self, carried: Iterable[dict[str, Any]]) -> None:
        """Begin this run's manifest with ``carried`` (earlier rows kept as they are); replaces
        the files at once, then keeps them open for appending."""
        rows = list(carried)

        def write_jsonl(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

        def write_csv(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.DictWriter(handle, COLUMNS, extrasaction="ignore")
                writer.writeheader()
                writer.writerows({k: _csv_value(row.get(k)) for k in COLUMNS} for row in rows)

        save_atomically(self.jsonl_path, write_jsonl, backup=False)
        save_atomically(self.csv_path, write_csv, backup=False)
        self._jsonl = self.jsonl_path.open("a", encoding="utf-8")
        self._csv = self.csv_path.open("a", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._csv, COLUMNS, extrasaction="ignore")

    def append(self, row: dict[str, Any]) -> None:
        """One source's row, in both files, flushed."""
        assert self._jsonl is not None and self._csv is not None
        self._jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._jsonl.flush()
        self._writer.writerow({k: _csv_value(row.get(k)) for k in COLUMNS})
        self._csv.flush()

    def last_row(self, key: str) -> dict[str, Any] | None:
        """The latest row of one source in the files (a rare look-up: read from disk)."""
        assert self._jsonl is not None
        self._jsonl.flush()
        found = None
        for row in _rows(self.jsonl_path):
            if source_key(row["source"]) == key:
                found = row
        return found

    def close(self) -> None:
        for handle in (self._jsonl, self._csv):
            if handle is not None:
                handle.close()
        self._jsonl = self._csv = None

    def compact(self) -> None:
        """Rewrite both files with one row per source (the last), in first-seen order."""
        self.close()
        latest: dict[str, dict[str, Any]] = {}
        for row in _rows(self.jsonl_path):
            key = source_key(row["source"])
            latest[key] = row
        self.start(latest.values())
        self.close()
