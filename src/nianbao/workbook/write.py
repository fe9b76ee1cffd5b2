"""A Report written into its edition's template: values by defined name, the source of every
value on the hidden 来源 sheet, what could not be placed on 基本信息."""

from __future__ import annotations

import math
from copy import copy
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..model import LegacyRow, Report, Unmapped
from ..numbers import is_value_text
from ..spec import Spec, load_spec
from .layout import defined_name, table_layout
from .live import add_instances, legacy_instances
from .styles import (
    BORDER,
    FONT,
    LABEL,
    NUMBER,
    NUMBER_FORMATS,
    TEXT,
    UNLOCKED,
    add_validations,
    print_header,
    protect,
    set_text,
    text_chunks,
    text_row_height,
)
from .template import MISSING, define_name, load_template

__all__ = ["write_workbook"]

_MAX_CELL = 32000  # Excel holds at most 32,767 characters in a cell
_LARGEST_INT = 10**15  # Excel keeps 15 significant digits


def _destination(wb: Workbook, name: str) -> tuple[Worksheet, str]:
    """The sheet and address (``D27``) of a defined name of the template."""
    dn = wb.defined_names[name]
    for sheet, address in dn.destinations:
        if sheet in wb.sheetnames:
            return wb[sheet], address.replace("$", "")
    raise KeyError(name)


def write_workbook(report: Report, path: str | Path | None = None, spec: Spec | None = None) -> Workbook:
    """Fill the edition's template with a report; saved to ``path`` when given."""
    spec = spec or load_spec()
    edition = report.meta.edition or spec.default_edition
    wb = load_template(edition, spec)
    provenance: list[tuple[str, ...]] = []
    for f in spec.meta_fields:
        value = getattr(report.meta, f.key)
        ws, address = _destination(wb, f"meta.{f.key}")
        if value is None:
            ws[address].value = None
        elif f.key == "edition" and value in spec.editions:
            set_text(ws[address], spec.edition(value).short_label)  # the key is read back from it
        elif isinstance(value, int):
            ws[address].value = value
        else:
            set_text(ws[address], str(value))
    meta_ws, address = _destination(wb, "meta.agency")
    info_row = meta_ws[address].row + len(spec.meta_fields)
    # the installed version, from metadata: importing the package root would import upwards
    set_text(meta_ws.cell(info_row, 2), f"nianbao {version('nianbao')}")
    set_text(meta_ws.cell(info_row + 1, 2), datetime.now().strftime("%Y-%m-%d %H:%M"))
    missing = [spec.edition(edition).table(k).title for k in report.missing_tables(spec)]
    if missing:
        ws, address = _destination(wb, MISSING)
        set_text(ws[address], "；".join(missing))
    _write_unmapped(wb, report.unmapped)

    for table_key, rows in report.tables.items():
        for row_key, columns in rows.items():
            for col_key, cell in columns.items():
                name = defined_name(table_key, row_key, col_key)
                ws, address = _destination(wb, name)
                _set_number(ws[address], cell.value, cell.raw)
                if cell.raw or cell.where:
                    provenance.append((name, cell.raw, cell.where, *((cell.label,) if cell.label else ())))
    if report.legacy is not None:
        legacy = spec.edition("legacy").table("legacy")
        cumulative = legacy.cumulative_label if report.has_cumulative else None
        provenance += _write_legacy(wb, spec.sheets["legacy"], report.legacy, cumulative, legacy.money_units)
        add_instances(wb, table_layout(legacy), legacy_instances(report.legacy, spec), spec)
    _write_narrative(wb, report.narrative, spec)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            print_header(ws, report.meta.agency, report.meta.year)
    source_ws = wb[spec.sheets["provenance"]]
    for r, entry in enumerate(provenance, start=2):
        for c, text in enumerate(entry, start=1):
            set_text(source_ws.cell(r, c), text)
    if path is not None:
        wb.save(path)
    return wb


def _set_number(cell: Any, value: Any, raw: str) -> None:
    """A value cell of a table: its number, or the text printed where no number was read
    (待核实: the clerk sees what was printed, and the workbook's rules and the validator name it)."""
    if value is None and raw.strip() and not is_value_text(raw):
        set_text(cell, raw.strip())
    else:
        _set_value(cell, value, raw)
        fraction = isinstance(value, float) and not value.is_integer()
        if fraction and cell.number_format == NUMBER_FORMATS["count"]:
            cell.number_format = "General"  # 2.5 件 shown as it is (the rules flag it), not rounded to 3


def _set_value(cell: Any, value: Any, raw: str = "") -> None:
    """A value cell: a number Excel holds as it is; text stays text, never a formula; a number
    Excel cannot hold (more than 15 digits, infinite) is written as the text it was read from,
    for the clerk and the validator to see, never rounded or dropped."""
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, float) and not math.isfinite(value):
        set_text(cell, raw.strip() or str(value))
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LARGEST_INT:
        set_text(cell, raw.strip() or str(value))
    else:
        cell.value = value


def _write_unmapped(wb: Workbook, unmapped: list[Unmapped]) -> None:
    ws, address = _destination(wb, "meta.unmapped")
    first = ws[address].row + 1
    for i, item in enumerate(unmapped):
        for c, text in ((1, item.where), (2, item.text)):
            cell = ws.cell(first + i, c)
            set_text(cell, text)
            cell.border = BORDER
            cell.alignment = LABEL


def _write_legacy(wb: Workbook, sheet: str, rows: list[LegacyRow], cumulative: str | None = None,
                  money_units: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """The 统计表's rows under its header; with ``cumulative`` (the header of a second value
    column, 历年累计) each row's cumulative value in column E too."""
    ws = wb[sheet]
    normal = Font(name=FONT, size=10)
    provenance = []
    used: set[str] = set()
    by_kind: dict[str, list[str]] = {}
    if cumulative:
        head, model = ws.cell(1, 5), ws.cell(1, 4)
        set_text(head, cumulative)
        head.font, head.fill = copy(model.font), copy(model.fill)
        head.border, head.alignment = copy(model.border), copy(model.alignment)
        ws.column_dimensions["E"].width = ws.column_dimensions["D"].width
    for i, row in enumerate(rows, start=2):
        depth = row.code.count(".")
        values = (row.code, row.label, row.unit or "", row.value) + ((row.cumulative,) if cumulative else ())
        raws = {4: row.raw, 5: row.cumulative_raw}
        kind = "money" if row.unit in money_units else "count"
        for c in range(4, 6 if cumulative else 5):
            ws.cell(i, c).number_format = NUMBER_FORMATS[kind]
            ws.cell(i, c).protection = UNLOCKED
            by_kind.setdefault(kind, []).append(ws.cell(i, c).coordinate)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(i, c)
            if isinstance(value, str):
                if value:
                    set_text(cell, value)
            elif c in raws:
                _set_number(cell, value, raws[c])
            else:
                _set_value(cell, value)
            cell.border = BORDER
            cell.font = normal
            cell.alignment = NUMBER if c >= 4 else Alignment(
                horizontal="left", vertical="center", wrap_text=True, indent=depth if c == 2 else 0)
        ws.row_dimensions[i].height = text_row_height(row.label, 60 - 2 * depth)
        name = f"legacy.{row.code}"
        while name in used:
            name += "_"
        used.add(name)
        define_name(wb, name, sheet, f"$D${i}")
        provenance.append((name, row.raw, row.where))
        if cumulative:
            define_name(wb, f"{name}.cumulative", sheet, f"$E${i}")
            provenance.append((f"{name}.cumulative", row.cumulative_raw, row.cumulative_where))
    add_validations(ws, by_kind)
    protect(ws)
    return provenance


def _write_narrative(wb: Workbook, narrative: dict[str, str], spec: Spec) -> None:
    """Each section's text from its row down, cut over as many rows as it takes for every
    character to show on screen and on paper (a row is at most 409 points tall, a cell at most
    32,767 characters); a row that continues the one above is labelled （续）, and the defined
    names of the sections below move down with them."""
    sections = [s for s in spec.sections if s.kind == "text"]
    ws, address = _destination(wb, f"narrative.{sections[0].key}")
    first = ws[address].row
    width = ws.column_dimensions["B"].width or 100
    labels = {r: ws.cell(r, 1).value for r in range(first, first + len(sections))}
    label_style = ws.cell(first, 1)
    bold, fill, top = copy(label_style.font), copy(label_style.fill), copy(label_style.alignment)
    normal = Font(name=FONT, size=11)
    r = first
    for i, section in enumerate(sections):
        chunks = text_chunks(narrative.get(section.key, ""), width, _MAX_CELL)
        define_name(wb, f"narrative.{section.key}", ws.title, f"$B${r}")
        for j, chunk in enumerate(chunks):
            set_text(ws.cell(r, 1), str(labels[first + i]) if j == 0 else spec.workbook.continued)
            label = ws.cell(r, 1)
            label.font, label.fill, label.alignment = copy(bold), copy(fill), copy(top)
            cell = ws.cell(r, 2)
            if chunk:
                set_text(cell, chunk)
            else:
                cell.value = None
            cell.alignment = TEXT
            cell.font = normal
            for c in (1, 2):
                ws.cell(r, c).border = BORDER
            ws.row_dimensions[r].height = max(18, min(409, text_row_height(chunk, width)))
            r += 1
