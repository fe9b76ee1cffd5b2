"""The Report: metadata, table values keyed by the spec, narrative, and what was not placed."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .spec import Edition, Spec, load_spec

__all__ = ["Cell", "Heading", "LegacyRow", "Meta", "Report", "Unmapped", "finite_json"]

Number = int | float


@dataclass
class Cell:
    """One value of a table: the number (None when blank), the text it was read from, and
    where in the source that text stood ("" when the source has no such cell)."""

    value: Number | None = None
    raw: str = ""
    where: str = ""
    # The row's label as printed, when it is not the form's (a misprint read as this row).
    label: str = ""


@dataclass
class LegacyRow:
    """One indicator row of the pre-2019 统计表; ``cumulative`` is its second value column
    (历年累计) where the table has one (then ``cumulative_where`` says where, even when blank)."""

    code: str
    label: str
    unit: str | None
    value: Number | None
    raw: str = ""
    where: str = ""
    cumulative: Number | None = None
    cumulative_raw: str = ""
    cumulative_where: str = ""


@dataclass
class Unmapped:
    """Source content that could not be placed, and where it was found."""

    where: str
    text: str


@dataclass(frozen=True)
class Heading:
    """A section heading as the source printed it (五、存在的主要问题及改进情况): the section it
    opens, its text, and where it stood."""

    section: str
    text: str
    where: str = ""


@dataclass
class Meta:
    agency: str | None = None
    year: int | None = None
    edition: str | None = None
    region: str | None = None
    source: str | None = None
    published: str | None = None


@dataclass
class Report:
    """A report in canonical form. Every row and column of its edition is present."""

    meta: Meta
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    legacy: list[LegacyRow] | None = None
    narrative: dict[str, str] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    # warnings a clerk has checked (a workbook's 已核实 sheet, or a reason typed in 校验结果):
    # finding id → the reason; not part of the canonical JSON
    accepted: dict[str, str] = field(default_factory=dict)
    # The section headings found, in the order printed; None when not known (a report read back
    # from a workbook, or made by hand). Not part of the canonical JSON (SPEC.md), nor of a
    # report's equality: the same report read from its source and from its workbook is equal.
    headings: list[Heading] | None = field(default=None, compare=False)

    @classmethod
    def blank(cls, meta: Meta, spec: Spec | None = None) -> Report:
        """A report of ``meta.edition`` with every cell present and blank."""
        spec = spec or load_spec()
        report = cls(meta=meta)
        edition = spec.edition_of(meta.edition)
        for key, table in edition.tables.items():
            if table.layout == "indicators":
                report.legacy = []
                continue
            report.tables[key] = {
                row.key: {col: Cell() for col in row.columns} for row in table.rows
            }
        return report

    def add_off_form_row(self, table: str, row: str, spec: Spec | None = None) -> dict[str, Cell]:
        """Add a blank off-form row of the edition (（六）其他处理 as one row in a 2021 report) to
        a table the report has, and return its cells; a row already there is returned as it is."""
        spec_table = self.edition_spec(spec).table(table)
        if not spec_table.is_off_form(row):
            raise KeyError(f"{row} is not an off-form row of {table} in edition {self.meta.edition}")
        return self.tables[table].setdefault(row, {c: Cell() for c in spec_table.row(row).columns})

    @property
    def has_cumulative(self) -> bool:
        """True when the 统计表 has a second value column (历年累计)."""
        return any(r.cumulative is not None or r.cumulative_where for r in self.legacy or ())

    def edition_spec(self, spec: Spec | None = None) -> Edition:
        return (spec or load_spec()).edition_of(self.meta.edition)

    def missing_tables(self, spec: Spec | None = None) -> list[str]:
        """Keys of the edition's tables that the source does not have at all."""
        edition = self.edition_spec(spec)
        return [k for k, t in edition.tables.items() if t.layout != "indicators" and k not in self.tables]

    def has_tables(self) -> bool:
        """True when at least one table was read: a cell placed (blank ones too, as in a blank
        form) or a 统计表 present. A report without any is unreadable, never valid."""
        return bool(self.tables) or self.legacy is not None

    def value(self, table: str, row: str, column: str) -> Number | None:
        """The number in one cell (None when blank)."""
        return self.tables[table][row][column].value

    def cells(self) -> Iterator[tuple[str, str, str, Cell]]:
        """Every (table, row, column, cell) in spec order."""
        for table, rows in self.tables.items():
            for row, columns in rows.items():
                for column, cell in columns.items():
                    yield table, row, column, cell

    def to_json(self, spec: Spec | None = None) -> dict[str, Any]:
        """The canonical JSON object (SPEC.md: "Canonical JSON")."""
        spec = spec or load_spec()
        meta: dict[str, Any] = {}
        for f in spec.meta_fields:
            value = getattr(self.meta, f.key)
            if value is not None or f.key in ("agency", "year", "edition", "source"):
                meta[f.key] = value
        tables: dict[str, Any] = {
            table: {row: {col: cell.value for col, cell in cols.items()} for row, cols in rows.items()}
            for table, rows in self.tables.items()
        }
        if self.legacy is not None:
            tables["legacy"] = [
                {"code": r.code, "label": r.label, "unit": r.unit, "value": r.value}
                for r in self.legacy
            ]
            if self.has_cumulative:  # SPEC: a second value column (历年累计) is kept, not dropped
                for row, out in zip(self.legacy, tables["legacy"], strict=True):
                    out["cumulative"] = row.cumulative
        return finite_json({  # a value that is not finite is null: JSON has no Infinity or NaN
            "format": spec.format,
            "meta": meta,
            "tables": tables,
            "narrative": dict(self.narrative),
            "unmapped": [{"where": u.where, "text": u.text} for u in self.unmapped],
        })


def finite_json(data: Any) -> Any:
    """``data`` (dicts, lists, numbers, text) with every float that is not finite made None."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: finite_json(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite_json(value) for value in data]
    return data

